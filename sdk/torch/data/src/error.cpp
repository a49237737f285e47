#include "nas/data/error.hpp"

namespace nas::data {

DataError::DataError(const std::string &path, const std::string &what)
    : std::runtime_error(path + ": " + what), path_(path) {}

} // namespace nas::data
