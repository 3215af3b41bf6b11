/* A trailing slash names a directory: on a file it is ENOTDIR. */
#include "corpus.h"
int main(void) {
  put("file", "x");
  mkdir("dir", 0755);
  struct stat st;
  step("open file/", open("file/", O_RDONLY));
  step("stat file/", stat("file/", &st));
  step("open dir/", open("dir/", O_RDONLY));
  step("stat dir/", stat("dir/", &st));
  step("open missing/ O_CREAT", open("missing/", O_WRONLY | O_CREAT, 0644));
  return 0;
}
