#pragma once
// Writing roff for man(7) pages: escaping text so that groff shows it as written.
#include <string>
#include <string_view>

#include "docs/program_doc.h"

namespace cu::docs {

// `text` as the content of a text line: backslashes, hyphens (as \-, so that flags copy as typed)
// and non-ASCII characters (as \[uXXXX]) escaped, `code` spans in bold, a line break allowed after
// each '/' (paths are longer than the lines of a page that does not hyphenate), and a leading '.'
// or '\'' kept from being read as a request. `text` must be one line of valid UTF-8.
std::string roff_text(std::string_view text);

// `text` in bold, escaped as roff_text does.
std::string roff_bold(std::string_view text);

// A line of a preformatted (.nf) block, or a request's argument: escaped as roff_text, but without
// bold or break points.
std::string roff_literal_line(std::string_view line);

// The flags of `option` in bold and its value in italics: "\fB\-s\fR, \fB\-\-since\fR \fIDATE\fR".
std::string roff_option_tag(const OptionDoc& option);

}  // namespace cu::docs
