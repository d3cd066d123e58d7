#pragma once
// Global deduplication of usage entries (SPEC §4). Pure in-memory state; the store persists the
// kept events and reloads this index from them at startup.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/usage_event.h"
#include "ingest/message_fingerprints.h"

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

// A kept event as the store holds it: what a look-up of its message id answers.
struct StoredKept {
  std::int64_t id = 0;
  std::string request_id;
  DedupRank rank;
};

// Decides which entries are kept. It holds a full record only for the events kept since the last
// compact() and those looked up since: memory after compact() does not grow with the history. An
// offered event whose message id has no record held is settled by the lookup (the store's kept
// events of that id) once the store may hold events this index does not hold; a bulk read may
// first take a fingerprint of every stored message id (MessageFingerprints: 4.6 to 9 bytes each), so
// that a new id is looked up only when its fingerprint matches, and lets go of them at compact().
//
// A record is ~100 bytes (a 56-byte Kept, a 32-byte map node, its bucket): the rank's fields, a
// 64-bit hash of the request id, and the map entry of its message id under its MessageKey (a
// 128-bit XXH3 hash) instead of the ids themselves. The ids are compared by these hashes: two different message ids
// share a 128-bit hash with probability ~2^-128 per pair (below 10^-26 for a million ids), and two
// request ids matter only under one message id.
// A backfill holds the records of everything it keeps until its flush (437k at 5 GB): with the
// ids' text they took ~175 bytes each.
class DedupIndex {
 public:
  struct RankView;  // kept_over's fields without ownership (dedup_index.cpp)

  DedupIndex();
  ~DedupIndex();
  DedupIndex(const DedupIndex&) = delete;
  DedupIndex& operator=(const DedupIndex&) = delete;
  using Lookup = std::function<std::vector<StoredKept>(std::string_view message_id)>;

  // Where the records of a message id not held are found. Without one, the index holds every
  // record and compact() must not be called.
  void set_lookup(Lookup lookup) { lookup_ = std::move(lookup); }

  // The store holds kept events this index holds no record of (it was loaded with history): from
  // now on a message id without a record held is looked up.
  void note_store_has_events() { unheld_ = true; }

  // Offers a new event (its id already assigned). When kept, the index records it and forgets the
  // events it replaces; otherwise the index is unchanged.
  DedupDecision offer(const UsageEvent& event);

  // Records an already kept event (loading every record from the store, in an index without a
  // lookup); no collision check.
  void restore(std::int64_t id, std::string_view message_id, std::string_view request_id,
               const DedupRank& rank);

  // Takes the fingerprints of every message id the store holds, for a bulk read: until compact(),
  // a message id with no record held and no fingerprint is new without asking the store.
  void take_fingerprints(MessageFingerprints stored);
  bool has_fingerprints() const { return filtering_; }

  // Forgets the kept event `id` of `message_id` (its file is read again from the start); nothing
  // when it is not held here (no message id, already replaced, or its record is not held: then the
  // store must no longer answer it to the lookup).
  void forget(std::int64_t id, std::string_view message_id);

  // Lets go of every full record and fingerprint: from now on a message id without a record held
  // is looked up. Only when every kept event is in the store the lookup reads (nothing pending)
  // and a lookup is set.
  void compact();

  // Forgets everything (before reloading from the store).
  void clear();

  std::size_t size() const { return size_; }  // full records held
  const MessageFingerprints& fingerprints() const { return seen_; }
  std::int64_t lookups() const { return lookups_; }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  struct MessageKeyHash {
    std::size_t operator()(const MessageKey& key) const noexcept { return key.low; }
  };
  struct Kept {
    std::int64_t id = 0;
    std::int64_t tokens = 0;
    double cost_usd = 0;
    std::int64_t line_offset = 0;
    std::uint64_t request = 0;  // request_hash() of the request id
    std::uint32_t file = 0;     // index into files_
    std::int32_t entry_index = 0;
    std::uint32_t next = kNone;  // the next kept event of the same message id
    bool is_sidechain = false;
    bool has_speed = false;
  };
  // The map's nodes and the file paths come from the arena; its bucket arrays, which are replaced
  // as it grows, from the heap (NodeArena, dedup_index.cpp).
  class NodeArena;
  static std::uint64_t request_hash(std::string_view request_id);
  void release_records();
  std::string_view keep_text(std::string_view text);
  std::uint32_t file_index(std::string_view file);
  std::uint32_t add(std::int64_t id, std::string_view request_id, const RankView& rank);
  using MessageMap = std::pmr::unordered_map<MessageKey, std::uint32_t, MessageKeyHash>;
  // Puts `slot` first in the list of `key`; `found` is by_message_.find(key). Returns the list's
  // entry.
  MessageMap::iterator link(MessageMap::iterator found, const MessageKey& key, std::uint32_t slot);
  // The held records of `message_id`, looked up first when none is held and the store may hold
  // some (while filtering, only when its fingerprint matches); end() when it has none.
  MessageMap::iterator records_of(const MessageKey& key, std::string_view message_id);

  // Paths and the map's nodes, none freed before clear() (replaced entries stay): one allocation
  // per chunk instead of one per entry, so the index does not fragment the heap between the
  // backfill's short-lived allocations.
  std::unique_ptr<NodeArena> arena_;
  MessageMap by_message_;  // message key -> first Kept
  // A deque, not a vector: during a backfill it holds every kept event's record, and a vector's
  // doubling held up to twice that (and both copies while it moved them).
  std::deque<Kept> kept_;
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<std::string_view, std::uint32_t> file_ids_;
  std::vector<std::string_view> files_;
  std::uint32_t last_file_ = kNone;  // what file_index returned last
  std::size_t size_ = 0;
  // The store may hold kept events whose records are not held (loaded with history, or let go of
  // by compact()). Until then nothing is looked up: a backfill into an empty store holds every
  // record until its flush.
  bool unheld_ = false;
  // While filtering_ (a bulk read on a store with history), seen_ holds a fingerprint of every
  // stored message id, and an id without one is not looked up. Let go of at compact(): kept for
  // good it would be the one part of the index growing with history (2 MiB at 444k ids).
  bool filtering_ = false;
  MessageFingerprints seen_;
  Lookup lookup_;
  std::int64_t lookups_ = 0;
};

}  // namespace cu
