#include "ingest/subagent_types.h"

#include "rollup/agents.h"

namespace cu {

SubagentTypes::SubagentTypes(std::vector<std::filesystem::path> roots, FileSystem& files, const Clock& clock)
    : roots_(std::move(roots)), files_(files), clock_(clock) {}

std::optional<std::string> SubagentTypes::type_of(std::string_view file) {
  const Clock::time_point now = clock_.now();
  const auto found = cache_.find(std::string(file));
  if (found != cache_.end() && (found->second.type || now - found->second.checked < kRetryAfter)) {
    return found->second.type;
  }
  std::optional<std::string> type = read_type(file);
  cache_.insert_or_assign(std::string(file), Entry{type, now});
  return type;
}

std::optional<std::string> SubagentTypes::read_type(std::string_view file) {
  const std::string meta = subagent_meta_file(file);
  for (const std::filesystem::path& root : roots_) {
    int error = 0;
    const auto open = files_.open(root / "projects" / meta, error);
    if (!open) continue;
    std::string text(kMaxMetaBytes, '\0');
    const std::int64_t length = open->read_at(text.data(), text.size(), 0);
    if (length <= 0 || static_cast<std::size_t>(length) == kMaxMetaBytes) continue;
    text.resize(static_cast<std::size_t>(length));
    if (auto type = agent_type_of_meta(text)) return type;
  }
  return std::nullopt;
}

}  // namespace cu
