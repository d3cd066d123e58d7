#include "integration/live_daemon.h"

#include <csignal>
#include <stdexcept>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/test_support.h"

namespace cu::test {

LiveDaemon::LiveDaemon(const std::filesystem::path& config, const std::filesystem::path& log) {
  const std::string binary = (bin_dir() / "claude-usaged").string();
  const std::string config_arg = config.string();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDERR_FILENO);
      ::dup2(fd, STDOUT_FILENO);
    }
    ::execl(binary.c_str(), binary.c_str(), "--config", config_arg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
}

LiveDaemon::~LiveDaemon() {
  if (running()) kill_hard();
}

bool LiveDaemon::running() const { return pid_ > 0; }

void LiveDaemon::signal(int number) const {
  if (pid_ > 0) ::kill(pid_, number);
}

void LiveDaemon::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int LiveDaemon::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace cu::test
