#include "integration/fake_postgres.h"

#include <cerrno>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cu::test {
namespace {

// A listening socket on 127.0.0.1 at a free port; returns the descriptor and sets `port`.
int listen_on_loopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 16) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

FakePostgres::FakePostgres(Mode mode) : mode_(mode) {
  listen_fd_ = listen_on_loopback(port_);
  if (::pipe2(stop_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  thread_ = std::thread([this] { serve(); });
}

FakePostgres::~FakePostgres() {
  (void)!::write(stop_[1], "x", 1);
  thread_.join();
  for (const int fd : open_) ::close(fd);
  for (const int fd : {listen_fd_, stop_[0], stop_[1]}) ::close(fd);
}

std::string FakePostgres::url(int connect_timeout_s) const {
  return fmt::format("postgresql://cu@127.0.0.1:{}/cu?connect_timeout={}&sslmode=disable", port_,
                     connect_timeout_s);
}

// Polls the listening socket, the stop pipe and every open connection until stopped.
void FakePostgres::serve() {
  for (;;) {
    std::vector<pollfd> fds = {{stop_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const int fd : open_) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0 || (fds[0].revents & POLLIN) != 0) return;
    for (std::size_t i = fds.size(); i-- > 2;) {
      if (fds[i].revents != 0) drain(i - 2);
    }
    if ((fds[1].revents & POLLIN) != 0) accept_one();
  }
}

void FakePostgres::accept_one() {
  const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  ++accepted_;
  if (mode_ == Mode::kCloseAtOnce) {
    ::close(client);
  } else {
    open_.push_back(client);  // read from, never answered
  }
}

// Reads what the client sent on open_[index] (its startup packet); end of file or an error means
// the client closed the connection.
void FakePostgres::drain(std::size_t index) {
  char buffer[4096];
  const ssize_t n = ::recv(open_[index], buffer, sizeof(buffer), MSG_DONTWAIT);
  if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR))) return;
  ::close(open_[index]);
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
  ++closed_by_client_;
}

}  // namespace cu::test
