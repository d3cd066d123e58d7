#include "log/systemd_notifier.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

namespace cu {
namespace {

bool notify_socket_set() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && *socket != '\0';
}

std::uint64_t monotonic_usec() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000U +
         static_cast<std::uint64_t>(now.tv_nsec) / 1'000U;
}

}  // namespace

SystemdNotifier::SystemdNotifier() : enabled_(notify_socket_set()) {}

bool SystemdNotifier::ready() { return enabled_ && send("READY=1"); }

bool SystemdNotifier::status(std::string_view text) {
  if (!enabled_) return false;
  std::string message = "STATUS=";
  message += text;
  std::replace(message.begin(), message.end(), '\n', ' ');
  return send(message);
}

bool SystemdNotifier::reloading() {
  return enabled_ && send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", monotonic_usec()));
}

bool SystemdNotifier::stopping() { return enabled_ && send("STOPPING=1"); }

bool SystemdNotifier::watchdog() { return enabled_ && send("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> SystemdNotifier::watchdog_interval() const {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

// sd_notify re-reads NOTIFY_SOCKET and opens a fresh socket per call; the mutex keeps the
// datagrams of concurrent callers in the order the calls were made.
bool SystemdNotifier::send(const std::string& message) {
  std::lock_guard lock(send_mutex_);
  return sd_notify(0, message.c_str()) > 0;
}

}  // namespace cu
