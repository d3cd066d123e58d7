#include <stdexcept>

#include <fmt/format.h>

#include "docs/completions.h"

namespace cu::docs {

const std::string& shell_word(const std::string& word) {
  static constexpr std::string_view kPunctuation = "-_.=+,|";
  for (const char c : word) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kPunctuation.find(c) == std::string_view::npos) {
      throw std::invalid_argument(fmt::format("\"{}\" cannot be offered as a completion word", word));
    }
  }
  if (word.empty()) throw std::invalid_argument("an empty completion word");
  return word;
}

std::string shell_words(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : " ") + shell_word(word);
  return text;
}

std::vector<OptionDoc> options_after(const ProgramDoc& program, const CommandDoc& command) {
  std::vector<OptionDoc> options = command.options;
  options.insert(options.end(), program.options.begin(), program.options.end());
  return options;
}

}  // namespace cu::docs
