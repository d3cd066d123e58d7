#include "store/postgres_values.h"

#include <fmt/format.h>

namespace cu {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

void PgArray::separate() {
  if (size_++ > 0) body_ += ',';
}

PgArray& PgArray::add(std::string_view text) {
  separate();
  body_ += '"';
  for (const char c : text) {
    if (c == '\0') {
      body_ += kReplacement;
      continue;
    }
    if (c == '"' || c == '\\') body_ += '\\';
    body_ += c;
  }
  body_ += '"';
  return *this;
}

PgArray& PgArray::add(std::int64_t number) {
  separate();
  body_ += std::to_string(number);
  return *this;
}

PgArray& PgArray::add(double number) {
  separate();
  body_ += pg_number(number);
  return *this;
}

PgArray& PgArray::add_null() {
  separate();
  body_ += "NULL";
  return *this;
}

std::string pg_number(double number) { return fmt::format("{}", number); }

std::string pg_text_value(std::string_view text) {
  std::string value;
  value.reserve(text.size());
  for (const char c : text) {
    if (c == '\0') {
      value += kReplacement;
    } else {
      value += c;
    }
  }
  return value;
}

}  // namespace cu
