/* Symlinks inside the grant: create, read, follow; dangling and escaping ones. */
#include "corpus.h"
int main(void) {
  mkdir("dir", 0755);
  put("dir/file.txt", "via link");
  step("symlink relative", symlink("dir/file.txt", "to-file"));
  step("symlink to dir", symlink("dir", "to-dir"));
  char buf[64] = {0};
  ssize_t n = readlink("to-file", buf, sizeof buf - 1);
  printf("readlink: %zd %s\n", n, n < 0 ? errname(errno) : buf);
  printf("read through link: %s\n", get("to-file"));
  printf("read through dir link: %s\n", get("to-dir/file.txt"));
  step("readlink on a file", (int)readlink("dir/file.txt", buf, sizeof buf));
  step("symlink over existing", symlink("x", "to-file"));
  step("symlink dangling", symlink("nowhere", "dangling"));
  printf("open dangling: %s\n", get("dangling"));
  step("unlink link", unlink("to-file"));
  printf("target kept: %s\n", get("dir/file.txt"));
  step("open O_NOFOLLOW on link", open("to-dir", O_RDONLY | O_NOFOLLOW));
  return 0;
}
