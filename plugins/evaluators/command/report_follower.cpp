#include "report_follower.hpp"

#include <fstream>

namespace nas::command {

std::vector<std::string> ReportFollower::new_lines(bool at_end) {
  std::vector<std::string> lines;
  std::ifstream in(path_, std::ios::binary);
  if (in) { // absent until the command writes its first report
    in.seekg(static_cast<std::streamoff>(offset_));
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      std::streamsize n = in.gcount();
      offset_ += static_cast<uint64_t>(n);
      partial_.append(buffer, static_cast<size_t>(n));
    }
  }
  size_t begin = 0;
  for (size_t newline; (newline = partial_.find('\n', begin)) != std::string::npos;
       begin = newline + 1)
    lines.push_back(partial_.substr(begin, newline - begin));
  partial_.erase(0, begin);
  if (at_end && !partial_.empty()) {
    lines.push_back(partial_);
    partial_.clear();
  }
  for (std::string &line : lines)
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
  std::vector<std::string> out;
  for (std::string &line : lines)
    if (line.find_first_not_of(" \t") != std::string::npos)
      out.push_back(std::move(line)); // blank lines are no reports
  return out;
}

} // namespace nas::command
