#pragma once
// Shell completions of a program, generated from its ProgramDoc: its commands, each command's
// flags, the values of flags with a fixed set of them, and file names where a flag takes a path.
// Each is the whole file the shell loads (bash-completion, zsh's fpath, fish's vendor directory).
#include <string>

#include "docs/program_doc.h"

namespace cu::docs {

std::string bash_completion(const ProgramDoc& program);
std::string zsh_completion(const ProgramDoc& program);
std::string fish_completion(const ProgramDoc& program);

// The word a completion offers for text a shell would split or expand: throws std::invalid_argument
// unless `word` is only letters, digits and "-_.=+,|" (flags, commands and choices all are).
const std::string& shell_word(const std::string& word);

// `words`, each a shell_word, separated by spaces.
std::string shell_words(const std::vector<std::string>& words);

// The options of `command` the shells offer: the command's own, then the program's (which may
// follow the command).
std::vector<OptionDoc> options_after(const ProgramDoc& program, const CommandDoc& command);

}  // namespace cu::docs
