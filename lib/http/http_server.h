#pragma once
// The HTTP listener (SPEC §12): Boost.Beast on the daemon's io_context, answering with route()
// (router.h). Bounded: at most `max_connections` at once (more get 503), a request must arrive
// whole within `request_timeout` (slow clients are dropped), headers within `header_limit`, no
// request bodies (413), a connection serves at most `max_requests` before it is closed.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "config/listen_address.h"
#include "http/router.h"

namespace cu::http {

struct HttpServerOptions {
  ListenAddress address;
  std::size_t max_connections = 32;
  std::chrono::milliseconds request_timeout{10'000};
  std::size_t header_limit = 8 * 1024;
  unsigned max_requests = 100;
};

// Threading: everything runs on the thread that runs `io` (the daemon's loop), `context`'s
// functions included.
class HttpServer {
 public:
  // Binds and listens (SO_REUSEADDR), then accepts. Throws std::runtime_error naming the address
  // when it cannot listen (in use, not an address of this machine, ...).
  HttpServer(boost::asio::io_context& io, RouterContext context, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Closes the listener and every connection. Idempotent; the destructor calls it.
  void stop();

  // The port listened on (the configured one, or the one the system chose for port 0 in tests).
  std::uint16_t port() const;
  std::size_t connection_count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace cu::http
