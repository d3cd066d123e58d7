#pragma once
// How a logged model name relates to a price-table name (SPEC §5 lookup rule). Pure functions.
#include <cstddef>
#include <string>
#include <string_view>

namespace cu {

// True when `outer.substr(pos, length)` sits on a name boundary in `outer`:
//  - the text before it is empty or ends with a non-alphanumeric character, and
//  - the text after it is empty, or starts with a non-alphanumeric separator that is not followed
//    by a version number. A digit run right after the separator is a version ("-1" in
//    claude-opus-4-1, "-9" in claude-opus-4-9), except a run of exactly 8 digits: a date, which
//    the match absorbs (claude-opus-4-20250514, claude-opus-4-1@20250805).
// So claude-opus-4 is on a boundary in us.anthropic.claude-opus-4-20250514-v1:0 but not in
// claude-opus-4-1-20250805 nor in claude-opus-45.
bool occurs_on_name_boundary(std::string_view outer, std::size_t pos, std::size_t length);

// True when the shorter of the two names occurs in the longer one on a name boundary (at any of
// its occurrences). The shorter name must contain a letter or digit. Equal names overlap.
bool names_overlap(std::string_view a, std::string_view b);

// `name` with every `.` and `@` mapped to `-` (the lookup's second pass: glm-4.7 ~ glm-4-7,
// claude-opus-4-1@20250805 ~ claude-opus-4-1-20250805).
std::string dash_normalized(std::string_view name);

}  // namespace cu
