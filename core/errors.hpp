// Errors inside the host: exceptions with context. The CLI turns them into exit codes:
// UsageError and PipelineError -> 2 (bad usage or config), RunError -> 1 (a failed run).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace nas::core {

// Where something came from in a pipeline file (or "--set" for a command-line override).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const {
    if (line <= 0)
      return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One or more problems in a pipeline, each "file:line:col: what, expected what".
class PipelineError : public std::runtime_error {
public:
  explicit PipelineError(std::vector<std::string> problems)
      : std::runtime_error(join(problems)), problems_(std::move(problems)) {}
  PipelineError(const SourcePos &pos, const std::string &message)
      : PipelineError(std::vector<std::string>{pos.str() + ": " + message}) {}
  const std::vector<std::string> &problems() const { return problems_; }

private:
  static std::string join(const std::vector<std::string> &p) {
    std::string out;
    for (const auto &s : p)
      out += (out.empty() ? "" : "\n") + s;
    return out;
  }
  std::vector<std::string> problems_;
};

struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace nas::core
