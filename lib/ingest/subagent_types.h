#pragma once
// The types of subagent transcripts, read from their .meta.json files (rollup/agents.h) when a
// report asks for a subagent breakdown, and kept: a type never changes once written. A file not
// there yet is looked for again a minute later at the earliest, so a report over thousands of
// subagents without metadata (older Claude Code) costs their lookups once a minute, not per query.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "ingest/file_system.h"

namespace cu {

class SubagentTypes {
 public:
  static constexpr std::chrono::seconds kRetryAfter{60};
  static constexpr std::size_t kMaxMetaBytes = 64 * 1024;  // a larger file is no metadata we know

  // `roots` are Claude config roots (each holding projects/), searched in order.
  SubagentTypes(std::vector<std::filesystem::path> roots, FileSystem& files, const Clock& clock);

  // The agentType of subagent transcript `file` (a path below projects/); nullopt when no root has
  // a readable .meta.json with one.
  std::optional<std::string> type_of(std::string_view file);

 private:
  struct Entry {
    std::optional<std::string> type;
    Clock::time_point checked;
  };
  std::optional<std::string> read_type(std::string_view file);

  std::vector<std::filesystem::path> roots_;
  FileSystem& files_;
  const Clock& clock_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace cu
