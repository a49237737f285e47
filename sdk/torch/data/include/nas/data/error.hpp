// nas/data/error.hpp: the one exception type the data readers throw for bad files.
#pragma once

#include <stdexcept>
#include <string>

namespace nas::data {

// A data file that is missing, truncated or malformed. The message names the path first and
// then what was expected and what was found, e.g.
//   ".../train-images-idx3-ubyte.gz: truncated: expected 47040000 bytes of pixels after the
//    header, found 1000"
class DataError : public std::runtime_error {
public:
  DataError(const std::string &path, const std::string &what);
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

} // namespace nas::data
