/* poll() on stdin and stdout: stdin (a file of bytes) is readable, stdout writable. */
#include "corpus.h"
#include <poll.h>
int main(void) {
  struct pollfd fds[2] = {{0, POLLIN, 0}, {1, POLLOUT, 0}};
  int n = poll(fds, 2, 0);
  printf("poll: %d stdin %d stdout %d\n", n, (fds[0].revents & POLLIN) != 0, (fds[1].revents & POLLOUT) != 0);
  char buf[16] = {0};
  printf("stdin: %zd %s\n", read(0, buf, 15), buf);
  return 0;
}
