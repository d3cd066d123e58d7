#pragma once
// The real claude-usaged as a child process the soak can kill, stop, signal and watch: unlike
// tests' LiveDaemon it notices when the daemon exits on its own, and reads its memory and open
// files from /proc.
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cu::soak {

class DaemonProcess {
 public:
  // Starts `claude-usaged --config config` at once, stdout and stderr appended to `log`, with
  // `environment` added to the soak's own.
  DaemonProcess(std::filesystem::path binary, std::filesystem::path config, std::filesystem::path log,
                std::map<std::string, std::string> environment = {});
  ~DaemonProcess();  // SIGKILL when still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts the daemon unless it runs, with the environment variables set so far.
  void start();
  // `name=value` in the environment of every later start (the running daemon keeps its own).
  void set_environment(const std::string& name, const std::string& value);
  void kill_hard();            // SIGKILL, then reap
  int terminate();             // SIGTERM, then reap; the exit status (128 + signal when killed)
  void signal(int number);     // SIGHUP, SIGSTOP, SIGCONT...
  pid_t pid() const;

  // When the daemon exited without being told to since the last start: its status (as
  // terminate() reports it); it is then reaped and not running.
  std::optional<int> exited_on_its_own();

  // The largest VmHWM (peak resident set, bytes) seen in any run so far, sampling now.
  std::int64_t sample_peak_rss();
  std::int64_t peak_rss() const { return peak_rss_; }

  // Whether the daemon holds a descriptor open on the file with this inode.
  bool holds_open(std::uint64_t device, std::uint64_t inode) const;

  // The daemon's log as written so far.
  std::string log_text() const;
  // How many lines of the log contain `needle`.
  int count_in_log(const std::string& needle) const;

 private:
  std::filesystem::path binary_, config_, log_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> environment_;  // overrides of the soak's own
  pid_t pid_ = -1;
  std::int64_t peak_rss_ = 0;
};

}  // namespace cu::soak
