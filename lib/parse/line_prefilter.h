#pragma once
// Byte-level checks that let most lines skip JSON parsing (internal to cu_parse). Most bytes of a
// transcript are in lines without usage (tool results, user prompts), so these decide the speed.
#include <string_view>

namespace cu {

// `line` without leading and trailing JSON whitespace (space, tab, CR, LF).
std::string_view trim_json_whitespace(std::string_view line);

// Whether trimmed `text` starts with '{' and ends with '}': what every JSON object does.
bool looks_like_object(std::string_view text);

// Whether `text` contains the bytes `"usage"` (quotes included). A line without them cannot hold a
// `usage` member; inside a JSON string the quotes are escaped, so text that merely mentions the
// word does not match.
bool contains_usage_marker(std::string_view text);

}  // namespace cu
