#pragma once
// Runs the real claude-usaged in the foreground as a child process, for tests of the live daemon.
#include <filesystem>
#include <string>

#include <sys/types.h>

namespace cu::test {

class LiveDaemon {
 public:
  // Starts `claude-usaged --config config` with stderr appended to `log`.
  LiveDaemon(const std::filesystem::path& config, const std::filesystem::path& log);
  ~LiveDaemon();  // SIGKILL when still running
  LiveDaemon(const LiveDaemon&) = delete;
  LiveDaemon& operator=(const LiveDaemon&) = delete;

  void kill_hard();                 // SIGKILL, then reap
  int terminate();                  // SIGTERM, then reap; returns the exit status
  void signal(int number) const;    // e.g. SIGHUP
  bool running() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace cu::test
