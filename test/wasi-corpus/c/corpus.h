/* Shared by the C corpus programs: print each step as "label: ok" or "label: <ERRNO>", so
 * the expected stdout in corpus.json names the exact errno wasmtime gives. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case 0: return "ok";
  case EACCES: return "EACCES";
  case EBADF: return "EBADF";
  case EEXIST: return "EEXIST";
  case EINVAL: return "EINVAL";
  case EISDIR: return "EISDIR";
  case ELOOP: return "ELOOP";
  case ENOENT: return "ENOENT";
  case ENOTDIR: return "ENOTDIR";
  case ENOTEMPTY: return "ENOTEMPTY";
  case ENOTCAPABLE: return "ENOTCAPABLE";
  case ENOTSUP: return "ENOTSUP";
  case EPERM: return "EPERM";
  case EROFS: return "EROFS";
  case EXDEV: return "EXDEV";
  case ESPIPE: return "ESPIPE";
  case ENOTSOCK: return "ENOTSOCK";
  default: return "E?";
  }
}

/* Prints the outcome of a call that returns -1 and sets errno on failure. */
__attribute__((unused)) static int step(const char *label, int result) {
  printf("%s: %s\n", label, result < 0 ? errname(errno) : "ok");
  return result;
}

__attribute__((unused)) static void put(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, text, strlen(text)) < 0) printf("put %s: %s\n", path, errname(errno));
  close(fd);
}

/* Reads up to 255 bytes of `path` into a static buffer ("" on failure). */
__attribute__((unused)) static const char *get(const char *path) {
  static char buf[256];
  buf[0] = 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return errname(errno);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  close(fd);
  return buf;
}
