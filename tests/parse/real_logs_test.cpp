// Every line of the shared real-log corpus parses without a skip, into plausible entries.
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parse/line_parser.h"

namespace cu {
namespace {

namespace fs = std::filesystem;

const fs::path kProjects = fs::path(CU_SHARED_DATA_DIR) / "claude-logs" / "projects";
constexpr std::int64_t kYear2024Ms = 1704067200000;  // 2024-01-01T00:00:00Z
constexpr std::int64_t kYear2030Ms = 1893456000000;  // 2030-01-01T00:00:00Z

// The file's bytes followed by LineParser::kPadding bytes, as the reader holds them.
std::string read_padded(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.append(LineParser::kPadding, '\0');
  return bytes;
}

struct CorpusCounts {
  std::size_t files = 0;
  std::size_t lines = 0;
  std::array<std::size_t, kSkipReasonCount> skips{};
  std::vector<UsageEntry> entries;
};

void parse_file(LineParser& parser, const fs::path& path, CorpusCounts& counts) {
  const std::string buffer = read_padded(path);
  const std::string_view content(buffer.data(), buffer.size() - LineParser::kPadding);
  for (std::size_t begin = 0; begin < content.size();) {
    std::size_t end = content.find('\n', begin);
    if (end == std::string_view::npos) end = content.size();
    ParseOutcome outcome = parser.parse(content.substr(begin, end - begin), counts.entries);
    ++counts.lines;
    if (outcome.skipped) {
      ++counts.skips[static_cast<std::size_t>(outcome.reason)];
      ADD_FAILURE() << path << ":" << counts.lines << " " << to_string(outcome.reason);
    }
    begin = end + 1;
  }
  ++counts.files;
}

TEST(RealLogs, EveryLineParsesWithoutSkips) {
  if (!fs::is_directory(kProjects)) GTEST_SKIP() << "no corpus at " << kProjects;
  LineParser parser;
  CorpusCounts counts;
  for (const fs::directory_entry& file : fs::recursive_directory_iterator(kProjects)) {
    if (file.is_regular_file() && file.path().extension() == ".jsonl") {
      parse_file(parser, file.path(), counts);
    }
  }
  std::size_t synthetic = 0;
  TokenCounts sum;
  for (const UsageEntry& entry : counts.entries) {
    EXPECT_GE(entry.timestamp_ms, kYear2024Ms);
    EXPECT_LT(entry.timestamp_ms, kYear2030Ms);
    EXPECT_FALSE(entry.model.empty());
    if (entry.tokens.has_cache_split) {
      EXPECT_EQ(entry.tokens.cache_creation,
                entry.tokens.cache_creation_5m + entry.tokens.cache_creation_1h);
    }
    synthetic += entry.model == kSyntheticModel;
    sum.input += entry.tokens.input;
    sum.output += entry.tokens.output;
    sum.cache_creation += entry.tokens.cache_creation;
    sum.cache_read += entry.tokens.cache_read;
  }
  std::cout << "[ corpus   ] " << counts.files << " files, " << counts.lines << " lines, "
            << counts.entries.size() << " entries (" << synthetic << " <synthetic>), before dedup:"
            << " input " << sum.input << ", output " << sum.output << ", cache creation "
            << sum.cache_creation << ", cache read " << sum.cache_read << "\n";
  EXPECT_GT(counts.files, 200u);
  EXPECT_GT(counts.entries.size(), 5000u);
  EXPECT_LT(counts.entries.size(), counts.lines);
}

}  // namespace
}  // namespace cu
