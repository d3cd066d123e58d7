// The real programs against their operating system: standard streams that are closed pipes
// (SIGPIPE), a wall clock that jumps while the steady clock stands still (a suspend across
// midnight), and the control socket's group (ctl.group).
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "ctl/control_client.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

// A child process running one of the build's programs with chosen standard streams and extra
// environment variables. Killed (SIGKILL) and reaped on destruction if still running.
class Child {
 public:
  struct Streams {
    int out = -1;  // descriptors the child gets as stdout and stderr (-1: /dev/null)
    int err = -1;
  };

  Child(const std::string& program, const std::vector<std::string>& args, Streams streams,
        const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv{(bin_dir() / program).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) exec_child(argv, streams, env);
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap(0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // The exit status once it ended: the exit code, or 128 + the signal that killed it.
  std::optional<int> ended() {
    if (pid_ > 0) reap(WNOHANG);
    return status_;
  }

  // SIGTERM, then waits; returns the status as ended() does.
  int terminate() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      reap(0);
    }
    return status_.value_or(-1);
  }

  void signal(int number) const {
    if (pid_ > 0) ::kill(pid_, number);
  }

 private:
  [[noreturn]] static void exec_child(const std::vector<std::string>& argv, Streams streams,
                                      const std::map<std::string, std::string>& env) {
    const int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(streams.out >= 0 ? streams.out : null_fd, STDOUT_FILENO);
    ::dup2(streams.err >= 0 ? streams.err : null_fd, STDERR_FILENO);
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> raw;
    for (const std::string& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));
    raw.push_back(nullptr);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }

  void reap(int options) {
    int status = 0;
    if (::waitpid(pid_, &status, options) != pid_) return;
    pid_ = -1;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  pid_t pid_ = -1;
  std::optional<int> status_;
};

// The write end of a pipe whose read end is already closed: every write to it fails with EPIPE
// (and raises SIGPIPE in a process that does not ignore it).
class ReaderlessPipe {
 public:
  ReaderlessPipe() {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    ::close(fds[0]);
    write_end_ = fds[1];
  }
  ~ReaderlessPipe() { ::close(write_end_); }
  ReaderlessPipe(const ReaderlessPipe&) = delete;
  ReaderlessPipe& operator=(const ReaderlessPipe&) = delete;
  int fd() const { return write_end_; }

 private:
  int write_end_ = -1;
};

// A file the child appends its output to, kept open by the test.
class LogFile {
 public:
  explicit LogFile(fs::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path_.string());
  }
  ~LogFile() { ::close(fd_); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  int fd() const { return fd_; }
  std::string text() const { return read_file(path_); }

 private:
  fs::path path_;
  int fd_ = -1;
};

class DaemonSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(logs_ / "projects" / "p");
    write_config();
  }

  // config.yaml at info level (so that starting, reloading and closing a day are logged), with
  // `ctl_extra` lines added below `ctl:`.
  void write_config(const std::string& ctl_extra = "") const {
    write_file(config_, fmt::format("sources:\n  claude_dirs:\n    - {}\n"
                                    "timezone: UTC\nidentity: tester@testhost\n"
                                    "storage:\n  sqlite_path: {}\n"
                                    "ctl:\n  socket: {}\n{}"
                                    "log:\n  level: info\n",
                                    logs_.string(), (dir_.path() / "usage.db").string(), socket_.string(), ctl_extra));
  }

  std::unique_ptr<Child> start_daemon(Child::Streams streams, const std::map<std::string, std::string>& env = {}) {
    return std::make_unique<Child>("claude-usaged", std::vector<std::string>{"--config", config_.string()}, streams,
                                   env);
  }

  std::optional<nlohmann::json> status() const {
    try {
      return ctl::call_daemon(ctl::ClientOptions{socket_}, "status", nlohmann::json::object());
    } catch (const ctl::ClientError&) {
      return std::nullopt;
    }
  }

  // Waits until the daemon answers `status`, or has ended.
  bool answers(Child& daemon) {
    return wait_until([&] { return daemon.ended() || status().has_value(); }, std::chrono::seconds(30)) &&
           !daemon.ended();
  }

  // Starts the daemon with `ctl.group: <group>` and checks that its socket is 0660 and `gid`'s.
  void expect_group_socket(const std::string& group, gid_t gid) {
    write_config("  group: " + group + "\n");
    LogFile log(dir_.path() / "daemon.log");
    auto daemon = start_daemon({log.fd(), log.fd()});
    ASSERT_TRUE(answers(*daemon)) << log.text();
    struct stat info{};
    ASSERT_EQ(::stat(socket_.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0660u);
    EXPECT_EQ(info.st_gid, gid);
    EXPECT_EQ(daemon->terminate(), 0);
  }

  TempDir dir_;
  fs::path logs_ = dir_.path() / "logs";
  fs::path config_ = dir_.path() / "config.yaml";
  fs::path socket_ = dir_.path() / "ctl.sock";
};

// ---- SIGPIPE ---------------------------------------------------------------------------------

TEST_F(DaemonSystemTest, KeepsRunningWhenItsStderrIsAClosedPipe) {
  ReaderlessPipe pipe;
  auto daemon = start_daemon({pipe.fd(), pipe.fd()});
  // Starting is logged ("following 1 root(s) ..."): the first write to the pipe.
  ASSERT_TRUE(answers(*daemon)) << "exit status " << daemon->ended().value_or(-1);
  // A bad line is counted and logged (a warning).
  fs::copy_file(fs::path(CU_SOURCE_DIR) / "tests/data/bad/truncated.jsonl", logs_ / "projects/p/bad.jsonl");
  EXPECT_TRUE(wait_until([&] {
    const auto answer = status();
    return daemon->ended() || (answer && answer->value("parse_errors", 0) > 0);
  }, std::chrono::seconds(30)));
  // A reload logs too.
  daemon->signal(SIGHUP);
  EXPECT_TRUE(answers(*daemon));
  EXPECT_EQ(daemon->terminate(), 0);
}

TEST_F(DaemonSystemTest, ClientEndsQuietlyWithAnExitCodeWhenStdoutIsAClosedPipe) {
  ReaderlessPipe pipe;
  LogFile err(dir_.path() / "client.err");
  Child client("claude-usagectl", {"--help"}, {pipe.fd(), err.fd()});
  ASSERT_TRUE(wait_until([&] { return client.ended().has_value(); }, std::chrono::seconds(30)));
  EXPECT_EQ(client.ended(), 6) << "6: standard output could not be written (docs/PROTOCOL.md)";
  EXPECT_EQ(err.text(), "");
}

// ---- the daily close across a suspend --------------------------------------------------------

// The daemon's wall clock, shifted by the shim tests/integration/wall_clock_shift.cpp preloads.
class ShiftedWallClock {
 public:
  explicit ShiftedWallClock(fs::path file) : file_(std::move(file)) {}

  // Environment variables that load the shim into a child.
  std::map<std::string, std::string> environment() const {
    const char* asan = std::getenv("ASAN_OPTIONS");
    return {{"LD_PRELOAD", (bin_dir() / "libcu_wall_clock_shift.so").string()},
            {"CU_WALL_CLOCK_SHIFT_FILE", file_.string()},
            // A preloaded library comes before the sanitizer's runtime, which is fine here.
            {"ASAN_OPTIONS", std::string(asan != nullptr ? asan : "") + ":verify_asan_link_order=0"}};
  }

  // Makes the child's wall clock read about `epoch_s` now, and run on from there. Replaces the file
  // in one rename, so that the shim never reads half of it.
  void set(std::int64_t epoch_s) const {
    const fs::path next = file_.string() + ".next";
    write_file(next, fmt::format("{:+d}", epoch_s - real_now_s()));
    fs::rename(next, file_);
  }

  static std::int64_t real_now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

 private:
  fs::path file_;
};

std::string utc_date(std::int64_t epoch_s) {
  const std::time_t t = epoch_s;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

// The wall clock stands at noon UTC; then, as after a suspend, it jumps past the next midnight
// while CLOCK_MONOTONIC does not. A timer armed on the steady clock for midnight would fire twelve
// hours from now; the daily close follows the wall clock and happens within its check interval.
TEST_F(DaemonSystemTest, TheDailyCloseFollowsTheWallClockAcrossASuspend) {
  const ShiftedWallClock clock(dir_.path() / "wall_clock_shift");
  constexpr std::int64_t kDay = 86400;
  const std::int64_t noon = ShiftedWallClock::real_now_s() / kDay * kDay + kDay / 2;
  clock.set(noon);
  LogFile log(dir_.path() / "daemon.log");
  auto daemon = start_daemon({log.fd(), log.fd()}, clock.environment());
  ASSERT_TRUE(answers(*daemon)) << log.text();
  ASSERT_EQ(log.text().find("daily close"), std::string::npos) << log.text();
  const std::int64_t resume = noon + kDay / 2 + 30;  // 00:00:30 the next day
  clock.set(resume);
  const std::string close = fmt::format("daily close: {} begins", utc_date(resume));
  EXPECT_TRUE(wait_until([&] { return log.text().find(close) != std::string::npos; }, std::chrono::seconds(60)))
      << log.text();
  EXPECT_FALSE(daemon->ended());
  EXPECT_EQ(daemon->terminate(), 0);
}

// ---- ctl.group -------------------------------------------------------------------------------

std::optional<gid_t> group_named(const char* name) {
  const group* entry = ::getgrnam(name);
  return entry == nullptr ? std::nullopt : std::optional<gid_t>(entry->gr_gid);
}

TEST_F(DaemonSystemTest, CtlGroupMakesTheSocketGroupReadableAndWritable) {
  const auto adm = group_named("adm");
  if (!adm) GTEST_SKIP() << "no group adm on this machine";
  if (::geteuid() != 0 && ::getegid() != *adm) GTEST_SKIP() << "needs root or membership of adm";
  expect_group_socket("adm", *adm);
}

TEST_F(DaemonSystemTest, CtlGroupTakesANumericGid) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the socket another group";
  expect_group_socket("4242", 4242);
}

TEST_F(DaemonSystemTest, WithoutCtlGroupTheSocketIsPrivate) {
  LogFile log(dir_.path() / "daemon.log");
  auto daemon = start_daemon({log.fd(), log.fd()});
  ASSERT_TRUE(answers(*daemon)) << log.text();
  struct stat info{};
  ASSERT_EQ(::stat(socket_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_EQ(daemon->terminate(), 0);
}

TEST_F(DaemonSystemTest, AnUnknownCtlGroupIsAConfigError) {
  write_config("  group: no-such-group-cu-test\n");
  LogFile log(dir_.path() / "daemon.log");
  auto daemon = start_daemon({log.fd(), log.fd()});
  ASSERT_TRUE(wait_until([&] { return daemon->ended().has_value(); }, std::chrono::seconds(30)));
  EXPECT_EQ(daemon->ended(), 78) << log.text();
  EXPECT_NE(log.text().find("ctl.group: must be a group name or a numeric gid; there is no group "
                                   "\"no-such-group-cu-test\""), std::string::npos)
      << log.text();
  EXPECT_FALSE(fs::exists(socket_));
}

}  // namespace
}  // namespace cu::test
