#include "docs/roff.h"

#include <cstdint>

#include <fmt/format.h>

namespace cu::docs {
namespace {

// The length of the UTF-8 sequence `lead` starts (1 for a byte that starts none).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// The code point of the UTF-8 sequence at the start of `text`, `length` bytes long.
char32_t code_point(std::string_view text, std::size_t length) {
  static constexpr unsigned char kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  char32_t point = static_cast<unsigned char>(text[0]) & kLeadMask[length];
  for (std::size_t i = 1; i < length && i < text.size(); ++i) {
    point = (point << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  }
  return point;
}

struct Escaping {
  bool bold_code = false;    // `code` spans switch to bold and back
  bool break_paths = false;  // a line may break after each '/' (\:), as paths are longer than lines
};

std::string escaped(std::string_view text, Escaping how) {
  std::string out;
  bool in_code = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t length = sequence_length(static_cast<unsigned char>(c));
    if (length > 1) {
      out += fmt::format("\\[u{:04X}]", static_cast<std::uint32_t>(code_point(text.substr(i), length)));
      i += length;
      continue;
    }
    if (c == '`' && how.bold_code) {
      out += in_code ? "\\fR" : "\\fB";
      in_code = !in_code;
    } else if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c == '/' && how.break_paths) {
      out += "/\\:";
    } else {
      out += c;
    }
    ++i;
  }
  if (in_code) out += "\\fR";
  return out;
}

// A text line starting with '.' or '\'' would be read as a request; "\&" (nothing) before it is not.
std::string guarded(std::string line) {
  if (!line.empty() && (line.front() == '.' || line.front() == '\'')) line.insert(0, "\\&");
  return line;
}

}  // namespace

std::string roff_text(std::string_view text) { return guarded(escaped(text, {.bold_code = true, .break_paths = true})); }

std::string roff_bold(std::string_view text) { return "\\fB" + escaped(text, {.break_paths = true}) + "\\fR"; }

std::string roff_literal_line(std::string_view line) { return guarded(escaped(line, {})); }

std::string roff_option_tag(const OptionDoc& option) {
  std::string tag;
  for (const std::string& flag : option.flags()) tag += (tag.empty() ? "" : ", ") + roff_bold(flag);
  if (option.takes_value()) tag += " \\fI" + escaped(option.value_name, {}) + "\\fR";
  return tag;
}

}  // namespace cu::docs
