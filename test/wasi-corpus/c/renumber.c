/* fd_renumber moves a descriptor; a bad source or target is EBADF. */
#include "corpus.h"
#include <wasi/api.h>
int main(void) {
  put("a", "AAA");
  put("b", "BBB");
  int a = open("a", O_RDONLY);
  int b = open("b", O_RDONLY);
  printf("renumber: %d\n", __wasi_fd_renumber(a, b));
  char buf[8] = {0};
  read(b, buf, 3);
  printf("read target: %s\n", buf);
  printf("source closed: %s\n", read(a, buf, 1) < 0 ? errname(errno) : "open");
  printf("renumber bad source: %d\n", __wasi_fd_renumber(99, b) == __WASI_ERRNO_BADF);
  printf("renumber bad target: %d\n", __wasi_fd_renumber(b, 99) == __WASI_ERRNO_BADF);
  return 0;
}
