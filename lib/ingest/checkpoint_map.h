#pragma once
// The checkpoint of every transcript the ingestor knows, in memory for the life of the daemon,
// held compactly: the daemon keeps one per transcript (16,419 at 5 GB of logs), and a
// std::map<std::string, Checkpoint> spent about 350 bytes on each (a node, a heap copy of a
// 140-character path, a heap fingerprint string). Here a checkpoint is 48 bytes, its file name a
// few bytes in a shared arena, its directory held once for the files beside it (a session's
// subagents/ holds many), and its index slots 16 bytes or less: about 100 bytes in all.
// Directories are held until clear(): a few thousand, as checkpoints are never dropped either.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/checkpoint.h"

namespace cu {

class CheckpointMap {
 public:
  CheckpointMap() = default;
  // Not copied: the directory index views the directories' strings.
  CheckpointMap(const CheckpointMap&) = delete;
  CheckpointMap& operator=(const CheckpointMap&) = delete;
  CheckpointMap(CheckpointMap&&) = default;
  CheckpointMap& operator=(CheckpointMap&&) = default;

  // The checkpoint of `path`, its `path` member left empty; nullopt when there is none.
  std::optional<Checkpoint> find(std::string_view path) const;
  bool contains(std::string_view path) const { return locate(path) != kNone; }
  // True when `path` has a checkpoint of the file (device, inode) at `offset`: what the rescan
  // asks of every file, without building its fingerprint.
  bool holds(std::string_view path, std::uint64_t device, std::uint64_t inode, std::int64_t offset) const;
  // Records `checkpoint` as `path`'s (its `path` member is not read), replacing any.
  void set(std::string_view path, const Checkpoint& checkpoint);
  void erase(std::string_view path);
  void clear();

  std::size_t size() const { return size_; }
  // The paths `keep` accepts with their checkpoints (`path` member empty), in path order.
  std::vector<std::pair<std::string, Checkpoint>> where(const std::function<bool(std::string_view path)>& keep) const;
  std::size_t memory_bytes() const;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Entry {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t offset = 0;
    std::uint64_t fingerprint_hash = 0;     // fingerprint_bytes' hash, when `odd` is false
    std::uint32_t fingerprint_length = 0;   // and its length
    std::uint32_t directory = kNone;        // index in directories_ (with its trailing '/'); kNone: free
    std::uint32_t name = 0;                 // offset in names_
    std::uint16_t name_length = 0;
    bool odd = false;                       // the fingerprint is not in fingerprint_bytes' form: in odd_
  };

  static constexpr std::size_t kNoSlot = SIZE_MAX;
  static std::uint64_t hash_of(std::string_view path);
  static std::uint32_t entry_in(std::uint64_t slot_value) { return static_cast<std::uint32_t>(slot_value) - 1; }
  std::size_t slot_of(std::string_view path) const;   // its index slot, or kNoSlot
  std::uint32_t locate(std::string_view path) const;  // entry index, or kNone
  bool names(const Entry& entry, std::string_view path) const;
  std::string path_of(const Entry& entry) const;
  Checkpoint checkpoint_of(std::uint32_t index) const;
  std::uint32_t directory_id(std::string_view directory);
  void insert_index(std::uint32_t entry, std::uint64_t hash);
  void grow_index();
  void compact_names();

  std::vector<Entry> entries_;
  std::vector<std::uint32_t> free_;  // indices of free entries
  std::string names_;                // file names, back to back
  std::size_t dead_name_bytes_ = 0;  // in names_, of erased or renamed entries
  // Directories, each held once; a deque does not move its strings, so the index's views stay
  // valid. Both in an arena: directories arrive one by one during a backfill, between millions of
  // short-lived allocations of the same sizes, and each one allocated alone kept a mostly empty
  // page of the allocator's resident after it (jemalloc's statistics at 5 GB: the 160-byte class
  // 3 % used over 3.6 MB).
  struct Directories {
    std::pmr::monotonic_buffer_resource arena;  // first: outlives the containers
    std::pmr::deque<std::pmr::string> list{&arena};
    std::pmr::unordered_map<std::string_view, std::uint32_t> ids{&arena};
  };
  std::unique_ptr<Directories> directories_ = std::make_unique<Directories>();
  std::unordered_map<std::uint32_t, std::string> odd_;  // by entry: fingerprints of another form
  // Open addressing with linear probing, loaded 0.35 to 0.7 (the 32-bit tags spare almost every
  // comparison of a path): (entry index + 1) in the low half, the path hash's top 32
  // bits in the high half; 0 empty, kTombstone an erased slot.
  static constexpr std::uint64_t kTombstone = UINT64_MAX;
  std::vector<std::uint64_t> slots_;
  std::size_t used_slots_ = 0;  // live and tombstones
  std::size_t size_ = 0;
};

}  // namespace cu
