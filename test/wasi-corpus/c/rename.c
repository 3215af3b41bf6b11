/* rename of files and directories, over existing targets and errors. */
#include "corpus.h"
int main(void) {
  put("a", "A");
  put("b", "B");
  step("rename a c", rename("a", "c"));
  printf("c: %s\n", get("c"));
  step("rename c over b", rename("c", "b"));
  printf("b: %s\n", get("b"));
  printf("c gone: %s\n", get("c"));
  mkdir("d1", 0755);
  put("d1/f", "F");
  step("rename dir", rename("d1", "d2"));
  printf("d2/f: %s\n", get("d2/f"));
  step("rename missing", rename("none", "x"));
  mkdir("full", 0755);
  put("full/x", "x");
  mkdir("empty", 0755);
  step("rename dir over non-empty dir", rename("empty", "full"));
  step("rename file over dir", rename("b", "full"));
  return 0;
}
