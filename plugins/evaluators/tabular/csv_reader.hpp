// A CSV reader over text in memory, after RFC 4180: fields separated by commas, records by
// LF or CRLF, any field may be in double quotes, inside which commas and line breaks are
// literal and a doubled quote stands for one quote. Blank lines and a leading UTF-8
// byte-order mark are skipped. No dependency beyond the standard library, so tests can
// compile it alone.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nas::tabular {

// Malformed CSV at the 1-based `line`; `reason` says what is wrong there.
struct CsvError : std::runtime_error {
  CsvError(size_t line, const std::string &reason)
      : std::runtime_error("line " + std::to_string(line) + ": " + reason), line(line),
        reason(reason) {}
  size_t line;
  std::string reason;
};

class CsvReader {
public:
  explicit CsvReader(std::string_view text);

  // Reads the next record into `fields` (reusing its strings' storage); false at the end.
  bool next(std::vector<std::string> &fields);
  // The 1-based line on which the record last read begins.
  size_t line() const { return record_line_; }

private:
  void read_quoted(std::string &field);
  void read_unquoted(std::string &field);
  bool at_line_break() const;
  void skip_line_break();

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
};

} // namespace nas::tabular
