#pragma once
// What the control commands need from the daemon besides its reports: its state, two actions and
// the clock. All of them are called on the daemon's loop thread, inside a request.
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "limits/rate_limit_input.h"

namespace cu::ctl {

struct ActionResult {
  bool ok = true;
  std::string message;  // what happened when ok (may be empty); the reason when not

  static ActionResult success(std::string message = {}) { return {true, std::move(message)}; }
  static ActionResult failure(std::string reason) { return {false, std::move(reason)}; }
};

struct ControlHooks {
  // The daemon's state as a JSON object with the keys docs/PROTOCOL.md lists under `status`.
  std::function<nlohmann::json()> status;
  // Starts a full rescan of the log roots; returns once it is scheduled or has failed.
  std::function<ActionResult()> rescan;
  // Re-reads the config file (like SIGHUP); an error names what is wrong with it.
  std::function<ActionResult()> reload;
  // Changes whenever the stored data or the report settings may have changed (a commit, a
  // reload); empty: answers are never reused (command_registry.h, ResponseCache).
  std::function<std::uint64_t()> data_generation;
  // Keeps what a statusline request carried in `rate_limits`: records the valid snapshots and counts
  // the absent and rejected windows for `status`. Empty: nothing is kept.
  std::function<void(const RateLimitReading&)> record_rate_limits;
  // The dashboard's URL with its token ({"url", "listen"}); throws ProtocolError(kUnavailable) when
  // the HTTP listener is off. Empty: the command is unavailable.
  std::function<nlohmann::json()> web;
  // Unix epoch milliseconds; the wall clock when empty. Injectable for tests.
  std::function<std::int64_t()> now_ms;
};

}  // namespace cu::ctl
