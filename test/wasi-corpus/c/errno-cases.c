/* The errnos toolchains rely on for ordinary failures. */
#include "corpus.h"
#include <sys/socket.h>
int main(void) {
  put("f", "x");
  mkdir("d", 0755);
  step("open missing", open("missing", O_RDONLY));
  step("open excl existing", open("f", O_WRONLY | O_CREAT | O_EXCL, 0644));
  step("open missing dir/file", open("nodir/f", O_RDONLY));
  step("open file/child", open("f/child", O_RDONLY));
  step("open dir for writing", open("d", O_WRONLY));
  step("mkdir in missing", mkdir("nodir/sub", 0755));
  step("read bad fd", (int)read(42, NULL, 0));
  step("close bad fd", close(42));
  int fd = open("f", O_RDONLY);
  step("ftruncate read-only", ftruncate(fd, 0));
  char c;
  step("recv on a file", (int)recv(fd, &c, 1, 0));
  step("lseek on stdout", (int)lseek(1, 0, SEEK_CUR));
  return 0;
}
