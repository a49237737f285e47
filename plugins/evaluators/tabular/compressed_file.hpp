// Reads a whole file through zlib, so gzip-compressed and plain files read the same way.
#pragma once

#include <string>

namespace nas::tabular {

// The file's bytes, decompressed when it is gzip data. Throws std::runtime_error naming
// the file and the reason.
std::string read_possibly_gzipped(const std::string &path);

} // namespace nas::tabular
