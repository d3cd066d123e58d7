#include "server_fixture.h"

namespace cu::test {

ServerFixture::ServerFixture(ReportSource& source, ctl::ControlHooks hooks,
                             const std::function<void(ctl::ControlServerOptions&)>& adjust)
    : socket_(dir_.path() / "ctl.sock"), work_(io_.get_executor()) {
  ctl::ControlServerOptions options;
  options.socket_path = socket_;
  if (adjust) adjust(options);
  // Built before the loop thread starts, so nothing runs concurrently with the constructor.
  server_ = std::make_unique<ctl::ControlServer>(io_, source, std::move(hooks), options);
  thread_ = std::thread([this] { io_.run(); });
}

ServerFixture::~ServerFixture() {
  on_loop([this] { server_.reset(); });
  work_.reset();
  io_.stop();
  thread_.join();
}

}  // namespace cu::test
