/* Two descriptors of one file share its contents while both are open. */
#include "corpus.h"
int main(void) {
  put("shared.txt", "aaaa");
  int a = open("shared.txt", O_RDWR);
  int b = open("shared.txt", O_RDONLY);
  printf("write a: %zd\n", pwrite(a, "BB", 2, 1));
  char buf[16] = {0};
  printf("read b: %zd %s\n", pread(b, buf, 15, 0), buf);
  int c = open("shared.txt", O_WRONLY);
  pwrite(c, "C", 1, 0);
  close(c);
  close(a);
  memset(buf, 0, sizeof buf);
  printf("read b after closes: %zd %s\n", pread(b, buf, 15, 0), buf);
  close(b);
  printf("content: %s\n", get("shared.txt"));
  return 0;
}
