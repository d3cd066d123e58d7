#include "http/http_server.h"

#include <list>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "log/log.h"

namespace cu::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

constexpr std::string_view kHtmlPolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
  State(asio::io_context& io, RouterContext context, HttpServerOptions options)
      : acceptor(io), context(std::move(context)), options(std::move(options)) {}

  void accept();

  tcp::acceptor acceptor;
  RouterContext context;
  HttpServerOptions options;
  std::list<std::weak_ptr<Session>> sessions;
  bool stopped = false;
};

namespace {

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

// The response to a request the parser refused: its status and a line saying why.
bhttp::response<bhttp::string_body> refusal(bhttp::status status, std::string_view why) {
  bhttp::response<bhttp::string_body> response{status, 11};
  response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  response.set(bhttp::field::connection, "close");
  response.body() = fmt::format("{}\n", why);
  response.keep_alive(false);
  response.prepare_payload();
  return response;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::State> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}

  void start() { read(); }
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }
  // A connection beyond the limit: told so, then closed.
  void refuse_busy() { write(refusal(bhttp::status::service_unavailable, "too many connections"), false); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
    parser_->body_limit(0);
    stream_.expires_after(server_->options.request_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

  void on_read(beast::error_code error) {
    if (server_->stopped || error == bhttp::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted) {
      close();
      return;
    }
    if (error == bhttp::error::header_limit) {
      write(refusal(bhttp::status::request_header_fields_too_large, "request headers too large"), false);
      return;
    }
    if (error == bhttp::error::body_limit || error == bhttp::error::unexpected_body) {
      write(refusal(bhttp::status::payload_too_large, "request bodies are not accepted"), false);
      return;
    }
    if (error) {
      write(refusal(bhttp::status::bad_request, "malformed request"), false);
      return;
    }
    const auto& request = parser_->get();
    const HttpResponse routed = route(HttpRequest{view(request.method_string()), view(request.target()),
                                                  view(request[bhttp::field::authorization]),
                                                  view(request[bhttp::field::cookie])},
                                      server_->context);
    bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(routed.status), request.version()};
    response.set(bhttp::field::server, "claude-usaged");
    response.set(bhttp::field::content_type, routed.content_type);
    response.set("X-Content-Type-Options", "nosniff");
    if (routed.content_type.starts_with("text/html")) response.set("Content-Security-Policy", beast::string_view(kHtmlPolicy.data(), kHtmlPolicy.size()));
    for (const auto& [name, value] : routed.headers) response.insert(name, value);
    const bool keep = request.keep_alive() && ++served_ < server_->options.max_requests;
    response.keep_alive(keep);
    response.body() = routed.body;
    response.prepare_payload();
    if (request.method() == bhttp::verb::head) response.body().clear();  // Content-Length stays the GET's
    write(std::move(response), keep);
  }

  void write(bhttp::response<bhttp::string_body> response, bool keep_alive) {
    response_ = std::move(response);
    stream_.expires_after(server_->options.request_timeout);
    bhttp::async_write(stream_, response_, [self = shared_from_this(), keep_alive](beast::error_code error, std::size_t) {
      if (error || !keep_alive || self->server_->stopped) {
        self->close();
        return;
      }
      self->read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  std::shared_ptr<HttpServer::State> server_;
  unsigned served_ = 0;
};

}  // namespace

void HttpServer::State::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code error, tcp::socket socket) {
    if (self->stopped) return;
    if (!error) {
      self->sessions.remove_if([](const std::weak_ptr<Session>& session) { return session.expired(); });
      auto session = std::make_shared<Session>(std::move(socket), self);
      if (self->sessions.size() >= self->options.max_connections) {
        session->refuse_busy();
      } else {
        self->sessions.push_back(session);
        session->start();
      }
    } else if (error != asio::error::operation_aborted) {
      log::warning("http: accept failed: {}", error.message());
    }
    self->accept();
  });
}

HttpServer::HttpServer(asio::io_context& io, RouterContext context, HttpServerOptions options)
    : state_(std::make_shared<State>(io, std::move(context), std::move(options))) {
  const ListenAddress& address = state_->options.address;
  const std::string host = address.host == "localhost" ? "127.0.0.1" : address.host;
  beast::error_code error;
  const tcp::endpoint endpoint(asio::ip::make_address(host, error), address.port);
  const auto fail = [&](std::string_view step) {
    throw std::runtime_error(fmt::format("http.listen {}: {}: {}", url_authority(address), step, error.message()));
  };
  if (error) fail("address");
  state_->acceptor.open(endpoint.protocol(), error);
  if (error) fail("socket");
  state_->acceptor.set_option(asio::socket_base::reuse_address(true), error);
  state_->acceptor.bind(endpoint, error);
  if (error) fail("bind");
  state_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) fail("listen");
  state_->accept();
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  for (const auto& weak : state_->sessions) {
    if (auto session = weak.lock()) session->close();
  }
  state_->sessions.clear();
}

std::uint16_t HttpServer::port() const {
  beast::error_code error;
  const auto endpoint = state_->acceptor.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

std::size_t HttpServer::connection_count() const {
  std::size_t count = 0;
  for (const auto& weak : state_->sessions) count += weak.expired() ? 0 : 1;
  return count;
}

}  // namespace cu::http
