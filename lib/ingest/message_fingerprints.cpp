#include "ingest/message_fingerprints.h"

#include "store/event_keys.h"

// Header-only: the functions are compiled here, nothing to link at run time.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace cu {
namespace {

constexpr int kInitialBits = 10;

}  // namespace

MessageKey MessageKey::of(std::string_view message_id) {
  const XXH128_hash_t hash = XXH3_128bits(message_id.data(), message_id.size());
  return {hash.low64, hash.high64};
}

// A slot from the fingerprint alone (Fibonacci hashing: the top bits of its product with 2^32/φ),
// so that the table can grow without the ids.
std::size_t MessageFingerprints::first_slot(std::uint32_t fingerprint) const {
  return static_cast<std::size_t>((fingerprint * 0x9E3779B9u) >> (32 - bits_));
}

bool MessageFingerprints::insert(std::uint32_t fingerprint) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = first_slot(fingerprint);; slot = (slot + 1) & mask) {
    if (slots_[slot] == fingerprint) return false;  // one fingerprint answers "maybe" for all its ids
    if (slots_[slot] == 0) {
      slots_[slot] = fingerprint;
      return true;
    }
  }
}

std::uint32_t MessageFingerprints::fingerprint_of(std::int64_t message_key) {
  const auto bits = static_cast<std::uint32_t>(static_cast<std::uint64_t>(message_key) >> 32);
  return bits != 0 ? bits : 1u;
}

void MessageFingerprints::add_key(std::int64_t message_key) {
  // At most seven eighths full: a lookup's run of 4-byte slots stays within a few cache lines.
  if (slots_.empty() || (size_ + 1) * 8 > slots_.size() * 7) grow();
  if (insert(fingerprint_of(message_key))) ++size_;
}

void MessageFingerprints::add(std::string_view message_id) { add_key(message_key(message_id)); }

bool MessageFingerprints::contains(std::string_view message_id) const {
  if (slots_.empty()) return false;
  const std::uint32_t fingerprint = fingerprint_of(message_key(message_id));
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = first_slot(fingerprint);; slot = (slot + 1) & mask) {
    if (slots_[slot] == fingerprint) return true;
    if (slots_[slot] == 0) return false;
  }
}

void MessageFingerprints::clear() {
  std::vector<std::uint32_t>().swap(slots_);  // `= {}` would keep the capacity
  bits_ = 0;
  size_ = 0;
}

void MessageFingerprints::grow() {
  std::vector<std::uint32_t> old = std::move(slots_);
  bits_ = old.empty() ? kInitialBits : bits_ + 1;
  slots_.assign(std::size_t{1} << bits_, 0);
  for (const std::uint32_t fingerprint : old) {
    if (fingerprint != 0) insert(fingerprint);
  }
}

}  // namespace cu
