#pragma once
// The events a SQLite bulk load committed (sqlite_sql.h: a large first load into an empty
// usage_events), kept in memory in compact form so that the refresh closing the load computes the
// rollups from them instead of reading every row back through the indexes it has just built.
//
// About 120 bytes per event (strings interned): 53 MB for 444k events, held from the first commit
// of the load to the refresh that ends it. Plain data; no I/O.
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ingest/usage_event.h"

namespace cu {

class BulkLoadEvents {
 public:
  void add(const UsageEvent& event);
  // Forgets a committed event (replaced by a better duplicate in a later commit).
  void remove(std::int64_t id);
  // Events held (added and not removed).
  std::int64_t size() const;
  void clear();

  // Every event at or after `from_ms`, in time order, as the time-ordered rollup scan reads rows
  // (no message id, request id or cwd). `visit(timestamp_ms, make)`: make() builds the event.
  template <typename Visit>
  void for_each_by_time(std::int64_t from_ms, Visit&& visit) const {
    for (const std::uint32_t index : ordered_by_time()) {
      const Compact& event = events_[index];
      if (event.timestamp_ms < from_ms) continue;
      visit(event.timestamp_ms, [&] { return expand(event, false); });
    }
  }

  // Every event grouped by (project, session id), as the session-ordered scan reads rows (with cwd,
  // without message and request ids). `visit(project, session_id, make)`.
  template <typename Visit>
  void for_each_by_session(Visit&& visit) const {
    for (const std::uint32_t index : ordered_by_session()) {
      const Compact& event = events_[index];
      visit(texts_[event.project], texts_[event.session_id], [&] { return expand(event, true); });
    }
  }

 private:
  struct Compact {
    std::int64_t id = 0;
    std::int64_t timestamp_ms = 0;
    std::int64_t line_offset = 0;
    TokenCounts tokens;
    double cost_usd = 0;
    double logged_cost_usd = 0;
    std::uint32_t project = 0, session_id = 0, model = 0, cwd = 0, file = 0;  // into texts_
    std::int32_t entry_index = 0;
    Speed speed = Speed::kUnset;
    bool has_logged_cost = false;
    bool is_sidechain = false;
  };
  std::uint32_t intern(std::string_view text);
  UsageEvent expand(const Compact& event, bool with_cwd) const;
  // Indexes of the held events (removed ones left out) in the given order.
  std::vector<std::uint32_t> ordered_by_time() const;
  std::vector<std::uint32_t> ordered_by_session() const;

  std::vector<Compact> events_;
  std::unordered_set<std::int64_t> removed_;  // ids among events_ forgotten since
  std::deque<std::string> texts_;  // a deque: its strings never move, text_ids_ views them
  std::unordered_map<std::string_view, std::uint32_t> text_ids_;  // views into texts_'s strings
};

}  // namespace cu
