#pragma once
// A thread that keeps the control socket busy: valid requests (status, daily, statusline, blocks)
// with their latency measured, and malformed, unknown, oversized and deeply nested ones, after each
// of which the next valid request must still be answered (SPEC §8: never a crash).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "soak/soak_context.h"

namespace cu::soak {

// The daemon's `status` data; throws cu::ctl::ClientError when it does not answer.
nlohmann::json daemon_status(const std::filesystem::path& socket,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5));

class CtlHammer {
 public:
  CtlHammer(std::filesystem::path socket, SoakContext& context, std::uint64_t seed);
  ~CtlHammer();
  void start();
  void stop();

  std::int64_t valid_answered() const { return valid_; }
  double max_latency_ms() const;
  std::string slowest_command() const;
  // The given percentile (0..100) of the timed latencies, in milliseconds.
  double latency_percentile_ms(double percentile) const;
  // The timed answers that began and ended while PostgreSQL hung (SoakContext::postgres_hung),
  // and the slowest of them.
  std::int64_t hung_answered() const;
  double hung_max_latency_ms() const;

 private:
  void run();
  // One valid request; returns false when it failed.
  bool valid_request(const std::string& cmd, const nlohmann::json& args);
  void bad_request(const std::string& line, const char* kind);

  std::filesystem::path socket_;
  SoakContext& context_;
  std::uint64_t seed_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::atomic<std::int64_t> valid_{0};
  mutable std::mutex mutex_;
  double max_latency_ms_ = 0;
  std::string slowest_;
  std::vector<double> latencies_ms_;
  std::int64_t hung_answered_ = 0;
  double hung_max_latency_ms_ = 0;
};

}  // namespace cu::soak
