#pragma once
// Test lines held the way the reader holds them: LineParser::kPadding readable bytes after the
// line. The padding holds bytes that would change the result if the parser read them as part of
// the line (a usage marker, digits, a closing brace).
#include <string>
#include <string_view>
#include <vector>

#include "parse/line_parser.h"

namespace cu::test {

class PaddedLine {
 public:
  explicit PaddedLine(std::string_view text) : buffer_(text), size_(text.size()) {
    const std::string_view trap = "\"usage\":{\"input_tokens\":7}}1";
    while (buffer_.size() < size_ + LineParser::kPadding) buffer_ += trap;
  }
  std::string_view view() const { return {buffer_.data(), size_}; }

 private:
  std::string buffer_;
  std::size_t size_;
};

// Parses `text` as one padded line with `parser`, appending to `out`.
inline ParseOutcome parse_text(LineParser& parser, std::string_view text, std::vector<UsageEntry>& out) {
  PaddedLine line(text);
  return parser.parse(line.view(), out);
}

}  // namespace cu::test
