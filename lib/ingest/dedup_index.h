#pragma once
// Global deduplication of usage entries (SPEC §4). Pure in-memory state; the store persists the
// kept events and reloads this index from them at startup.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ingest/usage_event.h"

namespace cu {

// What decides which of two colliding entries is kept.
struct DedupRank {
  bool is_sidechain = false;
  std::int64_t tokens = 0;  // input + output + cache creation + cache read
  double cost_usd = 0;
  bool has_speed = false;
  std::string file;
  std::int64_t line_offset = 0;
  std::int32_t entry_index = 0;

  static DedupRank of(const UsageEvent& event);
};

// True when `a` is kept over `b` (SPEC §4): non-sidechain first, then more tokens, then higher cost,
// then speed present, then the file sorting first, then the earlier line. A strict total order on
// distinct entries, so the result does not depend on the order entries arrive in.
bool kept_over(const DedupRank& a, const DedupRank& b);

struct DedupDecision {
  bool keep = false;                   // the new entry is kept
  std::vector<std::int64_t> replaced;  // ids of previously kept events it displaces
};

class DedupIndex {
 public:
  // Offers a new event (its id already assigned). When kept, the index records it and forgets the
  // events it replaces; otherwise the index is unchanged.
  DedupDecision offer(const UsageEvent& event);

  // Records an already kept event (loading from the store); no collision check.
  void restore(std::int64_t id, std::string message_id, std::string request_id, DedupRank rank);

  // Forgets everything (before reloading from the store).
  void clear() {
    by_message_.clear();
    size_ = 0;
  }

  std::size_t size() const { return size_; }

 private:
  struct Kept {
    std::int64_t id;
    std::string request_id;
    DedupRank rank;
  };
  static bool collides(const Kept& kept, std::string_view request_id, bool is_sidechain);

  std::unordered_map<std::string, std::vector<Kept>> by_message_;
  std::size_t size_ = 0;
};

}  // namespace cu
