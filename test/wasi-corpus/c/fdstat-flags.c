/* fcntl flags and access modes read back as set; rights follow how the file was opened. */
#include "corpus.h"
int main(void) {
  put("f", "abc");
  int w = open("f", O_WRONLY);
  int r = open("f", O_RDONLY);
  int rw = open("f", O_RDWR | O_APPEND);
  printf("wronly accmode: %d\n", (fcntl(w, F_GETFL) & O_ACCMODE) == O_WRONLY);
  printf("rdonly accmode: %d\n", (fcntl(r, F_GETFL) & O_ACCMODE) == O_RDONLY);
  printf("rdwr accmode: %d append: %d\n", (fcntl(rw, F_GETFL) & O_ACCMODE) == O_RDWR, (fcntl(rw, F_GETFL) & O_APPEND) != 0);
  step("setfl append", fcntl(w, F_SETFL, O_APPEND));
  printf("append after setfl: %d\n", (fcntl(w, F_GETFL) & O_APPEND) != 0);
  write(w, "d", 1);
  char buf[8] = {0};
  printf("read write-only: %s\n", read(w, buf, 1) < 0 ? errname(errno) : "ok");
  printf("write read-only: %s\n", write(r, "x", 1) < 0 ? errname(errno) : "ok");
  printf("content: %s\n", get("f"));
  return 0;
}
