#include "pricing/model_name_match.h"

#include <algorithm>

namespace cu {
namespace {

constexpr std::size_t kDateDigits = 8;  // YYYYMMDD

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

bool is_boundary_head(std::string_view head) {
  return head.empty() || !is_ascii_alnum(head.back());
}

bool is_boundary_tail(std::string_view tail) {
  if (tail.empty()) return true;
  if (is_ascii_alnum(tail.front())) return false;
  const std::string_view after_separator = tail.substr(1);
  const auto digits = static_cast<std::size_t>(
      std::find_if_not(after_separator.begin(), after_separator.end(), is_ascii_digit) -
      after_separator.begin());
  return digits == 0 || digits == kDateDigits;
}

}  // namespace

bool occurs_on_name_boundary(std::string_view outer, std::size_t pos, std::size_t length) {
  if (pos > outer.size() || length > outer.size() - pos) return false;
  return is_boundary_head(outer.substr(0, pos)) && is_boundary_tail(outer.substr(pos + length));
}

bool names_overlap(std::string_view a, std::string_view b) {
  const std::string_view outer = a.size() >= b.size() ? a : b;
  const std::string_view inner = a.size() >= b.size() ? b : a;
  if (std::none_of(inner.begin(), inner.end(), is_ascii_alnum)) return false;
  for (std::size_t pos = outer.find(inner); pos != std::string_view::npos;
       pos = outer.find(inner, pos + 1)) {
    if (occurs_on_name_boundary(outer, pos, inner.size())) return true;
  }
  return false;
}

std::string dash_normalized(std::string_view name) {
  std::string result(name);
  std::replace_if(result.begin(), result.end(), [](char c) { return c == '.' || c == '@'; }, '-');
  return result;
}

}  // namespace cu
