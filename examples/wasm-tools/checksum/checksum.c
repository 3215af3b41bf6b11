/* checksum: CRC-32 and SHA-256 of granted files of any size, in C with wasi-libc alone.
 * stdin:  {"files": ["/files/a.txt", "/files/logs/big.log"]}
 * stdout: {"files": [{"file": "/files/a.txt", "bytes": 12, "crc32": "…", "sha256": "…"}]}
 * Each file is read in 64 KiB pieces into one static buffer, so the guest's memory is the
 * same for a 1 KB file and a 10 GB one. A file the grant does not reach fails the call
 * (exit 2, the errno on stderr): the sandbox refuses it, the tool only reports. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "crc32.h"
#include "json-input.h"
#include "sha256.h"

#define MAX_INPUT (1 << 20)
#define MAX_FILES 256

static unsigned char piece[64 * 1024];
static char input[MAX_INPUT + 1];

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "checksum: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  exit(2);
}

static void put_json_string(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p == '\n') fputs("\\n", stdout);
    else if (*p < 0x20) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}

/* Streams one file through both sums and prints its entry. */
static void sum_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) fail(path, strerror(errno));
  sha256_state sha;
  sha256_init(&sha);
  uint32_t crc = 0;
  unsigned long long bytes = 0;
  for (;;) {
    ssize_t n = read(fd, piece, sizeof piece);
    if (n < 0) fail(path, strerror(errno));
    if (n == 0) break;
    sha256_update(&sha, piece, (size_t)n);
    crc = crc32_update(crc, piece, (size_t)n);
    bytes += (unsigned long long)n;
  }
  close(fd);
  char hex[65];
  sha256_hex(&sha, hex);
  fputs("{\"file\":", stdout);
  put_json_string(path);
  printf(",\"bytes\":%llu,\"crc32\":\"%08x\",\"sha256\":\"%s\"}", bytes, (unsigned)crc, hex);
}

int main(void) {
  size_t length = fread(input, 1, MAX_INPUT + 1, stdin);
  if (length > MAX_INPUT) fail("arguments larger than 1 MiB", NULL);
  input[length] = 0;
  char *files[MAX_FILES];
  const char *error = json_string_array(input, "files", files, MAX_FILES);
  if (error) fail("bad arguments", error);
  crc32_init_table();
  fputs("{\"files\":[", stdout);
  for (int i = 0; files[i]; i++) {
    if (i) putchar(',');
    sum_file(files[i]);
  }
  fputs("]}", stdout);
  return 0;
}
