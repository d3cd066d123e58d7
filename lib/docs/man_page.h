#pragma once
// A man(7) page as sections of roff, and the pieces the pages of lib/docs are made of.
#include <string>
#include <string_view>
#include <vector>

#include "docs/program_doc.h"

namespace cu::docs {

struct ManSection {
  std::string heading;  // "OPTIONS"
  std::string body;     // roff lines, each ending in '\n'
};

struct ManPage {
  std::string name;     // "claude-usagectl"
  int section = 1;      // 1, 5 or 8
  std::string summary;  // what NAME says after the dash
  std::vector<ManSection> sections;
};

// The page as man(7) source: a title line naming the version, NAME, then `page.sections`.
std::string render_man_page(const ManPage& page);

// Paragraphs of plain text (roff_text), one .PP each.
std::string paragraphs(const std::vector<std::string_view>& texts);

// One tagged paragraph (.TP): `tag` is roff already, `text` plain.
std::string tagged(std::string_view tag, std::string_view text);

// A tagged paragraph per option: its flags and value, then its help.
std::string option_list(const std::vector<OptionDoc>& options);

// `lines` as a preformatted, indented block.
std::string literal_block(std::string_view lines);

// "[--config FILE] [--once] ...": a program's options as a synopsis shows them, -h/--help and the
// version flag left out.
std::string synopsis_options(const ProgramDoc& program);

// "claude-usagectl(1)" in roff: the name bold, the section after it.
std::string page_reference(std::string_view name, int section);

}  // namespace cu::docs
