// Follows the JSON-lines file a command appends its intermediate results to: each call
// returns the lines completed since the last one (a line still being written waits).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nas::command {

class ReportFollower {
public:
  explicit ReportFollower(std::string path) : path_(std::move(path)) {}

  // The complete lines added since the last call; with `at_end`, also a last line that
  // has no newline (the command has exited, so nothing more comes).
  std::vector<std::string> new_lines(bool at_end = false);
  const std::string &path() const { return path_; }

private:
  std::string path_;
  uint64_t offset_ = 0; // bytes of the file consumed so far
  std::string partial_; // the start of a line whose newline has not come yet
};

} // namespace nas::command
