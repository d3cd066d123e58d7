#pragma once
// Keeps the official rate-limit readings statusline requests carry (SPEC §11): writes the valid
// ones to the store and counts, for `status`, what was recorded, absent and rejected.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "limits/rate_limit_input.h"
#include "store/store.h"

namespace cu::ctl {

// On the daemon's loop thread only (ControlHooks::record_rate_limits).
class RateLimitRecorder {
 public:
  // `store` must outlive this object (or the next retarget()).
  explicit RateLimitRecorder(Store& store) : store_(&store) {}

  // Writes to another store from now on (after a configuration reload).
  void retarget(Store& store);

  // Records `reading`'s snapshots in one transaction, except one equal (percentage and reset) to
  // the last written of its window in the same minute: Claude Code refreshes the statusline every
  // few hundred milliseconds while it works, and the minute's row already says the same. A store
  // that refuses the write is counted and logged (once until a write succeeds again); the
  // statusline still answers.
  void record(const RateLimitReading& reading);

  // {"recorded", "unchanged", "absent", "rejected": {"<problem>": n}, "write_failures",
  //  "last_error"}: counts since the daemon started.
  nlohmann::json status() const;

 private:
  bool unchanged(const RateLimitSnapshot& snapshot) const;

  Store* store_;
  std::array<std::optional<RateLimitSnapshot>, kRateLimitWindows.size()> last_written_;
  std::int64_t recorded_ = 0;
  std::int64_t unchanged_ = 0;
  std::int64_t absent_ = 0;
  std::array<std::int64_t, kRateLimitProblemCount> rejected_{};
  std::int64_t write_failures_ = 0;
  bool failing_ = false;
  std::string last_error_;
};

}  // namespace cu::ctl
