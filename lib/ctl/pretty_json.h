#pragma once
// The text `claude-usagectl --json` prints: nlohmann's dump(2) of a report, byte for byte
// (indent 2, keys in the object's order, UTF-8 kept, invalid UTF-8 replaced by U+FFFD), written
// without nlohmann's serializer for what reports are made of. nlohmann escapes every string by
// decoding UTF-8 a byte at a time, keys included; a 6-month `blocks --json` (571 KB, 744 blocks)
// spent a third of the daemon's time there. Strings of printable ASCII, integers and containers
// are written here; anything else (other bytes in a string, floating-point numbers, binary
// values) is handed to nlohmann, so the rules for those stay its own. tests/ctl/pretty_json_test.cpp
// compares the two on generated trees.
#include <string>

#include <nlohmann/json.hpp>

namespace cu::ctl {

// Appends `value` as dump(2) renders it, the first line at the cursor and the following ones
// indented by `indent` spaces more than dump(2) would indent them.
void append_pretty_json(std::string& out, const nlohmann::json& value, int indent = 0);

inline std::string pretty_json(const nlohmann::json& value) {
  std::string out;
  append_pretty_json(out, value);
  return out;
}

}  // namespace cu::ctl
