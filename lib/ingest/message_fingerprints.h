#pragma once
// A compact, grow-only set of 32-bit fingerprints of message ids: what the dedup index holds of
// every stored message id during a bulk read on a store with history (4.6 to 9 bytes each: 437k
// ids take 2 MiB), let go of when the read is flushed.
// contains() may answer true for an id never added (about n / 2^32 of the lookups of new ids: one
// in ten thousand at 444k ids), never false for one that was: a "maybe" is settled by looking the
// id up in the store.
#include <cstdint>
#include <string_view>
#include <vector>

namespace cu {

// A message id's 128-bit XXH3 hash: what the dedup index files its records under, and where the
// fingerprint comes from, so that an id is hashed once.
struct MessageKey {
  std::uint64_t low = 0;
  std::uint64_t high = 0;

  static MessageKey of(std::string_view message_id);
  // 32 bits of the hash, never 0.
  std::uint32_t fingerprint() const {
    const auto bits = static_cast<std::uint32_t>(high >> 32);
    return bits != 0 ? bits : 1u;
  }
  friend bool operator==(const MessageKey&, const MessageKey&) = default;
};

class MessageFingerprints {
 public:
  void add(const MessageKey& key);
  bool contains(const MessageKey& key) const;
  void add(std::string_view message_id) { add(MessageKey::of(message_id)); }
  bool contains(std::string_view message_id) const { return contains(MessageKey::of(message_id)); }
  void clear();

  std::size_t size() const { return size_; }  // distinct fingerprints held
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint32_t); }

 private:
  std::size_t first_slot(std::uint32_t fingerprint) const;
  bool insert(std::uint32_t fingerprint);  // false when it was there
  void grow();

  std::vector<std::uint32_t> slots_;  // open addressing, linear probing; 0 is an empty slot
  int bits_ = 0;                      // slots_.size() == 1 << bits_
  std::size_t size_ = 0;
};

}  // namespace cu
