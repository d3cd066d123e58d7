// libFuzzer target for LineParser::parse (SPEC §3, §9): arbitrary bytes must give a result or a
// counted skip, never a crash, undefined behaviour or a read outside the line and its padding.
//
// Each input is parsed as one line, then split on '\n' and parsed as the lines of a file by the
// same reused parser, then parsed whole again: reusing a parser must not change its results.
// Every line is copied into a heap block of exactly its size + LineParser::kPadding, so ASan
// reports any read past the padding the reader guarantees.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "parse/line_parser.h"

namespace {

// Bytes that would change the outcome if the parser took the padding for part of the line.
constexpr std::string_view kPaddingTrap = "\"usage\":{\"input_tokens\":7,\"output_tokens\":1}},1]}";

// One line followed by exactly kPadding bytes of kPaddingTrap, in its own heap block.
class PaddedCopy {
 public:
  explicit PaddedCopy(std::string_view line)
      : size_(line.size()),
        bytes_(std::make_unique<char[]>(line.size() + cu::LineParser::kPadding)) {
    if (!line.empty()) std::memcpy(bytes_.get(), line.data(), line.size());
    for (std::size_t i = 0; i < cu::LineParser::kPadding; ++i) {
      bytes_[size_ + i] = kPaddingTrap[i % kPaddingTrap.size()];
    }
  }
  std::string_view view() const { return {bytes_.get(), size_}; }

 private:
  std::size_t size_;
  std::unique_ptr<char[]> bytes_;
};

// A broken contract is a crash for libFuzzer, which then saves the input.
void require(bool condition) {
  if (!condition) std::abort();
}

void check_entry(const cu::UsageEntry& entry) {
  const cu::TokenCounts& tokens = entry.tokens;
  require(tokens.input >= 0 && tokens.output >= 0 && tokens.cache_creation >= 0 &&
          tokens.cache_read >= 0);
  require(tokens.cache_creation_5m >= 0 && tokens.cache_creation_1h >= 0);
  if (tokens.has_cache_split)
    require(tokens.cache_creation == tokens.cache_creation_5m + tokens.cache_creation_1h);
}

// Parses `line` and checks the outcome contract of line_parser.h.
cu::ParseOutcome parse_checked(cu::LineParser& parser, std::string_view line,
                               std::vector<cu::UsageEntry>& out) {
  const PaddedCopy copy(line);
  const std::size_t before = out.size();
  const cu::ParseOutcome outcome = parser.parse(copy.view(), out);
  require(out.size() - before == outcome.entries);
  if (outcome.skipped) {
    require(outcome.entries == 0);
    require(static_cast<std::size_t>(outcome.reason) < cu::kSkipReasonCount);
  }
  for (std::size_t i = before; i < out.size(); ++i) check_entry(out[i]);
  return outcome;
}

bool same_outcome(const cu::ParseOutcome& a, const cu::ParseOutcome& b) {
  return a.skipped == b.skipped && a.entries == b.entries && (!a.skipped || a.reason == b.reason);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cu::LineParser parser;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::vector<cu::UsageEntry> whole;
  const cu::ParseOutcome first = parse_checked(parser, input, whole);

  std::vector<cu::UsageEntry> lines;
  for (std::size_t start = 0; start <= input.size();) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    parse_checked(parser, input.substr(start, end - start), lines);
    start = end + 1;
  }

  std::vector<cu::UsageEntry> again;
  require(same_outcome(parse_checked(parser, input, again), first));
  require(again == whole);
  return 0;
}
