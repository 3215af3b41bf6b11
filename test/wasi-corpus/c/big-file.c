/* Streams 8 MiB in 64 KiB pieces and reads it back: runs under a small open-file budget. */
#include "corpus.h"
#include <stdint.h>
static unsigned char buf[65536];
int main(void) {
  int fd = open("big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  for (int i = 0; i < 128; i++) {
    memset(buf, i, sizeof buf);
    if (write(fd, buf, sizeof buf) != sizeof buf) { printf("write %d: %s\n", i, errname(errno)); return 1; }
  }
  close(fd);
  fd = open("big.bin", O_RDONLY);
  if (fd < 0) { printf("open: %s\n", errname(errno)); return 1; }
  uint64_t sum = 0, total = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) sum += buf[i];
    total += n;
  }
  printf("read %llu bytes, sum %llu\n", (unsigned long long)total, (unsigned long long)sum);
  return 0;
}
