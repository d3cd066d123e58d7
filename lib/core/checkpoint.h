#pragma once
// Where reading a file stopped (SPEC §7 ingest_checkpoints; STYLE point 8): committed with the
// events it covers, so a restart resumes exactly after them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cu {

// The first byte not yet consumed, and how to recognize the file.
struct Checkpoint {
  std::string path;  // absolute path of the file when it was read
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::string fingerprint;  // of the file's first bytes; see fingerprint_bytes()
  std::int64_t offset = 0;

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// Fingerprint of a file's first bytes: "<length>:<hex hash>" over min(size, kFingerprintBytes).
inline constexpr std::size_t kFingerprintBytes = 1024;
std::string fingerprint_bytes(std::string_view first_bytes);
// The form itself: "<length>:<hash as 16 lowercase hex digits>".
std::string format_fingerprint(std::uint64_t length, std::uint64_t hash);

}  // namespace cu
