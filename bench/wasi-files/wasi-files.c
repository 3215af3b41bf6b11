/* The file-heavy program of bench/wasi-files.bench.js, run unchanged under agentbox and
 * node:wasi. `small`: create, write, read back and delete 1,000 small files in small/.
 * `big`: read big.bin in 1 MiB pieces. Each prints what it did and a sum of the bytes, so
 * the benchmark can check both hosts did the same work. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char piece[1 << 20];

static int small_files(void) {
  char name[32], text[64], back[64];
  unsigned long long sum = 0;
  if (mkdir("small", 0755) != 0) return perror("mkdir small"), 1;
  for (int i = 0; i < 1000; i++) {
    snprintf(name, sizeof name, "small/f%04d.txt", i);
    int length = snprintf(text, sizeof text, "file %d of the small-file benchmark\n", i);
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, (size_t)length) != length || close(fd) != 0) return perror(name), 1;
  }
  for (int i = 0; i < 1000; i++) {
    snprintf(name, sizeof name, "small/f%04d.txt", i);
    int fd = open(name, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, back, sizeof back);
    if (n <= 0 || close(fd) != 0) return perror(name), 1;
    for (ssize_t k = 0; k < n; k++) sum += back[k];
  }
  for (int i = 0; i < 1000; i++) {
    snprintf(name, sizeof name, "small/f%04d.txt", i);
    if (unlink(name) != 0) return perror(name), 1;
  }
  if (rmdir("small") != 0) return perror("rmdir small"), 1;
  printf("small: 1000 files, sum %llu\n", sum);
  return 0;
}

static int big_file(void) {
  int fd = open("big.bin", O_RDONLY);
  if (fd < 0) return perror("big.bin"), 1;
  unsigned long long total = 0, sum = 0;
  ssize_t n;
  while ((n = read(fd, piece, sizeof piece)) > 0) {
    /* Touch one byte in 4 KiB: the benchmark measures the I/O path, not a checksum loop. */
    for (ssize_t k = 0; k < n; k += 4096) sum += piece[k];
    total += (unsigned long long)n;
  }
  close(fd);
  if (n < 0) return perror("read big.bin"), 1;
  printf("big: %llu bytes, sum %llu\n", total, sum);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "small") == 0) return small_files();
  if (argc == 2 && strcmp(argv[1], "big") == 0) return big_file();
  fprintf(stderr, "usage: wasi-files small|big\n");
  return 2;
}
