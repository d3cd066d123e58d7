// SystemdNotifier against a real AF_UNIX datagram socket standing in for the service manager.
#include "log/systemd_notifier.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace cu {
namespace {

// Sets or unsets an environment variable for one test and restores the previous value afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    apply(value);
  }
  ~ScopedEnv() { apply(old_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void apply(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name_, value->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  const char* name_;
  std::optional<std::string> old_;
};

// The service manager's end: a bound datagram socket. `address` is a file path, or "@name" for
// the abstract namespace, exactly as NOTIFY_SOCKET spells it.
class NotifyListener {
 public:
  explicit NotifyListener(const std::string& address) : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (address.size() >= sizeof(addr.sun_path)) throw std::runtime_error("socket path too long");
    std::memcpy(addr.sun_path, address.data(), address.size());
    if (address.front() == '@') addr.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), length) != 0) {
      throw std::runtime_error(std::string("bind failed: ") + std::strerror(errno));
    }
    // A guard against hanging the suite if a datagram never comes; no test relies on its length.
    timeval guard{.tv_sec = 30, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
  }
  ~NotifyListener() { ::close(fd_); }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  // The next datagram, or nullopt when none is queued (`wait` false) or none came (`wait` true).
  std::optional<std::string> receive(bool wait = false) {
    std::array<char, 4096> buffer{};
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), wait ? 0 : MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    return std::string(buffer.data(), static_cast<std::size_t>(n));
  }

 private:
  int fd_;
};

std::uint64_t monotonic_usec_now() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000U +
         static_cast<std::uint64_t>(now.tv_nsec) / 1'000U;
}

class SystemdNotifierTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  std::string socket_path_ = (dir_.path() / "notify.sock").string();
  NotifyListener listener_{socket_path_};
  ScopedEnv notify_socket_{"NOTIFY_SOCKET", socket_path_};
};

TEST_F(SystemdNotifierTest, SendsEachNotificationAsItsExactDatagram) {
  SystemdNotifier notifier;
  ASSERT_TRUE(notifier.enabled());
  EXPECT_TRUE(notifier.ready());
  EXPECT_TRUE(notifier.status("backfill 3/10 files"));
  EXPECT_TRUE(notifier.watchdog());
  EXPECT_TRUE(notifier.stopping());
  EXPECT_EQ(listener_.receive(), "READY=1");
  EXPECT_EQ(listener_.receive(), "STATUS=backfill 3/10 files");
  EXPECT_EQ(listener_.receive(), "WATCHDOG=1");
  EXPECT_EQ(listener_.receive(), "STOPPING=1");
  EXPECT_EQ(listener_.receive(), std::nullopt);
}

TEST_F(SystemdNotifierTest, StatusNewlinesBecomeSpacesSoTheyCannotForgeAssignments) {
  SystemdNotifier notifier;
  EXPECT_TRUE(notifier.status("bad file\nREADY=1"));
  EXPECT_EQ(listener_.receive(), "STATUS=bad file READY=1");
}

TEST_F(SystemdNotifierTest, ReloadingCarriesTheMonotonicClockInMicroseconds) {
  SystemdNotifier notifier;
  const std::uint64_t before = monotonic_usec_now();
  EXPECT_TRUE(notifier.reloading());
  const std::uint64_t after = monotonic_usec_now();

  const std::optional<std::string> message = listener_.receive();
  ASSERT_TRUE(message.has_value());
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  ASSERT_EQ(message->substr(0, prefix.size()), prefix);
  const std::string digits = message->substr(prefix.size());
  ASSERT_FALSE(digits.empty());
  ASSERT_EQ(digits.find_first_not_of("0123456789"), std::string::npos) << *message;
  const std::uint64_t stamp = std::stoull(digits);
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);
}

TEST_F(SystemdNotifierTest, ConcurrentCallersEachDeliverWholeDatagrams) {
  SystemdNotifier notifier;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&notifier, t] {
      for (int i = 0; i < kPerThread; ++i) notifier.status(fmt::format("t{}-{}", t, i));
    });
  }
  // Drained while the senders run: a full datagram queue would otherwise block them. Checked
  // only after the join, so a failure cannot leave a sender running.
  std::vector<std::string> received;
  while (received.size() < static_cast<std::size_t>(kThreads * kPerThread)) {
    std::optional<std::string> message = listener_.receive(/*wait=*/true);
    if (!message) break;
    received.push_back(std::move(*message));
  }
  for (std::thread& sender : senders) sender.join();

  ASSERT_EQ(received.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::map<int, int> next_index;
  for (const std::string& message : received) {
    ASSERT_EQ(message.rfind("STATUS=t", 0), 0U) << message;
    const std::size_t dash = message.find('-');
    ASSERT_NE(dash, std::string::npos) << message;
    const int thread = std::stoi(message.substr(8, dash - 8));
    const int index = std::stoi(message.substr(dash + 1));
    EXPECT_EQ(index, next_index[thread]++) << "thread " << thread << " out of order: " << message;
  }
  EXPECT_EQ(listener_.receive(), std::nullopt);
}

TEST(SystemdNotifierAbstractSocket, ReachesAnAbstractNamespaceSocket) {
  const std::string address = "@cu-notify-test-" + std::to_string(::getpid());
  NotifyListener listener(address);
  ScopedEnv notify_socket("NOTIFY_SOCKET", address);
  SystemdNotifier notifier;
  EXPECT_TRUE(notifier.ready());
  EXPECT_EQ(listener.receive(), "READY=1");
}

TEST(SystemdNotifierDisabled, EveryNotificationIsANoOpWithoutNotifySocket) {
  ScopedEnv notify_socket("NOTIFY_SOCKET", std::nullopt);
  SystemdNotifier notifier;
  EXPECT_FALSE(notifier.enabled());
  EXPECT_FALSE(notifier.ready());
  EXPECT_FALSE(notifier.status("x"));
  EXPECT_FALSE(notifier.reloading());
  EXPECT_FALSE(notifier.stopping());
  EXPECT_FALSE(notifier.watchdog());
}

TEST(SystemdNotifierDisabled, AnEmptyNotifySocketCountsAsUnset) {
  ScopedEnv notify_socket("NOTIFY_SOCKET", "");
  SystemdNotifier notifier;
  EXPECT_FALSE(notifier.enabled());
  EXPECT_FALSE(notifier.ready());
}

TEST(SystemdNotifierDisabled, SendingToAMissingSocketReportsFailure) {
  test::TempDir dir;
  ScopedEnv notify_socket("NOTIFY_SOCKET", (dir.path() / "absent.sock").string());
  SystemdNotifier notifier;
  EXPECT_TRUE(notifier.enabled());
  EXPECT_FALSE(notifier.ready());
}

class WatchdogIntervalTest : public ::testing::Test {
 protected:
  ScopedEnv usec_{"WATCHDOG_USEC", std::nullopt};
  ScopedEnv pid_{"WATCHDOG_PID", std::nullopt};
  SystemdNotifier notifier_;
};

TEST_F(WatchdogIntervalTest, OffWithoutWatchdogUsec) { EXPECT_EQ(notifier_.watchdog_interval(), std::nullopt); }

TEST_F(WatchdogIntervalTest, ReadsTheIntervalWhenThePidIsOurs) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(notifier_.watchdog_interval(), std::chrono::microseconds(30'000'000));
}

TEST_F(WatchdogIntervalTest, ReadsTheIntervalWhenNoPidIsGiven) {
  ::setenv("WATCHDOG_USEC", "1500000", 1);
  EXPECT_EQ(notifier_.watchdog_interval(), std::chrono::microseconds(1'500'000));
}

TEST_F(WatchdogIntervalTest, OffWhenTheWatchdogBelongsToAnotherProcess) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
  EXPECT_EQ(notifier_.watchdog_interval(), std::nullopt);
}

TEST_F(WatchdogIntervalTest, OffWhenTheVariablesAreMalformed) {
  ::setenv("WATCHDOG_USEC", "thirty seconds", 1);
  EXPECT_EQ(notifier_.watchdog_interval(), std::nullopt);
  ::setenv("WATCHDOG_USEC", "0", 1);
  EXPECT_EQ(notifier_.watchdog_interval(), std::nullopt);
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::setenv("WATCHDOG_PID", "not-a-pid", 1);
  EXPECT_EQ(notifier_.watchdog_interval(), std::nullopt);
}

TEST_F(WatchdogIntervalTest, LeavesTheEnvironmentInPlace) {
  ::setenv("WATCHDOG_USEC", "2000000", 1);
  ASSERT_TRUE(notifier_.watchdog_interval().has_value());
  EXPECT_TRUE(notifier_.watchdog_interval().has_value());
  EXPECT_STREQ(std::getenv("WATCHDOG_USEC"), "2000000");
}

}  // namespace
}  // namespace cu
