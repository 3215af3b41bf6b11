/* link() inside one grant: two names, one file. */
#include "corpus.h"
int main(void) {
  put("a.txt", "shared");
  step("link", link("a.txt", "b.txt"));
  struct stat sa, sb;
  stat("a.txt", &sa);
  stat("b.txt", &sb);
  printf("nlink: %lld same inode: %d\n", (long long)sa.st_nlink, sa.st_ino == sb.st_ino);
  printf("read b: %s\n", get("b.txt"));
  step("link onto existing", link("a.txt", "b.txt"));
  step("link missing", link("none", "c.txt"));
  step("unlink a", unlink("a.txt"));
  printf("b after unlink a: %s\n", get("b.txt"));
  return 0;
}
