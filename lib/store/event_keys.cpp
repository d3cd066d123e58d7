#include "store/event_keys.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <bit>

namespace cu {

std::int64_t message_key(std::string_view message_id) {
  return std::bit_cast<std::int64_t>(XXH3_64bits(message_id.data(), message_id.size()));
}

std::int64_t session_key(std::string_view project, std::string_view session_id) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, project.data(), project.size());
  const char separator = '\0';
  XXH3_64bits_update(&state, &separator, 1);
  XXH3_64bits_update(&state, session_id.data(), session_id.size());
  return std::bit_cast<std::int64_t>(XXH3_64bits_digest(&state));
}

}  // namespace cu
