#pragma once
// A compact, grow-only set of 32-bit fingerprints of message ids: what the dedup index keeps in
// memory of every stored event with a message id (4.6 to 9 bytes each: 437k ids take 2 MiB).
// contains() may answer true for an id never added (about n / 2^32 of the lookups of new ids: one
// in ten thousand at 444k ids), never false for one that was: a "maybe" is settled by looking the
// id up in the store.
#include <cstdint>
#include <string_view>
#include <vector>

namespace cu {

class MessageFingerprints {
 public:
  // The low 32 bits of the id's hash, never 0.
  static std::uint32_t fingerprint_of(std::string_view message_id);

  void add(std::string_view message_id) { add_fingerprint(fingerprint_of(message_id)); }
  void add_fingerprint(std::uint32_t fingerprint);  // fingerprint_of an id
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
