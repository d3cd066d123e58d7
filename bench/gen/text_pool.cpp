#include "text_pool.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "ids.h"

namespace cu::gen {
namespace {

// Everything appended below is already in escaped form: "\\n" is the two characters \ and n.
constexpr std::array<std::string_view, 64> kWords = {
    "the",       "config",   "file",    "test",    "function", "we",     "need",
    "to",        "update",   "handler", "and",     "then",     "check",  "whether",
    "it",        "returns",  "error",   "value",   "from",     "parser", "module",
    "I'll",      "look",     "at",      "this",    "build",    "fails",  "because",
    "missing",   "import",   "in",      "output",  "should",   "be",     "now",
    "let",       "me",       "run",     "suite",   "again",    "fixed",  "cache",
    "request",   "response", "timeout", "retry",   "database", "schema", "migration",
    "component", "state",    "props",   "render",  "query",    "index",  "type",
    "interface", "async",    "await",   "promise", "stream",   "buffer", "path",
    "directory"};

constexpr std::array<std::string_view, 12> kDecorations = {
    "`src/main.rs`", "`npm test`",   "\\\"strict\\\"", "→", "—",           "✓",
    "`useEffect`",   "`Cargo.toml`", "**important**",  "é", "`--release`", "`README.md`"};

constexpr std::array<std::string_view, 24> kIdentifiers = {
    "config",  "result", "handler", "parseLine", "entries", "request", "options", "buffer",
    "index",   "count",  "tokens",  "session",   "client",  "server",  "path",    "value",
    "payload", "items",  "state",   "cache",     "logger",  "schema",  "row",     "err"};

constexpr std::array<std::string_view, 16> kKeywords = {
    "const", "let",   "if",     "return", "for",   "while",  "fn",     "def",
    "await", "async", "struct", "impl",   "class", "import", "export", "match"};

constexpr std::array<std::string_view, 12> kFileNames = {
    "main.rs", "lib.rs",    "index.ts",  "app.tsx",    "server.go",   "utils.py",
    "api.py",  "README.md", "config.rs", "schema.sql", "handler.cpp", "package.json"};

template <std::size_t N>
std::string_view pick(Rng& rng, const std::array<std::string_view, N>& items) {
  return items[rng.below(N)];
}

void append_sentence(std::string& out, Rng& rng) {
  const auto words = rng.between(5, 18);
  for (std::int64_t i = 0; i < words; ++i) {
    if (i > 0) out.push_back(' ');
    if (rng.chance(0.06)) {
      out.append(pick(rng, kDecorations));
    } else {
      std::string_view word = pick(rng, kWords);
      out.append(word);
    }
  }
  out.append(rng.chance(0.1) ? ":" : ".");
}

void append_prose_paragraph(std::string& out, Rng& rng) {
  const bool bullets = rng.chance(0.3);
  const auto sentences = rng.between(1, 5);
  for (std::int64_t i = 0; i < sentences; ++i) {
    out.append(bullets ? "\\n- " : " ");
    append_sentence(out, rng);
  }
  out.append("\\n\\n");
}

void append_code_line(std::string& out, Rng& rng) {
  const auto indent = rng.between(0, 3);
  for (std::int64_t i = 0; i < indent; ++i) out.append(rng.chance(0.2) ? "\\t" : "    ");
  out.append(pick(rng, kKeywords));
  out.push_back(' ');
  out.append(pick(rng, kIdentifiers));
  switch (rng.below(4)) {
    case 0:
      out.append(" = \\\"");
      out.append(pick(rng, kWords));
      out.append("\\\";");
      break;
    case 1:
      out.append("(");
      out.append(pick(rng, kIdentifiers));
      out.append(") {");
      break;
    case 2:
      out.append(" = ");
      out.append(pick(rng, kIdentifiers));
      out.append(".len();");
      break;
    default:
      out.append(" \\\\ ");
      out.append(pick(rng, kIdentifiers));
      break;
  }
}

void append_numbered_code_line(std::string& out, Rng& rng, std::uint64_t& line_number) {
  const auto number = std::to_string(++line_number);
  out.append(6 - std::min<std::size_t>(6, number.size()), ' ');
  out.append(number);
  out.append(rng.chance(0.5) ? "→" : "\\t");
  append_code_line(out, rng);
}

void append_listing_line(std::string& out, Rng& rng) {
  out.append("-rw-r--r--  1 dev dev ");
  out.append(std::to_string(rng.between(100, 99999)));
  out.append(" Sep ");
  out.append(std::to_string(rng.between(1, 28)));
  out.append(" 10:");
  out.append(std::to_string(rng.between(10, 59)));
  out.push_back(' ');
  out.append(pick(rng, kFileNames));
}

void append_test_line(std::string& out, Rng& rng) {
  out.append("test ");
  out.append(pick(rng, kIdentifiers));
  out.append("::");
  out.append(pick(rng, kIdentifiers));
  out.append(rng.chance(0.9) ? " ... ok" : " ... FAILED");
}

void append_compiler_line(std::string& out, Rng& rng) {
  out.append("src/");
  out.append(pick(rng, kFileNames));
  out.push_back(':');
  out.append(std::to_string(rng.between(1, 900)));
  out.append(":13: error: '");
  out.append(pick(rng, kIdentifiers));
  out.append("' was not declared in this scope");
}

void append_check_line(std::string& out, Rng& rng) {
  out.append("  ✓ ");
  append_sentence(out, rng);
  out.append(" (");
  out.append(std::to_string(rng.between(1, 400)));
  out.append(" ms)");
}

void append_json_line(std::string& out, Rng& rng) {
  out.append("  \\\"");
  out.append(pick(rng, kIdentifiers));
  out.append("\\\": \\\"");
  out.append(pick(rng, kWords));
  out.append("\\\",");
}

// One line of tool output: numbered source (as Read shows it) most often.
void append_tool_line(std::string& out, Rng& rng, std::uint64_t& line_number) {
  switch (rng.below(8)) {
    case 0:
    case 1:
    case 2: append_numbered_code_line(out, rng, line_number); break;
    case 3: append_listing_line(out, rng); break;
    case 4: append_test_line(out, rng); break;
    case 5: append_compiler_line(out, rng); break;
    case 6: append_check_line(out, rng); break;
    default: append_json_line(out, rng); break;
  }
  out.append("\\n");
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

TextPool TextPool::prose(Rng& rng, std::size_t bytes) {
  std::string text;
  text.reserve(bytes + 1024);
  while (text.size() < bytes) append_prose_paragraph(text, rng);
  return TextPool(std::move(text));
}

TextPool TextPool::tool_output(Rng& rng, std::size_t bytes) {
  std::string text;
  text.reserve(bytes + 1024);
  std::uint64_t line_number = 0;
  while (text.size() < bytes) {
    if (rng.chance(0.02)) line_number = 0;
    append_tool_line(text, rng, line_number);
  }
  return TextPool(std::move(text));
}

TextPool TextPool::base64(Rng& rng, std::size_t bytes) {
  std::string text;
  text.reserve(bytes);
  append_base64(text, rng, bytes);
  return TextPool(std::move(text));
}

std::size_t TextPool::boundary_at_or_after(std::size_t pos) const {
  while (pos < text_.size()) {
    std::size_t backslashes = 0;
    while (backslashes < pos && text_[pos - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0 && !is_utf8_continuation(text_[pos])) return pos;
    ++pos;
  }
  return text_.size();
}

std::string_view TextPool::slice(Rng& rng, std::size_t length) const {
  if (length >= text_.size()) return text_;
  std::size_t begin = rng.below(text_.size() - length);
  const std::size_t space = text_.find(' ', begin);
  if (space != std::string::npos && space - begin < 24) begin = space + 1;  // start at a word
  begin = boundary_at_or_after(begin);
  const std::size_t end = boundary_at_or_after(begin + length);
  return std::string_view(text_).substr(begin, end - begin);
}

}  // namespace cu::gen
