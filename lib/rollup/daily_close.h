#pragma once
// The daily close (SPEC §9): noticing that a local midnight of the configured zone has passed, on
// the wall clock. A steady timer armed for midnight misses it by the length of any suspend in
// between (CLOCK_MONOTONIC stops while the machine sleeps), so the caller polls at least every
// `check_every` instead and closes the day at the first poll after midnight.
#include <chrono>
#include <optional>
#include <string>

#include "rollup/calendar.h"
#include "core/clock.h"

namespace cu {

class DailyClose {
 public:
  static constexpr std::chrono::milliseconds kCheckEvery{std::chrono::seconds(10)};

  // The local day current at construction counts as closed (whoever starts the daemon refreshes
  // at start). `calendar` and `clock` must outlive this object; not thread-safe.
  DailyClose(const Calendar& calendar, const WallClock& clock, std::chrono::milliseconds check_every = kCheckEvery);

  // The local date (YYYY-MM-DD) that began when a local midnight has passed since the last close;
  // nullopt otherwise. Several midnights at once (a long suspend) make one close naming today. A
  // clock set back across midnight moves the current day back without a close.
  std::optional<std::string> poll();

  // How long to wait before the next poll(): until just past the next local midnight (DST-safe),
  // but never longer than `check_every`, so that a wall-clock jump is noticed within that bound.
  std::chrono::milliseconds next_check() const;

 private:
  const Calendar& calendar_;
  const WallClock& clock_;
  std::chrono::milliseconds check_every_;
  std::string day_;  // the local date of the last close (or of construction)
};

}  // namespace cu
