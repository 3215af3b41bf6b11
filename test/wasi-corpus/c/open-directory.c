/* Opening a directory descriptor the way wasi-libc does for opendir and O_DIRECTORY. */
#include "corpus.h"
#include <dirent.h>
int main(void) {
  mkdir("sub", 0755);
  int fd = step("open . O_DIRECTORY", open(".", O_RDONLY | O_DIRECTORY));
  step("open sub O_DIRECTORY", open("sub", O_RDONLY | O_DIRECTORY));
  DIR *d = opendir(".");
  printf("opendir .: %s\n", d ? "ok" : errname(errno));
  put("file", "x");
  step("open file O_DIRECTORY", open("file", O_RDONLY | O_DIRECTORY));
  step("open . O_RDWR", open(".", O_RDWR));
  struct stat st;
  step("fstat dir", fstat(fd, &st));
  printf("is dir: %d\n", S_ISDIR(st.st_mode));
  return 0;
}
