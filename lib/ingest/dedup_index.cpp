#include "ingest/dedup_index.h"

#include <algorithm>
#include <tuple>

namespace cu {

DedupRank DedupRank::of(const UsageEvent& event) {
  return DedupRank{event.entry.is_sidechain, event.entry.tokens.total(),  event.cost_usd,
                   event.entry.speed != Speed::kUnset, event.file, event.line_offset,
                   event.entry_index};
}

bool kept_over(const DedupRank& a, const DedupRank& b) {
  if (a.is_sidechain != b.is_sidechain) return !a.is_sidechain;
  if (a.tokens != b.tokens) return a.tokens > b.tokens;
  if (a.cost_usd != b.cost_usd) return a.cost_usd > b.cost_usd;
  if (a.has_speed != b.has_speed) return a.has_speed;
  return std::tie(a.file, a.line_offset, a.entry_index) <
         std::tie(b.file, b.line_offset, b.entry_index);
}

// Same key (message id, request id), or same message id with another request id when either side
// is a sidechain entry (side-question replays).
bool DedupIndex::collides(const Kept& kept, std::string_view request_id, bool is_sidechain) {
  return kept.request_id == request_id || kept.rank.is_sidechain || is_sidechain;
}

DedupDecision DedupIndex::offer(const UsageEvent& event) {
  DedupDecision decision;
  const UsageEntry& entry = event.entry;
  if (entry.message_id.empty()) {
    decision.keep = true;  // never deduplicated, and never a collision partner
    return decision;
  }
  const DedupRank rank = DedupRank::of(event);
  auto& kept_list = by_message_[entry.message_id];
  for (const Kept& kept : kept_list) {
    if (collides(kept, entry.request_id, entry.is_sidechain) && !kept_over(rank, kept.rank)) {
      return decision;  // an already kept entry wins
    }
  }
  std::erase_if(kept_list, [&](const Kept& kept) {
    if (!collides(kept, entry.request_id, entry.is_sidechain)) return false;
    decision.replaced.push_back(kept.id);
    return true;
  });
  size_ -= decision.replaced.size();
  kept_list.push_back(Kept{event.id, entry.request_id, rank});
  ++size_;
  decision.keep = true;
  return decision;
}

void DedupIndex::restore(std::int64_t id, std::string message_id, std::string request_id,
                         DedupRank rank) {
  if (message_id.empty()) return;
  by_message_[std::move(message_id)].push_back(Kept{id, std::move(request_id), std::move(rank)});
  ++size_;
}

}  // namespace cu
