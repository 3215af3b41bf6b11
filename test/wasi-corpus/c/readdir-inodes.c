/* readdir lists every entry once (besides . and ..), with the inode numbers stat reports. */
#include "corpus.h"
#include <dirent.h>
#include <stdlib.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
int main(void) {
  mkdir("d", 0755);
  put("d/b.txt", "b");
  put("d/a.txt", "a");
  mkdir("d/sub", 0755);
  DIR *dir = opendir("d");
  if (!dir) { printf("opendir: %s\n", errname(errno)); return 1; }
  char *names[16];
  int n = 0, inodes_match = 1;
  struct dirent *e;
  while ((e = readdir(dir)) && n < 16) {
    char path[64];
    snprintf(path, sizeof path, "d/%s", e->d_name);
    struct stat st;
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (lstat(path, &st) || st.st_ino != e->d_ino)) inodes_match = 0;
    // wasmtime lists . and .. too, node:wasi does not: only the real entries are compared.
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  }
  qsort(names, n, sizeof *names, cmp);
  for (int i = 0; i < n; i++) printf("%s\n", names[i]);
  printf("inodes match stat: %d\n", inodes_match);
  struct stat s1, s2;
  stat("d/a.txt", &s1);
  stat("d/b.txt", &s2);
  printf("distinct inodes: %d\n", s1.st_ino != s2.st_ino);
  return 0;
}
