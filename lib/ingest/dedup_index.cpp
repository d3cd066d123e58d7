#include "ingest/dedup_index.h"

#include <algorithm>
#include <cstring>
#include <tuple>

// Header-only: the functions are compiled here, nothing to link at run time.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace cu {

// Allocations up to kSmallBytes (the map's nodes, a bucket array of up to eight buckets) from a
// monotonic arena, freed all at once; larger ones (the bucket arrays the map replaces as it grows)
// from the heap, freed when replaced: in the arena every array the map ever had would stay.
class DedupIndex::NodeArena final : public std::pmr::memory_resource {
 public:
  static constexpr std::size_t kSmallBytes = 64;
  std::pmr::monotonic_buffer_resource small;

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    return bytes <= kSmallBytes ? small.allocate(bytes, alignment)
                                : std::pmr::new_delete_resource()->allocate(bytes, alignment);
  }
  void do_deallocate(void* pointer, std::size_t bytes, std::size_t alignment) override {
    if (bytes > kSmallBytes) std::pmr::new_delete_resource()->deallocate(pointer, bytes, alignment);
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }
};

DedupIndex::DedupIndex() : arena_(std::make_unique<NodeArena>()), by_message_(arena_.get()) {}

DedupIndex::~DedupIndex() = default;

std::uint64_t DedupIndex::request_hash(std::string_view request_id) {
  return XXH3_64bits(request_id.data(), request_id.size());
}

// The fields of kept_over's order, without owning any of them.
struct DedupIndex::RankView {
  bool is_sidechain;
  std::int64_t tokens;
  double cost_usd;
  bool has_speed;
  std::string_view file;
  std::int64_t line_offset;
  std::int32_t entry_index;
};

namespace {

using RankView = DedupIndex::RankView;

RankView view_of(const DedupRank& rank) {
  return {rank.is_sidechain, rank.tokens, rank.cost_usd, rank.has_speed, rank.file, rank.line_offset, rank.entry_index};
}

RankView view_of(const UsageEvent& event) {
  return {event.entry.is_sidechain, event.entry.tokens.total(), event.cost_usd, event.entry.speed != Speed::kUnset,
          event.file, event.line_offset, event.entry_index};
}

bool ranks_over(const RankView& a, const RankView& b) {
  if (a.is_sidechain != b.is_sidechain) return !a.is_sidechain;
  if (a.tokens != b.tokens) return a.tokens > b.tokens;
  if (a.cost_usd != b.cost_usd) return a.cost_usd > b.cost_usd;
  if (a.has_speed != b.has_speed) return a.has_speed;
  return std::tie(a.file, a.line_offset, a.entry_index) < std::tie(b.file, b.line_offset, b.entry_index);
}

// Same key (message id, request id), or same message id with another request id when either side
// is a sidechain entry (side-question replays). Request ids by their hashes.
bool collides(std::uint64_t kept_request, bool kept_sidechain, std::uint64_t request, bool is_sidechain) {
  return kept_request == request || kept_sidechain || is_sidechain;
}

}  // namespace

DedupRank DedupRank::of(const UsageEvent& event) {
  const RankView rank = view_of(event);
  return DedupRank{rank.is_sidechain, rank.tokens,           rank.cost_usd,   rank.has_speed,
                   std::string(rank.file), rank.line_offset, rank.entry_index};
}

bool kept_over(const DedupRank& a, const DedupRank& b) { return ranks_over(view_of(a), view_of(b)); }

std::string_view DedupIndex::keep_text(std::string_view text) {
  if (text.empty()) return {};
  char* copy = static_cast<char*>(arena_->small.allocate(text.size(), 1));
  std::memcpy(copy, text.data(), text.size());
  return {copy, text.size()};
}

std::uint32_t DedupIndex::file_index(std::string_view file) {
  // Consecutive events mostly come from one file.
  if (last_file_ < files_.size() && files_[last_file_] == file) return last_file_;
  if (const auto it = file_ids_.find(file); it != file_ids_.end()) return last_file_ = it->second;
  const auto index = static_cast<std::uint32_t>(files_.size());
  files_.push_back(keep_text(file));
  file_ids_.emplace(files_.back(), index);
  return last_file_ = index;
}

std::uint32_t DedupIndex::add(std::int64_t id, std::string_view request_id, const RankView& rank) {
  Kept kept{id,       rank.tokens, rank.cost_usd,        rank.line_offset, request_hash(request_id),
            file_index(rank.file), rank.entry_index, kNone, rank.is_sidechain, rank.has_speed};
  ++size_;
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    kept_[slot] = kept;
    return slot;
  }
  kept_.push_back(kept);
  return static_cast<std::uint32_t>(kept_.size() - 1);
}

DedupIndex::MessageMap::iterator DedupIndex::link(MessageMap::iterator found, const MessageKey& key,
                                                 std::uint32_t slot) {
  if (found == by_message_.end()) return by_message_.emplace(key, slot).first;
  kept_[slot].next = found->second;
  found->second = slot;
  return found;
}

DedupIndex::MessageMap::iterator DedupIndex::records_of(const MessageKey& key, std::string_view message_id) {
  auto found = by_message_.find(key);
  if (found != by_message_.end() || !lookup_ || !unheld_ || (filtering_ && !seen_.contains(message_id))) return found;
  ++lookups_;
  for (const StoredKept& kept : lookup_(message_id)) {
    found = link(found, key, add(kept.id, kept.request_id, view_of(kept.rank)));
  }
  return found;
}

DedupDecision DedupIndex::offer(const UsageEvent& event) {
  DedupDecision decision;
  const UsageEntry& entry = event.entry;
  if (entry.message_id.empty()) {
    decision.keep = true;  // never deduplicated, and never a collision partner
    return decision;
  }
  const RankView offered = view_of(event);
  const MessageKey key = MessageKey::of(entry.message_id);
  const std::uint64_t request = request_hash(entry.request_id);
  const auto it = records_of(key, entry.message_id);
  if (it != by_message_.end()) {
    for (std::uint32_t slot = it->second; slot != kNone; slot = kept_[slot].next) {
      const Kept& kept = kept_[slot];
      const RankView held{kept.is_sidechain, kept.tokens,     kept.cost_usd,  kept.has_speed,
                          files_[kept.file], kept.line_offset, kept.entry_index};
      if (collides(kept.request, kept.is_sidechain, request, entry.is_sidechain) &&
          !ranks_over(offered, held)) {
        return decision;  // an already kept entry wins
      }
    }
    // The new entry wins over every colliding one: unlink and free them.
    std::uint32_t* link_to = &it->second;
    while (*link_to != kNone) {
      const std::uint32_t slot = *link_to;
      Kept& kept = kept_[slot];
      if (collides(kept.request, kept.is_sidechain, request, entry.is_sidechain)) {
        decision.replaced.push_back(kept.id);
        *link_to = kept.next;
        free_slots_.push_back(slot);
        --size_;
      } else {
        link_to = &kept.next;
      }
    }
  }
  link(it, key, add(event.id, entry.request_id, offered));
  decision.keep = true;
  return decision;
}

void DedupIndex::restore(std::int64_t id, std::string_view message_id, std::string_view request_id,
                         const DedupRank& rank) {
  if (message_id.empty()) return;
  const MessageKey key = MessageKey::of(message_id);
  link(by_message_.find(key), key, add(id, request_id, view_of(rank)));
}

void DedupIndex::forget(std::int64_t id, std::string_view message_id) {
  const auto it = by_message_.find(MessageKey::of(message_id));
  if (it == by_message_.end()) return;
  for (std::uint32_t* link_to = &it->second; *link_to != kNone; link_to = &kept_[*link_to].next) {
    const std::uint32_t slot = *link_to;
    if (kept_[slot].id != id) continue;
    *link_to = kept_[slot].next;
    free_slots_.push_back(slot);
    --size_;
    return;
  }
}

void DedupIndex::take_fingerprints(MessageFingerprints stored) {
  seen_ = std::move(stored);
  filtering_ = true;
}

void DedupIndex::compact() {
  release_records();
  seen_.clear();
  filtering_ = false;
  unheld_ = true;
}

void DedupIndex::release_records() {
  by_message_ = MessageMap(arena_.get());  // before the arena lets go of its nodes
  // Swapped with empty ones: `= {}` would assign an empty list and keep the capacity.
  decltype(kept_)().swap(kept_);
  decltype(free_slots_)().swap(free_slots_);
  decltype(file_ids_)().swap(file_ids_);
  decltype(files_)().swap(files_);
  last_file_ = kNone;
  arena_->small.release();
  size_ = 0;
}

void DedupIndex::clear() {
  release_records();
  seen_.clear();
  filtering_ = false;
  unheld_ = false;
}

}  // namespace cu
