#pragma once
// A loopback TCP listener posing as a PostgreSQL server that is broken in one of two ways: it
// accepts connections and never answers (a hung server, or one behind a dead link), or it closes
// each connection as soon as it has accepted it. It records what it saw, so that tests can wait on
// state: how many connections were accepted, and how many the client has closed since.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace cu::test {

class FakePostgres {
 public:
  enum class Mode { kSilent, kCloseAtOnce };

  // Listens on 127.0.0.1 at a free port and serves on a thread of its own.
  explicit FakePostgres(Mode mode);
  ~FakePostgres();  // stops the thread, closes every connection
  FakePostgres(const FakePostgres&) = delete;
  FakePostgres& operator=(const FakePostgres&) = delete;

  int port() const { return port_; }
  // A libpq URL for this listener with the given connect_timeout (seconds).
  std::string url(int connect_timeout_s) const;
  int accepted() const { return accepted_; }
  // kSilent: connections the client closed (its connection attempt ended: it gave up or died).
  int closed_by_client() const { return closed_by_client_; }

 private:
  void serve();
  void accept_one();
  void drain(std::size_t index);

  Mode mode_;
  int listen_fd_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::vector<int> open_;  // kSilent: accepted connections still open; serve() thread only
  std::atomic<int> accepted_{0};
  std::atomic<int> closed_by_client_{0};
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace cu::test
