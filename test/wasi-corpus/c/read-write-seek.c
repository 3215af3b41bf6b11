/* write, lseek, read, pread and pwrite on one descriptor. */
#include "corpus.h"
int main(void) {
  int fd = step("open rw create", open("data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
  printf("write: %zd\n", write(fd, "hello world", 11));
  printf("lseek cur: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek set: %lld\n", (long long)lseek(fd, 6, SEEK_SET));
  char buf[32] = {0};
  printf("read: %zd %s\n", read(fd, buf, 5), buf);
  printf("pwrite: %zd\n", pwrite(fd, "WORLD", 5, 6));
  memset(buf, 0, sizeof buf);
  printf("pread: %zd %s\n", pread(fd, buf, 11, 0), buf);
  printf("position after pread: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  printf("read at end: %zd\n", read(fd, buf, 5));
  printf("lseek past end: %lld\n", (long long)lseek(fd, 20, SEEK_SET));
  printf("write past end: %zd\n", write(fd, "!", 1));
  struct stat st;
  fstat(fd, &st);
  printf("size: %lld\n", (long long)st.st_size);
  step("lseek negative", (int)lseek(fd, -100, SEEK_SET));
  step("ftruncate 5", ftruncate(fd, 5));
  close(fd);
  printf("content: %s\n", get("data.txt"));
  return 0;
}
