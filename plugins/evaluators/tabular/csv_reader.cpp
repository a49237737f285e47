#include "csv_reader.hpp"

namespace nas::tabular {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF")
    pos_ = 3;
}

bool CsvReader::at_line_break() const {
  return pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r');
}

void CsvReader::skip_line_break() {
  if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n')
    ++pos_;
  ++pos_;
  ++line_;
}

bool CsvReader::next(std::vector<std::string> &fields) {
  while (at_line_break())
    skip_line_break();
  if (pos_ >= text_.size())
    return false;
  record_line_ = line_;
  size_t count = 0;
  for (;;) {
    if (count == fields.size())
      fields.emplace_back();
    std::string &field = fields[count++];
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"')
      read_quoted(field);
    else
      read_unquoted(field);
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue; // a comma at the end of the text or a line still opens one empty field
    }
    if (at_line_break())
      skip_line_break();
    break;
  }
  fields.resize(count);
  return true;
}

void CsvReader::read_unquoted(std::string &field) {
  size_t end = pos_;
  while (end < text_.size() && text_[end] != ',' && text_[end] != '\n' && text_[end] != '\r')
    ++end;
  field.append(text_.data() + pos_, end - pos_);
  pos_ = end;
}

void CsvReader::read_quoted(std::string &field) {
  ++pos_; // the opening quote
  for (;;) {
    size_t quote = text_.find('"', pos_);
    if (quote == std::string_view::npos)
      throw CsvError(record_line_, "a quoted field is not closed before the end of the file");
    for (size_t i = pos_; i < quote; ++i)
      line_ += text_[i] == '\n';
    field.append(text_.data() + pos_, quote - pos_);
    pos_ = quote + 1;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      field += '"'; // a doubled quote
      ++pos_;
      continue;
    }
    break;
  }
  if (pos_ < text_.size() && text_[pos_] != ',' && !at_line_break())
    throw CsvError(line_, "unexpected '" + std::string(1, text_[pos_]) +
                              "' after a closing quote (expected a comma or a line break)");
}

} // namespace nas::tabular
