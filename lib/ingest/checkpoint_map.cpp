#include "ingest/checkpoint_map.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace cu {
namespace {

// A path as directory (up to and including its last '/') and file name.
std::pair<std::string_view, std::string_view> split(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  std::size_t cut = slash == std::string_view::npos ? 0 : slash + 1;
  cut = std::max(cut, path.size() > UINT16_MAX ? path.size() - UINT16_MAX : 0);  // a name fits 16 bits
  return {path.substr(0, cut), path.substr(cut)};
}

// fingerprint_bytes' form "<length>:<16 hex digits>", parsed; nullopt for anything else (kept as
// it is: a checkpoint is given back exactly as it was recorded).
std::optional<std::pair<std::uint32_t, std::uint64_t>> parse_fingerprint(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 9 || text.size() != colon + 17) return std::nullopt;
  std::uint64_t length = 0;
  for (const char c : text.substr(0, colon)) {
    if (c < '0' || c > '9') return std::nullopt;
    length = length * 10 + static_cast<std::uint64_t>(c - '0');
  }
  std::uint64_t hash = 0;
  for (const char c : text.substr(colon + 1)) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    hash = hash << 4 | static_cast<std::uint64_t>(digit);
  }
  if (length > UINT32_MAX || format_fingerprint(length, hash) != text) return std::nullopt;  // "01:…"
  return std::pair{static_cast<std::uint32_t>(length), hash};
}

}  // namespace

std::uint64_t CheckpointMap::hash_of(std::string_view path) { return std::hash<std::string_view>{}(path); }

bool CheckpointMap::names(const Entry& entry, std::string_view path) const {
  const std::pmr::string& directory = directories_->list[entry.directory];
  return path.size() == directory.size() + entry.name_length && path.starts_with(directory) &&
         std::memcmp(path.data() + directory.size(), names_.data() + entry.name, entry.name_length) == 0;
}

std::string CheckpointMap::path_of(const Entry& entry) const {
  std::string path(directories_->list[entry.directory]);
  path.append(names_, entry.name, entry.name_length);
  return path;
}

std::size_t CheckpointMap::slot_of(std::string_view path) const {
  if (slots_.empty()) return kNoSlot;
  const std::uint64_t hash = hash_of(path);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const std::uint64_t value = slots_[slot];
    if (value == 0) return kNoSlot;
    if (value != kTombstone && value >> 32 == hash >> 32 && names(entries_[entry_in(value)], path)) return slot;
  }
}

std::uint32_t CheckpointMap::locate(std::string_view path) const {
  const std::size_t slot = slot_of(path);
  return slot == kNoSlot ? kNone : entry_in(slots_[slot]);
}

Checkpoint CheckpointMap::checkpoint_of(std::uint32_t index) const {
  const Entry& entry = entries_[index];
  Checkpoint checkpoint;
  checkpoint.device = entry.device;
  checkpoint.inode = entry.inode;
  checkpoint.offset = entry.offset;
  checkpoint.fingerprint = entry.odd ? odd_.at(index) : format_fingerprint(entry.fingerprint_length, entry.fingerprint_hash);
  return checkpoint;
}

std::optional<Checkpoint> CheckpointMap::find(std::string_view path) const {
  const std::uint32_t index = locate(path);
  if (index == kNone) return std::nullopt;
  return checkpoint_of(index);
}

bool CheckpointMap::holds(std::string_view path, std::uint64_t device, std::uint64_t inode, std::int64_t offset) const {
  const std::uint32_t index = locate(path);
  if (index == kNone) return false;
  const Entry& entry = entries_[index];
  return entry.offset == offset && entry.inode == inode && entry.device == device;
}

std::uint32_t CheckpointMap::directory_id(std::string_view directory) {
  if (const auto it = directories_->ids.find(directory); it != directories_->ids.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(directories_->list.size());
  directories_->ids.emplace(directories_->list.emplace_back(directory), id);
  return id;
}

void CheckpointMap::set(std::string_view path, const Checkpoint& checkpoint) {
  std::uint32_t index = locate(path);
  if (index == kNone) {
    // Grown first: the rebuild indexes every entry in use, which the new one is not yet.
    if ((used_slots_ + 1) * 10 > slots_.size() * 7) grow_index();  // a load of at most 0.7
    const auto [directory, name] = split(path);
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(entries_.size());
      entries_.emplace_back();
    }
    Entry& entry = entries_[index];
    entry.directory = directory_id(directory);
    entry.name = static_cast<std::uint32_t>(names_.size());
    entry.name_length = static_cast<std::uint16_t>(name.size());
    names_.append(name);
    insert_index(index, hash_of(path));
    ++size_;
  }
  Entry& entry = entries_[index];
  entry.device = checkpoint.device;
  entry.inode = checkpoint.inode;
  entry.offset = checkpoint.offset;
  if (const auto parsed = parse_fingerprint(checkpoint.fingerprint)) {
    entry.fingerprint_length = parsed->first;
    entry.fingerprint_hash = parsed->second;
    if (entry.odd) odd_.erase(index);
    entry.odd = false;
  } else {
    odd_[index] = checkpoint.fingerprint;
    entry.odd = true;
  }
}

void CheckpointMap::erase(std::string_view path) {
  const std::size_t slot = slot_of(path);
  if (slot == kNoSlot) return;
  const std::uint32_t index = entry_in(slots_[slot]);
  Entry& entry = entries_[index];
  slots_[slot] = kTombstone;
  if (entry.odd) odd_.erase(index);
  dead_name_bytes_ += entry.name_length;
  entry = Entry{};
  free_.push_back(index);
  --size_;
  if (dead_name_bytes_ > 4096 && dead_name_bytes_ * 2 > names_.size()) compact_names();
}

void CheckpointMap::clear() { *this = CheckpointMap{}; }

void CheckpointMap::insert_index(std::uint32_t entry, std::uint64_t hash) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = hash & mask;
  while (slots_[slot] != 0 && slots_[slot] != kTombstone) slot = (slot + 1) & mask;
  if (slots_[slot] == 0) ++used_slots_;
  slots_[slot] = (hash >> 32) << 32 | (static_cast<std::uint64_t>(entry) + 1);
}

// Rebuilds the index at a load of at most 1/2 with the entries there are (tombstones dropped).
void CheckpointMap::grow_index() {
  slots_.assign(std::max<std::size_t>(16, std::bit_ceil((size_ + 1) * 2)), 0);
  used_slots_ = 0;
  for (std::uint32_t index = 0; index < entries_.size(); ++index) {
    if (entries_[index].directory != kNone) insert_index(index, hash_of(path_of(entries_[index])));
  }
}

void CheckpointMap::compact_names() {
  std::string live;
  live.reserve(names_.size() - dead_name_bytes_);
  for (Entry& entry : entries_) {
    if (entry.directory == kNone) continue;
    const auto offset = static_cast<std::uint32_t>(live.size());
    live.append(names_, entry.name, entry.name_length);
    entry.name = offset;
  }
  names_ = std::move(live);
  dead_name_bytes_ = 0;
}

std::vector<std::pair<std::string, Checkpoint>> CheckpointMap::where(
    const std::function<bool(std::string_view path)>& keep) const {
  std::vector<std::pair<std::string, Checkpoint>> kept;
  for (std::uint32_t index = 0; index < entries_.size(); ++index) {
    if (entries_[index].directory == kNone) continue;
    std::string path = path_of(entries_[index]);
    if (keep(path)) kept.emplace_back(std::move(path), checkpoint_of(index));
  }
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return kept;
}

std::size_t CheckpointMap::memory_bytes() const {
  std::size_t bytes = entries_.capacity() * sizeof(Entry) + free_.capacity() * sizeof(std::uint32_t) +
                      names_.capacity() + slots_.capacity() * sizeof(std::uint64_t);
  for (const std::pmr::string& directory : directories_->list) bytes += sizeof(std::pmr::string) + directory.capacity();
  bytes += directories_->ids.size() * 48 + odd_.size() * 64;  // nodes, roughly
  return bytes;
}

}  // namespace cu
