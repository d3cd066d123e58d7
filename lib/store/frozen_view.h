#pragma once
// Rollup settings as a store with frozen days (retention, store.h RetentionState) computes with
// them: the calendar knows where the frozen days end (Calendar::with_frozen_days), so that after
// a time zone change the first day after them neither misses nor repeats an event.
#include <optional>

#include "rollup/calendar.h"
#include "store/store.h"

namespace cu {

class FrozenView {
 public:
  FrozenView(const RollupSettings& settings, const std::optional<RetentionState>& frozen)
      : calendar_(frozen ? settings.calendar->with_frozen_days(frozen->frozen_before, frozen->frozen_before_ms)
                         : *settings.calendar),
        settings_(settings) {
    settings_.calendar = &calendar_;
  }
  FrozenView(const FrozenView&) = delete;
  FrozenView& operator=(const FrozenView&) = delete;

  const RollupSettings& settings() const { return settings_; }

 private:
  Calendar calendar_;
  RollupSettings settings_;
};

}  // namespace cu
