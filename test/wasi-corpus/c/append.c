/* O_APPEND writes land at the end, also after another descriptor grew the file. */
#include "corpus.h"
int main(void) {
  put("log.txt", "one\n");
  int a = open("log.txt", O_WRONLY | O_APPEND);
  int other = open("log.txt", O_WRONLY);
  write(a, "two\n", 4);
  pwrite(other, "three\n", 6, 8);
  write(a, "four\n", 5);
  lseek(a, 0, SEEK_SET);
  write(a, "five\n", 5);
  close(a);
  close(other);
  printf("%s", get("log.txt"));
  return 0;
}
