#pragma once
// Which thread of a session an event belongs to: the main conversation or a subagent (Claude Code's
// Task tool), and the subagent's type. Claude Code writes a subagent's transcript to
// <project>/<session>/subagents/agent-<id>.jsonl and, in newer versions, its type to the sibling
// agent-<id>.meta.json ({"agentType": "Explore", ...}); older versions wrote subagent messages into
// the session's own file, marked isSidechain.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/usage_event.h"
#include "rollup/rows.h"

namespace cu {

inline constexpr std::string_view kMainAgent = "main";
// A subagent whose type no .meta.json names.
inline constexpr std::string_view kUnknownSubagent = "subagent";

// Looks up a subagent transcript's type by its path below projects/; nullopt when unknown.
using SubagentTypeLookup = std::function<std::optional<std::string>(std::string_view file)>;

// Whether `file` (a path below projects/) is a subagent transcript: <p>/<s>/subagents/<name>.jsonl.
bool is_subagent_file(std::string_view file);

// The .meta.json beside a subagent transcript: ".jsonl" replaced.
std::string subagent_meta_file(std::string_view file);

// The agentType of a .meta.json's text; nullopt when it is not JSON, has none, or an empty one.
std::optional<std::string> agent_type_of_meta(std::string_view json_text);

// "main", the subagent's type, or kUnknownSubagent (a sidechain entry of the session's own file, or
// a subagent transcript without a known type).
std::string agent_of(const UsageEvent& event, const SubagentTypeLookup& type_of);

struct AgentUsage {
  std::string agent;
  TokenTotals tokens;
  double cost_usd = 0;
  std::int64_t request_count = 0;
};

// The events summed per agent, the costliest first (ties by name); costs in the events' order.
std::vector<AgentUsage> agent_breakdown(std::span<const UsageEvent> events, const SubagentTypeLookup& type_of);

}  // namespace cu
