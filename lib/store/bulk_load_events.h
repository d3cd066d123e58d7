#pragma once
// The events a SQLite bulk load committed (sqlite_sql.h: a large first load into an empty
// usage_events), kept in memory in compact form so that the refresh closing the load computes the
// rollups from them instead of reading every row back through the indexes it has just built.
//
// About 64 bytes per event (strings interned, counts in 32 bits when they fit): 28 MB for 444k
// events, held from the first commit of the load to the refresh that ends it. Plain data; no I/O.
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/usage_event.h"

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
      const std::int64_t timestamp_ms = events_[index].timestamp_ms;
      if (timestamp_ms < from_ms) continue;
      visit(timestamp_ms, [&] { return expand(index, false); });
    }
  }

  // Every event grouped by (project, session id), as the session-ordered scan reads rows (with cwd,
  // without message and request ids). `visit(project, session_id, make)`.
  template <typename Visit>
  void for_each_by_session(Visit&& visit) const {
    for (const std::uint32_t index : ordered_by_session()) {
      const auto& origin = origins_[events_[index].origin];
      visit(std::string_view(texts_[origin[0]]), std::string_view(texts_[origin[1]]), [&] { return expand(index, true); });
    }
  }

 private:
  // One event in 64 bytes. What does not fit (a count or offset beyond 32 bits, a cache split
  // that is not 5m + 1h = creation) is kept whole in wide_; a logged cost in logged_costs_.
  struct Compact {
    std::int64_t id = 0;
    std::int64_t timestamp_ms = 0;
    double cost_usd = 0;
    std::uint32_t input = 0, output = 0, cache_creation = 0, cache_read = 0, cache_creation_5m = 0;
    std::uint32_t line_offset = 0;
    std::uint32_t origin = 0;   // into origins_: project, session id, file
    std::uint32_t context = 0;  // into contexts_: model, cwd
    std::uint16_t entry_index = 0;
    std::uint8_t flags = 0;     // kWide, kSidechain, kSplit, speed << kSpeedShift
  };
  struct Wide {
    TokenCounts tokens;
    std::int64_t line_offset = 0;
    std::int32_t entry_index = 0;
  };
  static constexpr std::uint8_t kWide = 1, kSidechain = 2, kSplit = 4, kSpeedShift = 3;

  std::uint32_t intern(std::string_view text);
  // The index of the interned tuple (an entry of `table`) of the given texts; `last` is the index
  // this returned for the table the previous time.
  template <std::size_t N>
  std::uint32_t intern_tuple(std::vector<std::array<std::uint32_t, N>>& table,
                             const std::array<std::string_view, N>& parts, std::uint32_t& last);
  template <std::size_t N>
  std::uint32_t intern_new_tuple(std::vector<std::array<std::uint32_t, N>>& table,
                                 const std::array<std::string_view, N>& parts);
  UsageEvent expand(std::uint32_t index, bool with_cwd) const;
  // Indexes of the held events (removed ones left out): in events_ order, then in the given orders.
  std::vector<std::uint32_t> held_indexes() const;
  std::vector<std::uint32_t> ordered_by_time() const;
  std::vector<std::uint32_t> ordered_by_session() const;

  std::deque<Compact> events_;  // a deque: grows in chunks, without a vector's copy and slack
  std::unordered_map<std::uint32_t, Wide> wide_;  // by index into events_
  std::unordered_map<std::uint32_t, double> logged_costs_;  // by index into events_
  std::unordered_set<std::int64_t> removed_;     // ids among events_ forgotten since
  std::deque<std::string> texts_;  // a deque: its strings never move, text_ids_ views them
  std::unordered_map<std::string_view, std::uint32_t> text_ids_;
  std::unordered_map<std::uint32_t, std::uint32_t> tuple_ids_;  // joined text -> its table's index
  std::string joined_;  // intern_tuple's buffer
  std::uint32_t last_origin_ = ~0u, last_context_ = ~0u;
  std::vector<std::array<std::uint32_t, 3>> origins_;   // project, session id, file (texts_)
  std::vector<std::array<std::uint32_t, 2>> contexts_;  // model, cwd (texts_)
};

}  // namespace cu
