#include "soak/daemon_process.h"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cu::soak {

namespace fs = std::filesystem;

namespace {

int status_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// The soak's environment with `overrides` replacing or adding variables; built before fork (the
// child of a threaded process may only call async-signal-safe functions).
std::vector<std::string> environment_with(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    if (overrides.count(text.substr(0, text.find('='))) == 0) entries.push_back(text);
  }
  for (const auto& [name, value] : overrides) entries.push_back(name + "=" + value);
  return entries;
}

}  // namespace

DaemonProcess::DaemonProcess(fs::path binary, fs::path config, fs::path log,
                             std::map<std::string, std::string> environment)
    : binary_(std::move(binary)), config_(std::move(config)), log_(std::move(log)),
      environment_(std::move(environment)) {
  start();
}

DaemonProcess::~DaemonProcess() { kill_hard(); }

void DaemonProcess::start() {
  std::lock_guard lock(mutex_);
  if (pid_ > 0) return;
  const std::vector<std::string> environment = environment_with(environment_);
  std::vector<char*> envp;
  for (const std::string& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Its own process group: a Ctrl-C or a `timeout` aimed at the soak reaches the soak, which
    // stops the daemon itself; and it dies with the soak, never outliving it.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDERR_FILENO);
      ::dup2(fd, STDOUT_FILENO);
    }
    const char* argv[] = {binary_.c_str(), "--config", config_.c_str(), nullptr};
    ::execve(binary_.c_str(), const_cast<char* const*>(argv), envp.data());
    ::_exit(127);
  }
  pid_ = pid;
}

void DaemonProcess::set_environment(const std::string& name, const std::string& value) {
  std::lock_guard lock(mutex_);
  environment_[name] = value;
}

pid_t DaemonProcess::pid() const {
  std::lock_guard lock(mutex_);
  return pid_;
}

void DaemonProcess::signal(int number) {
  std::lock_guard lock(mutex_);
  if (pid_ > 0) ::kill(pid_, number);
}

void DaemonProcess::kill_hard() {
  sample_peak_rss();
  std::lock_guard lock(mutex_);
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int DaemonProcess::terminate() {
  sample_peak_rss();
  std::lock_guard lock(mutex_);
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGCONT);  // a stopped process would hold SIGTERM until continued
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status_code(status);
}

std::optional<int> DaemonProcess::exited_on_its_own() {
  std::lock_guard lock(mutex_);
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  return status_code(status);
}

std::int64_t DaemonProcess::sample_peak_rss() {
  std::lock_guard lock(mutex_);
  if (pid_ > 0) {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("VmHWM:", 0) == 0) {
        const std::int64_t kib = std::stoll(line.substr(6));
        peak_rss_ = std::max(peak_rss_, kib * 1024);
      }
    }
  }
  return peak_rss_;
}

bool DaemonProcess::holds_open(std::uint64_t device, std::uint64_t inode) const {
  std::lock_guard lock(mutex_);
  if (pid_ <= 0) return false;
  const fs::path fds = "/proc/" + std::to_string(pid_) + "/fd";
  std::error_code ec;
  for (fs::directory_iterator it(fds, ec), end; !ec && it != end; it.increment(ec)) {
    struct stat target {};
    if (::stat(it->path().c_str(), &target) == 0 && S_ISREG(target.st_mode) &&
        static_cast<std::uint64_t>(target.st_dev) == device && static_cast<std::uint64_t>(target.st_ino) == inode) {
      return true;
    }
  }
  return false;
}

std::string DaemonProcess::log_text() const {
  std::ifstream in(log_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int DaemonProcess::count_in_log(const std::string& needle) const {
  std::ifstream in(log_, std::ios::binary);
  int count = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) ++count;
  }
  return count;
}

}  // namespace cu::soak
