#pragma once
// http.listen: "host:port" ("127.0.0.1:8798", "[::1]:8798", "localhost:8798"); empty = no listener.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cu {

struct ListenAddress {
  std::string host;  // an IPv4 or IPv6 address (without brackets), or "localhost"
  std::uint16_t port = 0;

  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

// Parses "host:port"; nullopt with `problem` set when it is not one. "localhost" stands for
// 127.0.0.1; any other host must be a literal address (no name lookups at startup).
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& problem);

// Whether the address is a loopback one (127.0.0.0/8, ::1, localhost).
bool is_loopback(const ListenAddress& address);

// "127.0.0.1:8798", "[::1]:8798": as the dashboard's URL writes it.
std::string url_authority(const ListenAddress& address);

}  // namespace cu
