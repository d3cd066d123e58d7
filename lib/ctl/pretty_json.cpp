#include "ctl/pretty_json.h"

#include <charconv>
#include <string_view>

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr int kIndentStep = 2;

std::string nlohmann_dump(const Json& value) {
  return value.dump(kIndentStep, ' ', false, Json::error_handler_t::replace);
}

// True when every byte is printable ASCII that JSON does not escape: then the string is its own
// JSON text between quotes.
bool plain(std::string_view text) {
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

void append_string(std::string& out, const std::string& text) {
  if (plain(text)) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  out += nlohmann_dump(Json(text));
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

// nlohmann's text of `value`, its lines after the first moved right by `indent` spaces. Its
// newlines are all between tokens: inside strings they are escaped.
void append_indented(std::string& out, const std::string& text, int indent) {
  for (const char c : text) {
    out += c;
    if (c == '\n') out.append(static_cast<std::size_t>(indent), ' ');
  }
}

void append_value(std::string& out, const Json& value, int indent);

// An object's members or an array's elements as dump(2) lays them out: `open`, then each item on
// a line of its own indented one step deeper (`write` puts it there), then `close` on a line at
// `indent`; an empty one as `open` and `close` side by side.
template <typename Items, typename Write>
void append_container(std::string& out, const Items& items, char open, char close, int indent, Write write) {
  out += open;
  if (!items.empty()) {
    const int inner = indent + kIndentStep;
    bool first = true;
    for (const auto& item : items) {
      out += first ? "\n" : ",\n";
      first = false;
      out.append(static_cast<std::size_t>(inner), ' ');
      write(item, inner);
    }
    out += '\n';
    out.append(static_cast<std::size_t>(indent), ' ');
  }
  out += close;
}

void append_value(std::string& out, const Json& value, int indent) {
  switch (value.type()) {
    case Json::value_t::object:
      append_container(out, value.get_ref<const Json::object_t&>(), '{', '}', indent,
                       [&out](const auto& member, int inner) {
                         append_string(out, member.first);
                         out += ": ";
                         append_value(out, member.second, inner);
                       });
      return;
    case Json::value_t::array:
      append_container(out, value.get_ref<const Json::array_t&>(), '[', ']', indent,
                       [&out](const Json& element, int inner) { append_value(out, element, inner); });
      return;
    case Json::value_t::string: append_string(out, value.get_ref<const std::string&>()); return;
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case Json::value_t::null: out += "null"; return;
    case Json::value_t::number_integer: append_integer(out, value.get<std::int64_t>()); return;
    case Json::value_t::number_unsigned: append_integer(out, value.get<std::uint64_t>()); return;
    case Json::value_t::number_float:
    case Json::value_t::binary:
    case Json::value_t::discarded: append_indented(out, nlohmann_dump(value), indent); return;
  }
}

}  // namespace

void append_pretty_json(std::string& out, const Json& value, int indent) { append_value(out, value, indent); }

}  // namespace cu::ctl
