#include "pipe_io.hpp"

#include <cerrno>
#include <poll.h>
#include <system_error>
#include <unistd.h>

namespace nas::core::worker {

void write_all(int fd, const std::string &data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, -1);
    } else if (n < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "writing to a worker pipe");
    }
  }
}

ssize_t read_some(int fd, char *buffer, size_t size) {
  for (;;) {
    ssize_t n = ::read(fd, buffer, size);
    if (n >= 0 || errno != EINTR)
      return n;
  }
}

} // namespace nas::core::worker
