/* stat follows a symlink, lstat describes the link itself. */
#include "corpus.h"
int main(void) {
  put("target.txt", "12345");
  step("symlink", symlink("target.txt", "link"));
  struct stat st;
  step("stat link", stat("link", &st));
  printf("stat: regular %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  step("lstat link", lstat("link", &st));
  printf("lstat: symlink %d size %lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
  step("lstat target", lstat("target.txt", &st));
  printf("lstat target: regular %d nlink %lld\n", S_ISREG(st.st_mode), (long long)st.st_nlink);
  step("stat missing", stat("missing", &st));
  return 0;
}
