/* A symlink that resolves outside the grant is refused when used. */
#include "corpus.h"
int main(void) {
  step("symlink up", symlink("../outside", "up"));
  step("symlink absolute", symlink("/etc/passwd", "abs"));
  printf("open up: %s\n", get("up"));
  printf("open abs: %s\n", get("abs"));
  struct stat st;
  step("lstat up", lstat("up", &st));
  char buf[64] = {0};
  ssize_t n = readlink("abs", buf, sizeof buf - 1);
  printf("readlink abs: %s\n", n < 0 ? errname(errno) : buf);
  step("open ../x", open("../x", O_RDONLY));
  return 0;
}
