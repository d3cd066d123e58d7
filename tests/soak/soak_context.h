#pragma once
// What the soak's threads share: fault counts, problems found, and the windows in which the daemon
// is deliberately unable to answer (killed, stopped, reloading), which the ctl hammer must not
// blame on it.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace cu::soak {

class SoakContext {
 public:
  void count(const std::string& kind, std::int64_t n = 1) {
    std::lock_guard lock(mutex_);
    counts_[kind] += n;
  }
  std::map<std::string, std::int64_t> counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }

  // A broken promise (crash, stall, a valid request refused...): fails the soak.
  void problem(const std::string& text) {
    fmt::print(stderr, "soak: PROBLEM: {}\n", text);
    std::lock_guard lock(mutex_);
    problems_.push_back(text);
  }
  std::vector<std::string> problems() const {
    std::lock_guard lock(mutex_);
    return problems_;
  }
  // Something worth knowing that is not a failure.
  void note(const std::string& text) {
    fmt::print(stderr, "soak: note: {}\n", text);
  }

  // Disruption windows: begin() before killing/stopping/reloading, end() once it answers again.
  void begin_disruption() { ++begun_; }
  void end_disruption() { ++ended_; }
  // A token taken before a request; still_clean(token) after it says whether no disruption
  // overlapped the request.
  std::int64_t clean_token() const { return begun_ == ended_ ? begun_.load() : -1; }
  bool still_clean(std::int64_t token) const { return token >= 0 && begun_ == token && ended_ == token; }

  std::atomic<bool> saw_polling{false};           // status said watch_mode: polling
  std::atomic<bool> saw_sqlite_fallback{false};   // status said backend: sqlite-fallback
  // storage.postgres_url points at a server that accepts and never answers (the pg_hang fault),
  // and the daemon has loaded that configuration.
  std::atomic<bool> postgres_hung{false};

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t> counts_;
  std::vector<std::string> problems_;
  std::atomic<std::int64_t> begun_{0};
  std::atomic<std::int64_t> ended_{0};
};

}  // namespace cu::soak
