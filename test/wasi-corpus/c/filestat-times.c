/* Times set with utimensat/futimens read back; nlink is 1; ftruncate changes size. */
#include "corpus.h"
int main(void) {
  put("f", "abc");
  struct timespec times[2] = {{1000, 5}, {2000, 7}};
  step("utimensat", utimensat(AT_FDCWD, "f", times, 0));
  struct stat st;
  stat("f", &st);
  printf("atime %lld.%ld mtime %lld.%ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  int fd = open("f", O_RDWR);
  struct timespec later[2] = {{0, UTIME_OMIT}, {3000, 0}};
  step("futimens", futimens(fd, later));
  fstat(fd, &st);
  printf("atime %lld mtime %lld nlink %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec, (long long)st.st_nlink);
  step("ftruncate", ftruncate(fd, 10));
  fstat(fd, &st);
  printf("size %lld\n", (long long)st.st_size);
  printf("posix_fallocate: %d\n", posix_fallocate(fd, 0, 20));
  printf("posix_fadvise: %d\n", posix_fadvise(fd, 0, 10, POSIX_FADV_SEQUENTIAL));
  fstat(fd, &st);
  printf("size %lld\n", (long long)st.st_size);
  return 0;
}
