#include "ctl/rate_limit_recorder.h"

#include <exception>
#include <vector>

#include "log/log.h"

namespace cu::ctl {

void RateLimitRecorder::retarget(Store& store) {
  store_ = &store;
  last_written_ = {};  // the other database may hold other rows for these minutes
}

bool RateLimitRecorder::unchanged(const RateLimitSnapshot& snapshot) const {
  const auto& last = last_written_[static_cast<std::size_t>(snapshot.window)];
  return last && rate_limit_minute(last->captured_at_ms) == rate_limit_minute(snapshot.captured_at_ms) &&
         last->used_percentage == snapshot.used_percentage && last->resets_at_ms == snapshot.resets_at_ms;
}

void RateLimitRecorder::record(const RateLimitReading& reading) {
  absent_ += reading.absent;
  for (const auto& rejection : reading.rejected) ++rejected_[static_cast<std::size_t>(rejection.second)];
  std::vector<RateLimitSnapshot> changed;
  for (const RateLimitSnapshot& snapshot : reading.snapshots) {
    if (unchanged(snapshot)) {
      ++unchanged_;
    } else {
      changed.push_back(snapshot);
    }
  }
  if (changed.empty()) return;
  try {
    store_->record_rate_limits(changed);
  } catch (const std::exception& error) {
    ++write_failures_;
    last_error_ = error.what();
    if (!failing_) log::warning("official rate limits not recorded: {}", last_error_);
    failing_ = true;
    return;
  }
  failing_ = false;
  recorded_ += static_cast<std::int64_t>(changed.size());
  for (const RateLimitSnapshot& snapshot : changed) last_written_[static_cast<std::size_t>(snapshot.window)] = snapshot;
}

nlohmann::json RateLimitRecorder::status() const {
  nlohmann::json rejected = nlohmann::json::object();
  for (std::size_t i = 0; i < rejected_.size(); ++i) {
    if (rejected_[i] > 0) rejected[std::string(to_string(static_cast<RateLimitProblem>(i)))] = rejected_[i];
  }
  return {{"recorded", recorded_},
          {"unchanged", unchanged_},
          {"absent", absent_},
          {"rejected", std::move(rejected)},
          {"write_failures", write_failures_},
          {"last_error", last_error_.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_error_)}};
}

}  // namespace cu::ctl
