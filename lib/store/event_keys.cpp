#include "store/event_keys.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>

namespace cu {

std::int64_t message_key(std::string_view message_id) {
  return std::bit_cast<std::int64_t>(XXH3_64bits(message_id.data(), message_id.size()));
}

std::int64_t session_key(std::string_view project, std::string_view session_id) {
  // The hash of project NUL session_id: in one call over a copy on the stack when it fits (every
  // key a bulk load inserts), streamed otherwise; both give the same hash.
  constexpr char kSeparator = '\0';
  std::array<char, 256> joined;
  if (project.size() + 1 + session_id.size() <= joined.size()) {
    char* end = std::copy(project.begin(), project.end(), joined.data());
    *end++ = kSeparator;
    end = std::copy(session_id.begin(), session_id.end(), end);
    return std::bit_cast<std::int64_t>(XXH3_64bits(joined.data(), static_cast<std::size_t>(end - joined.data())));
  }
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, project.data(), project.size());
  XXH3_64bits_update(&state, &kSeparator, 1);
  XXH3_64bits_update(&state, session_id.data(), session_id.size());
  return std::bit_cast<std::int64_t>(XXH3_64bits_digest(&state));
}

}  // namespace cu
