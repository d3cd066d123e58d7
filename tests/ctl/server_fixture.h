#pragma once
// A ControlServer on a real socket in a temp dir, its io_context running on a thread of its own.
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "ctl/control_server.h"
#include "support/test_support.h"

namespace cu::test {

class ServerFixture {
 public:
  // Starts a server on <temp dir>/ctl.sock; `adjust` may change its options first.
  ServerFixture(ReportSource& source, ctl::ControlHooks hooks = {},
                const std::function<void(ctl::ControlServerOptions&)>& adjust = {});
  ~ServerFixture();

  const std::filesystem::path& socket() const { return socket_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

  // Runs `task` on the server's loop thread and returns its result.
  template <typename Task>
  auto on_loop(Task task) -> decltype(task()) {
    std::packaged_task<decltype(task())()> job(std::move(task));
    auto result = job.get_future();
    boost::asio::post(io_, [&job] { job(); });
    return result.get();
  }

  std::size_t connections() { return on_loop([this] { return server_->connection_count(); }); }
  // Whether the server comes to hold `count` connections within 10 s (looking every millisecond).
  bool connections_become(std::size_t count) {
    return wait_until([&] { return connections() == count; }, std::chrono::seconds(10), std::chrono::milliseconds(1));
  }
  void stop() { on_loop([this] { server_->stop(); }); }

 private:
  TempDir dir_;
  std::filesystem::path socket_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<ctl::ControlServer> server_;
  std::thread thread_;
};

}  // namespace cu::test
