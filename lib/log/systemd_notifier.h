#pragma once
// The daemon's side of the systemd service notification protocol (sd_notify(3)), for units of
// Type=notify (systemd/claude-usaged.service, systemd/claude-usaged@.service; docs/SYSTEMD.md).
//
// The protocol expects, in order: READY=1 once the event loop runs; STATUS= whenever something
// worth showing in `systemctl status` changes; WATCHDOG=1 at half of watchdog_interval();
// RELOADING=1 when a reload (SIGHUP) begins, followed by READY=1 when it is done; STOPPING=1 when
// shutdown begins.
//
// Thread-safe: any thread may notify; each message is one datagram and messages from concurrent
// calls are sent one after the other, never interleaved.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace cu {

class SystemdNotifier {
 public:
  // Reads NOTIFY_SOCKET once. When it is unset or empty (not started by systemd, or a unit
  // type without notifications), every notification below returns false without any system call.
  SystemdNotifier();

  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool enabled() const { return enabled_; }

  // Each returns true when the datagram was handed to the service manager's socket, false when
  // notifications are disabled or sending failed (which the daemon may log, but need not act on).
  bool ready();
  // Sends STATUS=<text>. The protocol is newline-separated, so newlines in `text` become spaces.
  bool status(std::string_view text);
  // Sends RELOADING=1 with MONOTONIC_USEC=<CLOCK_MONOTONIC now, µs>, the form systemd >= 253
  // requires for Type=notify-reload and older versions accept. Follow with ready().
  bool reloading();
  bool stopping();
  bool watchdog();

  // The watchdog timeout systemd enforces (WatchdogSec=), from WATCHDOG_USEC when WATCHDOG_PID is
  // unset or names this process; nullopt when the watchdog is off or the variables are malformed.
  // Ping at half of it. Reads the environment on every call.
  std::optional<std::chrono::microseconds> watchdog_interval() const;

 private:
  bool send(const std::string& message);

  const bool enabled_;
  std::mutex send_mutex_;
};

}  // namespace cu
