#include "ctl/control_server.h"

#include <atomic>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "ctl/control_client.h"
#include "ctl/protocol.h"
#include "ctl/socket_file.h"
#include "event_report_source.h"
#include "server_fixture.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;
using test::ServerFixture;

// A blocking client socket whose reads give up after 10 s, so a server bug fails a test instead of
// hanging it.
class RawClient {
 public:
  explicit RawClient(const std::filesystem::path& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    timeval limit{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  }
  ~RawClient() { ::close(fd_); }

  bool connected() const { return connected_; }
  void half_close() { ::shutdown(fd_, SHUT_WR); }

  void send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) return;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  // The next line without its newline; "<eof>" when the server closed first.
  std::string read_line() {
    while (true) {
      if (const auto end = pending_.find('\n'); end != std::string::npos) {
        std::string line = pending_.substr(0, end);
        pending_.erase(0, end + 1);
        return line;
      }
      char chunk[4096];
      const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (got <= 0) return "<eof>";
      pending_.append(chunk, static_cast<std::size_t>(got));
    }
  }

  Response read_response() { return parse_response(read_line()); }

 private:
  int fd_;
  bool connected_ = false;
  std::string pending_;
};

ControlServerOptions options_at(const std::filesystem::path& path) {
  ControlServerOptions options;
  options.socket_path = path;
  return options;
}

test::EventReportSource small_source() {
  return test::EventReportSource({test::make_event(1, "p", "s", "2026-02-01T10:00:00.000Z", "claude-sonnet-4-20250514", 100, 10)});
}

TEST(ControlServer, AnswersRequestsOnOneConnection) {
  auto source = small_source();
  ServerFixture server(source);
  RawClient client(server.socket());
  ASSERT_TRUE(client.connected());
  client.send(encode_request("daily", Json::object()) + "\n" + encode_request("session", Json::object()) + "\n");
  const Response daily = client.read_response();
  ASSERT_TRUE(daily.ok) << daily.error;
  EXPECT_EQ(daily.data.at("daily").size(), 1u);
  const Response session = client.read_response();
  ASSERT_TRUE(session.ok) << session.error;
  EXPECT_EQ(session.data.at("sessions").at(0).at("sessionId"), "s");
}

TEST(ControlServer, SocketFileIsPrivate) {
  auto source = small_source();
  ServerFixture server(source);
  struct stat info{};
  ASSERT_EQ(::stat(server.socket().c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(ControlServer, BadRequestsGetErrorsAndTheConnectionStays) {
  auto source = small_source();
  ServerFixture server(source);
  RawClient client(server.socket());
  client.send("this is not json\n");
  EXPECT_EQ(client.read_response().code, ErrorCode::kBadRequest);
  client.send(R"({"v":1,"cmd":"frobnicate"})" "\n");
  const Response unknown = client.read_response();
  EXPECT_EQ(unknown.code, ErrorCode::kUnknownCommand);
  EXPECT_NE(unknown.error.find("frobnicate"), std::string::npos);
  client.send(R"({"v":1,"cmd":"daily","args":{"since":"soon"}})" "\n");
  EXPECT_EQ(client.read_response().code, ErrorCode::kInvalidArgs);
  client.send(R"({"v":3,"cmd":"daily"})" "\n");
  EXPECT_EQ(client.read_response().code, ErrorCode::kVersionMismatch);
  client.send("\n" + encode_request("status", Json::object()) + "\r\n");
  EXPECT_EQ(client.read_response().code, ErrorCode::kUnavailable);  // no status hook wired
  client.send(encode_request("daily", Json::object()) + "\n");
  EXPECT_TRUE(client.read_response().ok);
}

TEST(ControlServer, OversizedRequestIsAnsweredAndDropped) {
  auto source = small_source();
  ServerFixture server(source);
  RawClient client(server.socket());
  client.send(std::string(kMaxRequestBytes + 10, 'x'));
  EXPECT_EQ(client.read_response().code, ErrorCode::kRequestTooLarge);
  EXPECT_EQ(client.read_line(), "<eof>");
  EXPECT_TRUE(server.connections_become(0));
}

TEST(ControlServer, RequestOfExactlyTheLimitIsServed) {
  auto source = small_source();
  ServerFixture server(source);
  std::string request = encode_request("daily", Json::object());
  request += std::string(kMaxRequestBytes - request.size(), ' ');
  RawClient client(server.socket());
  client.send(request + "\n");
  EXPECT_TRUE(client.read_response().ok);
}

TEST(ControlServer, SilentClientsAreDroppedAfterTheIdleTimeout) {
  auto source = small_source();
  ServerFixture server(source, {}, [](ControlServerOptions& options) { options.idle_timeout = std::chrono::milliseconds(50); });
  RawClient client(server.socket());
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.read_response().code, ErrorCode::kIdleTimeout);
  EXPECT_EQ(client.read_line(), "<eof>");
  EXPECT_TRUE(server.connections_become(0));
}

TEST(ControlServer, LastRequestWithoutNewlineIsAnswered) {
  auto source = small_source();
  ServerFixture server(source);
  RawClient client(server.socket());
  client.send(encode_request("daily", Json::object()));
  client.half_close();
  EXPECT_TRUE(client.read_response().ok);
  EXPECT_EQ(client.read_line(), "<eof>");
}

TEST(ControlServer, ServesManyClientsAtOnce) {
  auto source = small_source();
  ServerFixture server(source);
  constexpr int kClients = 16;
  constexpr int kRequests = 10;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      for (int r = 0; r < kRequests; ++r) {
        const Json data = call_daemon(ClientOptions{server.socket()}, "daily", Json::object());
        if (data.at("daily").size() == 1) ++answered;
      }
    });
  }
  // Held open meanwhile: one idle connection must not block the others.
  RawClient idle(server.socket());
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(answered.load(), kClients * kRequests);
  EXPECT_EQ(server.on_loop([&] { return source.calls; }), kClients * kRequests * 2);
}

// `--json`'s raw answer (a header line, then the text as it is) arrives whole however many reads it
// takes: the text of 2,000 sessions is over a megabyte.
TEST(ControlServer, ALargeRenderedAnswerArrivesWhole) {
  std::vector<UsageEvent> events;
  for (int i = 0; i < 2000; ++i) {
    events.push_back(test::make_event(i + 1, "p", fmt::format("session-{}", i), "2026-02-01T10:00:00.000Z",
                                      "claude-sonnet-4-20250514", 100 + i, 10));
  }
  test::EventReportSource source(events);
  ServerFixture server(source);
  const std::string text = call_daemon_rendered(ClientOptions{server.socket()}, "session", Json::object());
  EXPECT_GT(text.size(), 1u << 20);
  EXPECT_EQ(text, render_json(call_daemon(ClientOptions{server.socket()}, "session", Json::object())));
}

TEST(ControlServer, RefusesConnectionsBeyondTheLimit) {
  auto source = small_source();
  ServerFixture server(source, {}, [](ControlServerOptions& options) { options.max_connections = 1; });
  RawClient first(server.socket());
  ASSERT_TRUE(server.connections_become(1));
  RawClient second(server.socket());
  EXPECT_EQ(second.read_response().code, ErrorCode::kTooManyConnections);
  first.send(encode_request("daily", Json::object()) + "\n");
  EXPECT_TRUE(first.read_response().ok);
}

TEST(ControlServer, HookErrorsAndExceptionsBecomeErrorResponses) {
  auto source = small_source();
  ControlHooks hooks;
  hooks.status = []() -> Json { throw std::runtime_error("status exploded"); };
  hooks.rescan = [] { return ActionResult::success("rescan started"); };
  hooks.reload = [] { return ActionResult::failure("config.yaml:3: timezone: unknown zone"); };
  ServerFixture server(source, hooks);
  RawClient client(server.socket());
  client.send(encode_request("status", Json::object()) + "\n");
  const Response status = client.read_response();
  EXPECT_EQ(status.code, ErrorCode::kInternal);
  EXPECT_EQ(status.error, "status exploded");
  client.send(encode_request("rescan", Json::object()) + "\n");
  EXPECT_EQ(client.read_response().data, Json({{"message", "rescan started"}}));
  client.send(encode_request("reload", Json::object()) + "\n");
  const Response reload = client.read_response();
  EXPECT_EQ(reload.code, ErrorCode::kFailed);
  EXPECT_EQ(reload.error, "config.yaml:3: timezone: unknown zone");
}

TEST(ControlServer, ReplacesAStaleSocket) {
  test::TempDir dir;
  const auto path = dir.path() / "ctl.sock";
  {
    // Bound and closed without unlinking: what a killed daemon leaves.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
    ::close(fd);
  }
  EXPECT_EQ(probe_socket_path(path), SocketPathState::kStale);
  auto source = small_source();
  boost::asio::io_context io;
  ControlServer server(io, source, {}, options_at(path));
  EXPECT_EQ(probe_socket_path(path), SocketPathState::kLive);
}

TEST(ControlServer, RefusesToStealALiveSocket) {
  auto source = small_source();
  ServerFixture first(source);
  boost::asio::io_context io;
  EXPECT_THROW(ControlServer(io, source, {}, options_at(first.socket())), SocketInUseError);
  EXPECT_TRUE(call_daemon(ClientOptions{first.socket()}, "daily", Json::object()).contains("daily"));
}

TEST(ControlServer, NeverRemovesOtherFiles) {
  test::TempDir dir;
  const auto path = dir.path() / "ctl.sock";
  test::write_file(path, "precious");
  auto source = small_source();
  boost::asio::io_context io;
  EXPECT_THROW(ControlServer(io, source, {}, options_at(path)), std::runtime_error);
  EXPECT_EQ(test::read_file(path), "precious");
}

TEST(ControlServer, StopRemovesTheSocket) {
  auto source = small_source();
  ServerFixture server(source);
  RawClient client(server.socket());
  ASSERT_TRUE(server.connections_become(1));
  server.stop();
  EXPECT_FALSE(std::filesystem::exists(server.socket()));
  EXPECT_EQ(client.read_line(), "<eof>");
  try {
    call_daemon(ClientOptions{server.socket()}, "daily", Json::object());
    FAIL() << "answered after stop";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), ClientErrorKind::kNotRunning);
  }
}

// Runs `exchange_line` as another user (with the supplementary `groups`) in a child process;
// returns the response line, or "<error kind N>" when the client failed.
std::string request_as(uid_t uid, gid_t gid, const std::filesystem::path& socket,
                       const std::vector<gid_t>& groups = {}) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "<pipe>";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::string result;
    if (::setgroups(groups.size(), groups.data()) != 0 || ::setresgid(gid, gid, gid) != 0 ||
        ::setresuid(uid, uid, uid) != 0) {
      result = "<setuid>";
    } else {
      try {
        result = exchange_line(ClientOptions{socket}, encode_request("daily", Json::object()));
      } catch (const ClientError& error) {
        result = "<error kind " + std::to_string(static_cast<int>(error.kind())) + "> " + error.what();
      }
    }
    (void)!::write(pipe_fds[1], result.data(), result.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string result;
  char chunk[4096];
  ssize_t got = 0;
  while ((got = ::read(pipe_fds[0], chunk, sizeof(chunk))) > 0) result.append(chunk, static_cast<std::size_t>(got));
  ::close(pipe_fds[0]);
  ::waitpid(child, nullptr, 0);
  return result;
}

class OtherUser : public testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
  }
};

TEST_F(OtherUser, IsRefusedByThePeerCheck) {
  auto source = small_source();
  ServerFixture server(source);
  // Open the file and its directory to everyone, so that only SO_PEERCRED stands in the way.
  ASSERT_EQ(::chmod(server.dir().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(server.socket().c_str(), 0666), 0);
  const std::string answer = request_as(65534, 65534, server.socket());
  const Response response = parse_response(answer);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.code, ErrorCode::kPermissionDenied);
  EXPECT_NE(response.error.find("uid 65534"), std::string::npos) << response.error;
}

TEST_F(OtherUser, IsStoppedByTheSocketMode) {
  auto source = small_source();
  ServerFixture server(source);
  ASSERT_EQ(::chmod(server.dir().c_str(), 0755), 0);
  const std::string answer = request_as(65534, 65534, server.socket());
  EXPECT_EQ(answer.rfind("<error kind " + std::to_string(static_cast<int>(ClientErrorKind::kPermissionDenied)) + ">", 0), 0u)
      << answer;
}

TEST_F(OtherUser, GroupMembersAreAdmittedInGroupMode) {
  auto source = small_source();
  ServerFixture server(source, {}, [](ControlServerOptions& options) { options.group = "nogroup"; });
  ASSERT_EQ(::chmod(server.dir().c_str(), 0755), 0);
  struct stat info{};
  ASSERT_EQ(::stat(server.socket().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  EXPECT_EQ(info.st_gid, 65534u);
  EXPECT_TRUE(parse_response(request_as(65534, 65534, server.socket())).ok);
  // Another group: the mode lets it connect only through "other" bits, so open them to reach the
  // peer check.
  ASSERT_EQ(::chmod(server.socket().c_str(), 0666), 0);
  EXPECT_EQ(parse_response(request_as(65534, 12345, server.socket())).code, ErrorCode::kPermissionDenied);
}

// The peer's own supplementary groups count (SO_PEERGROUPS), not the user database's: a process
// given the group (systemd's SupplementaryGroups=, sg, newgrp) is admitted although its user is
// listed in no group, and one whose groups were dropped is refused.
TEST_F(OtherUser, ThePeersOwnSupplementaryGroupsCount) {
  const group* adm = ::getgrnam("adm");
  if (adm == nullptr) GTEST_SKIP() << "no group adm on this machine";
  const gid_t adm_gid = adm->gr_gid;
  auto source = small_source();
  ServerFixture server(source, {}, [](ControlServerOptions& options) { options.group = "adm"; });
  ASSERT_EQ(::chmod(server.dir().c_str(), 0755), 0);
  EXPECT_TRUE(parse_response(request_as(65534, 12345, server.socket(), {adm_gid})).ok);
  ASSERT_EQ(::chmod(server.socket().c_str(), 0666), 0);
  EXPECT_EQ(parse_response(request_as(65534, 12345, server.socket(), {7, 12346})).code,
            ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace cu::ctl
