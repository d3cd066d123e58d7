#pragma once
// A compact, grow-only set of 32-bit fingerprints of message ids: what the dedup index holds of
// every stored message id during a bulk read on a store with history (4.6 to 9 bytes each: 437k
// ids take 2 MiB), let go of when the read is flushed. A fingerprint is 32 bits of the id's
// message key (store/event_keys.h), which the SQLite store reads from an index without the ids.
// contains() may answer true for an id never added (about n / 2^32 of the lookups of new ids: one
// in ten thousand at 444k ids), never false for one that was: a "maybe" is settled by looking the
// id up in the store.
#include <cstdint>
#include <string_view>
#include <vector>

namespace cu {

// A message id's 128-bit XXH3 hash: what the dedup index files its records under.
struct MessageKey {
  std::uint64_t low = 0;
  std::uint64_t high = 0;

  static MessageKey of(std::string_view message_id);
  friend bool operator==(const MessageKey&, const MessageKey&) = default;
};

class MessageFingerprints {
 public:
  // The fingerprint of a message key: its top 32 bits, never 0.
  static std::uint32_t fingerprint_of(std::int64_t message_key);

  // Adds the id whose message key this is.
  void add_key(std::int64_t message_key);
  void add(std::string_view message_id);
  bool contains(std::string_view message_id) const;
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
