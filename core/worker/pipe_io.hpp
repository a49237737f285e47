// Whole writes and interrupted reads on pipe descriptors, for both ends of a worker's pipes.
#pragma once

#include <cstddef>
#include <string>
#include <sys/types.h>

namespace nas::core::worker {

// Writes all of `data`, waiting for room when the descriptor is non-blocking. Throws
// std::system_error (EPIPE when the reader is gone).
void write_all(int fd, const std::string &data);

// read(2), retried when a signal interrupts it: bytes read, 0 at end of input, -1 with
// errno set (EAGAIN on an empty non-blocking pipe).
ssize_t read_some(int fd, char *buffer, size_t size);

} // namespace nas::core::worker
