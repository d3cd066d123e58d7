// session: one row per (project, session), the costliest first.
#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "core/time.h"
#include "ctl/reports.h"
#include "ctl/usage_rows.h"
#include "rollup/calendar.h"
#include "rollup/event_order.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;
using SessionKey = std::pair<std::string, std::string>;  // (project_path, session_id)

std::map<SessionKey, std::vector<ModelUsage>> models_by_session(std::span<const SessionModelRow> rows) {
  std::map<SessionKey, std::vector<ModelUsage>> models;
  for (const SessionModelRow& row : rows) {
    models[{row.project_path, row.session_id}].push_back({row.model, row.tokens, row.cost_usd});
  }
  return models;
}

Json session_json(const SessionRow& session, const std::vector<ModelUsage>& models) {
  std::vector<std::string> names;
  for (const ModelUsage& model : models) names.push_back(model.model);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  Json object = Json::object();
  object["sessionId"] = session.session_id;
  object["projectPath"] = session.project_path;
  object["firstActivity"] = format_timestamp_ms(session.session_start_ms);
  object["lastActivity"] = format_timestamp_ms(session.session_end_ms);
  put_token_fields(object, session.tokens);
  object["totalCost"] = session.cost_usd;
  object["modelsUsed"] = std::move(names);
  object["modelBreakdowns"] = model_breakdowns_json(models);
  return object;
}

// ccusage 20.0.24 lists sessions by cost, descending, whatever --order says; equal costs keep the
// order of their log files' paths, "<project>/<session>.jsonl" ("-a-b/s" before "-a/s": '-' sorts
// before '/').
void sort_by_cost(std::vector<SessionRow>& sessions) {
  const auto path = [](const SessionRow& row) { return row.project_path + '/' + row.session_id; };
  std::sort(sessions.begin(), sessions.end(), [&](const SessionRow& a, const SessionRow& b) {
    if (a.cost_usd != b.cost_usd) return a.cost_usd > b.cost_usd;
    return path(a) < path(b);
  });
}


// ccusage's `session --id`: the session's kept entries (costUSD as logged, 0 where none was; the
// total in the query's cost mode), or null when no session has this id.
Json session_by_id(ReportSource& source, const CommandArgs& args) {
  ReportFilter filter;
  filter.since = args.since;
  filter.until = args.until;
  filter.project = args.project;
  filter.session_id = args.session_id;
  const std::vector<UsageEvent> events = source.events(filter);
  if (events.empty()) return nullptr;
  Json entries = Json::array();
  double total_cost = 0;
  std::int64_t total_tokens = 0;
  for (const UsageEvent* event : time_ordered(events)) {
    const TokenCounts& t = event->entry.tokens;
    Json entry = Json::object();
    entry["timestamp"] = format_timestamp_ms(event->entry.timestamp_ms);
    entry["inputTokens"] = t.input;
    entry["outputTokens"] = t.output;
    entry["cacheCreationTokens"] = t.cache_creation;
    entry["cacheReadTokens"] = t.cache_read;
    entry["model"] = event->entry.model;
    entry["costUSD"] = event->entry.logged_cost_usd.value_or(0.0);
    if (args.by_subagent) {
      entry["agent"] = agent_of(*event, [&source](std::string_view file) { return source.subagent_type(file); });
    }
    entries.push_back(std::move(entry));
    total_cost += event->cost_usd;
    total_tokens += t.total();
  }
  return Json{{"sessionId", *args.session_id}, {"totalCost", total_cost}, {"totalTokens", total_tokens},
              {"entries", std::move(entries)}};
}

}  // namespace

nlohmann::json session_report(ReportSource& source, const CommandArgs& args) {
  if (args.session_id) return session_by_id(source, args);
  ReportFilter filter;
  filter.since = args.since;
  filter.until = args.until;
  filter.project = args.project;
  std::vector<SessionRow> sessions = source.sessions(filter);
  const auto models = models_by_session(source.session_models(filter));
  sort_by_cost(sessions);
  Json list = Json::array();
  ReportTotals totals;
  static const std::vector<ModelUsage> kNoModels;
  std::map<SessionKey, std::vector<UsageEvent>> events_by_session;
  if (args.by_subagent) {
    for (UsageEvent& event : source.events(filter)) {
      events_by_session[{event.project, event.session_id}].push_back(std::move(event));
    }
  }
  for (const SessionRow& session : sessions) {
    const SessionKey key{session.project_path, session.session_id};
    const auto it = models.find(key);
    list.push_back(session_json(session, it != models.end() ? it->second : kNoModels));
    if (args.by_subagent) list.back()["agentBreakdowns"] = agent_breakdowns_of(events_by_session[key], source);
    totals.add(session.tokens, session.cost_usd);
  }
  return Json{{"sessions", std::move(list)}, {"totals", totals.json()}};
}

}  // namespace cu::ctl
