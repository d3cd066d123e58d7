#include <fmt/format.h>

#include "core/checkpoint.h"

namespace cu {

// FNV-1a 64: a file identity check, not a security measure; collisions only matter together with
// an identical device, inode and length.
std::string fingerprint_bytes(std::string_view first_bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char byte : first_bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  return format_fingerprint(first_bytes.size(), hash);
}

std::string format_fingerprint(std::uint64_t length, std::uint64_t hash) { return fmt::format("{}:{:016x}", length, hash); }

}  // namespace cu
