/* unlink and rmdir, and the errnos for the wrong kind or a non-empty directory. */
#include "corpus.h"
int main(void) {
  put("f", "x");
  mkdir("d", 0755);
  put("d/inner", "y");
  step("rmdir non-empty", rmdir("d"));
  step("rmdir file", rmdir("f"));
  step("unlink dir", unlink("d"));
  step("unlink missing", unlink("missing"));
  step("unlink inner", unlink("d/inner"));
  step("rmdir d", rmdir("d"));
  step("unlink f", unlink("f"));
  struct stat st;
  step("stat f", stat("f", &st));
  step("mkdir existing", mkdir("d", 0755) == 0 ? mkdir("d", 0755) : -1);
  return 0;
}
