#include "rollup/agents.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "rollup/summaries.h"

namespace cu {
namespace {

constexpr std::string_view kTranscriptSuffix = ".jsonl";
constexpr std::string_view kMetaSuffix = ".meta.json";
constexpr std::string_view kSubagentsFolder = "/subagents/";

}  // namespace

bool is_subagent_file(std::string_view file) {
  const std::size_t folder = file.rfind(kSubagentsFolder);
  if (folder == std::string_view::npos || !file.ends_with(kTranscriptSuffix)) return false;
  // <project>/<session> before the folder: exactly one '/' in it, neither part empty.
  const std::string_view owner = file.substr(0, folder);
  const std::size_t slash = owner.find('/');
  const bool two_parts = slash != std::string_view::npos && slash > 0 && slash + 1 < owner.size() &&
                         owner.find('/', slash + 1) == std::string_view::npos;
  const std::string_view name = file.substr(folder + kSubagentsFolder.size());
  return two_parts && name.size() > kTranscriptSuffix.size() && name.find('/') == std::string_view::npos;
}

std::string subagent_meta_file(std::string_view file) {
  std::string meta(file.substr(0, file.size() - (file.ends_with(kTranscriptSuffix) ? kTranscriptSuffix.size() : 0)));
  meta += kMetaSuffix;
  return meta;
}

std::optional<std::string> agent_type_of_meta(std::string_view json_text) {
  const nlohmann::json meta = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object()) return std::nullopt;
  const auto type = meta.find("agentType");
  if (type == meta.end() || !type->is_string() || type->get_ref<const std::string&>().empty()) return std::nullopt;
  return type->get<std::string>();
}

std::string agent_of(const UsageEvent& event, const SubagentTypeLookup& type_of) {
  if (is_subagent_file(event.file)) {
    if (type_of) {
      if (auto type = type_of(event.file)) return std::move(*type);
    }
    return std::string(kUnknownSubagent);
  }
  return std::string(event.entry.is_sidechain ? kUnknownSubagent : kMainAgent);
}

std::vector<AgentUsage> agent_breakdown(std::span<const UsageEvent> events, const SubagentTypeLookup& type_of) {
  std::map<std::string, AgentUsage> by_agent;
  for (const UsageEvent& event : events) {
    const std::string agent = agent_of(event, type_of);
    AgentUsage& usage = by_agent.try_emplace(agent, AgentUsage{agent, {}, 0, 0}).first->second;
    add_tokens(usage.tokens, event.entry);
    usage.cost_usd += event.cost_usd;
    ++usage.request_count;
  }
  std::vector<AgentUsage> agents;
  for (auto& [name, usage] : by_agent) agents.push_back(std::move(usage));
  std::stable_sort(agents.begin(), agents.end(),
                   [](const AgentUsage& a, const AgentUsage& b) { return a.cost_usd > b.cost_usd; });
  return agents;
}

}  // namespace cu
