#include "config/listen_address.h"

#include <charconv>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

namespace cu {
namespace {

constexpr std::string_view kLocalhost = "localhost";

std::optional<boost::asio::ip::address> address_of(const std::string& host) {
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(host == kLocalhost ? "127.0.0.1" : host, error);
  if (error) return std::nullopt;
  return address;
}

}  // namespace

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& problem) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    problem = fmt::format("must be host:port (e.g. 127.0.0.1:8798), got \"{}\"", text);
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.starts_with('[') && host.ends_with(']')) {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    problem = fmt::format("an IPv6 address must be in brackets ([::1]:8798), got \"{}\"", text);
    return std::nullopt;
  }
  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    problem = fmt::format("the port must be a number from 1 to 65535, got \"{}\"", port_text);
    return std::nullopt;
  }
  ListenAddress address{std::string(host), static_cast<std::uint16_t>(port)};
  if (!address_of(address.host)) {
    problem = fmt::format("the host must be an IP address or localhost, got \"{}\"", host);
    return std::nullopt;
  }
  return address;
}

bool is_loopback(const ListenAddress& address) {
  const auto ip = address_of(address.host);
  return ip && ip->is_loopback();
}

std::string url_authority(const ListenAddress& address) {
  const auto ip = address_of(address.host);
  if (ip && ip->is_v6()) return fmt::format("[{}]:{}", address.host, address.port);
  return fmt::format("{}:{}", address.host, address.port);
}

}  // namespace cu
