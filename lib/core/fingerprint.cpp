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
  return fmt::format("{}:{:016x}", first_bytes.size(), hash);
}

}  // namespace cu
