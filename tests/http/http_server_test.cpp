// The HTTP listener on a real loopback socket: every kind of bad request gets its status and never
// stops the loop from answering others; connections are bounded in number and time.
#include "http/http_server.h"

#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace cu::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr const char* kToken = "00000000000000000000000000000000000000000000000000000000000000ff";

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = {}) {
    options.address = ListenAddress{"127.0.0.1", 0};
    RouterContext context;
    context.token = kToken;
    context.ask = [](std::string_view) { return std::string(R"({"v":1,"ok":true,"text":"{}"})"); };
    context.metrics = [] { return std::string("up 1\n"); };
    context.dashboard_html = "<html></html>";
    server_ = std::make_unique<HttpServer>(io_, std::move(context), options);
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
  }
  // Stops and destroys the server on its loop, then lets the loop run out of work: every pending
  // handler completes (aborted) before anything is destroyed.
  void TearDown() override {
    if (server_) {
      std::promise<void> stopped;
      asio::post(io_, [&] {
        server_.reset();
        stopped.set_value();
      });
      stopped.get_future().wait();
    }
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

  tcp::socket connect() {
    tcp::socket socket(client_io_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    return socket;
  }
  // Sends `request` and reads until the server closes (or `until_close` is false: one read).
  std::string exchange(const std::string& request) {
    tcp::socket socket = connect();
    asio::write(socket, asio::buffer(request));
    return read_all(socket);
  }
  static std::string read_all(tcp::socket& socket) {
    std::string response;
    boost::system::error_code error;
    std::array<char, 4096> chunk{};
    while (!error) {
      const std::size_t n = socket.read_some(asio::buffer(chunk), error);
      response.append(chunk.data(), n);
    }
    return response;
  }
  static std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }
  std::size_t connections() {
    std::promise<std::size_t> count;
    asio::post(io_, [&] { count.set_value(server_->connection_count()); });
    return count.get_future().get();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  asio::io_context client_io_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(HttpServerTest, AnswersAndKeepsTheConnection) {
  start();
  tcp::socket socket = connect();
  const std::string request = std::string("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ") + kToken + "\r\n\r\n";
  asio::write(socket, asio::buffer(request + request));
  std::string both;
  std::array<char, 4096> chunk{};
  while (both.find("up 1\n", both.find("up 1\n") + 1) == std::string::npos) {
    both.append(chunk.data(), socket.read_some(asio::buffer(chunk)));
  }
  EXPECT_EQ(status_line(both), "HTTP/1.1 200 OK");
  EXPECT_NE(both.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << both;
  EXPECT_NE(both.find("X-Content-Type-Options: nosniff"), std::string::npos);
  EXPECT_EQ(status_line(exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), "HTTP/1.1 200 OK");
  const std::string head = exchange(std::string("HEAD / HTTP/1.1\r\nConnection: close\r\nAuthorization: Bearer ") + kToken + "\r\n\r\n");
  EXPECT_EQ(status_line(head), "HTTP/1.1 200 OK");
  EXPECT_NE(head.find("Content-Length: 13"), std::string::npos) << head;
  EXPECT_EQ(head.find("<html>"), std::string::npos);
  EXPECT_NE(head.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
}

TEST_F(HttpServerTest, BadRequestsGetTheirStatus) {
  start();
  EXPECT_EQ(status_line(exchange("GARBAGE\r\n\r\n")), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(exchange("GET / HTTP/1.1\r\nX: " + std::string(10'000, 'a') + "\r\n\r\n")),
            "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(status_line(exchange("POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")),
            "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(status_line(exchange("DELETE /metrics HTTP/1.1\r\nConnection: close\r\n\r\n")),
            "HTTP/1.1 405 Method Not Allowed");
  EXPECT_EQ(status_line(exchange("GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n")), "HTTP/1.1 401 Unauthorized");
  EXPECT_EQ(status_line(exchange(std::string("GET /x HTTP/1.1\r\nConnection: close\r\nAuthorization: Bearer ") + kToken +
                                 "\r\n\r\n")),
            "HTTP/1.1 404 Not Found");
  // And the loop still answers.
  EXPECT_EQ(status_line(exchange("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")), "HTTP/1.1 200 OK");
}

TEST_F(HttpServerTest, SlowClientsAreDropped) {
  HttpServerOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  start(options);
  tcp::socket socket = connect();
  asio::write(socket, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost:")));  // and nothing more
  EXPECT_EQ(read_all(socket), "");  // closed without an answer
  EXPECT_TRUE(test::wait_until([&] { return connections() == 0; }));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreTurnedAway) {
  HttpServerOptions options;
  options.max_connections = 2;
  start(options);
  tcp::socket first = connect();
  tcp::socket second = connect();
  ASSERT_TRUE(test::wait_until([&] { return connections() == 2; }));
  tcp::socket third = connect();
  EXPECT_EQ(status_line(read_all(third)), "HTTP/1.1 503 Service Unavailable");
  first.close();
  ASSERT_TRUE(test::wait_until([&] { return connections() <= 1; }));
  EXPECT_EQ(status_line(exchange("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")), "HTTP/1.1 200 OK");
}

TEST(HttpListen, TheDefaultIsLoopback) {
  std::string problem;
  const auto address = parse_listen_address("127.0.0.1:8798", problem);
  ASSERT_TRUE(address);
  EXPECT_TRUE(is_loopback(*address));
  EXPECT_TRUE(is_loopback(*parse_listen_address("[::1]:8798", problem)));
  EXPECT_TRUE(is_loopback(*parse_listen_address("localhost:80", problem)));
  EXPECT_FALSE(is_loopback(*parse_listen_address("0.0.0.0:8798", problem)));
  EXPECT_EQ(url_authority(*parse_listen_address("[::1]:8798", problem)), "[::1]:8798");
  EXPECT_FALSE(parse_listen_address("8798", problem));
  EXPECT_FALSE(parse_listen_address("example.com:80", problem));
  EXPECT_EQ(problem, "the host must be an IP address or localhost, got \"example.com\"");
  EXPECT_FALSE(parse_listen_address("127.0.0.1:0", problem));
  EXPECT_FALSE(parse_listen_address("::1:80", problem));
  EXPECT_FALSE(parse_listen_address("127.0.0.1:65536", problem));
}

}  // namespace
}  // namespace cu::http
