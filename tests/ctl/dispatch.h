#pragma once
// One request through the command dispatch (handle_request_line), answered as the control socket
// answers it, with the clock at `now_ms`.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ctl/command_registry.h"
#include "ctl/protocol.h"

namespace cu::test {

inline ctl::Response ask(ReportSource& source, const std::string& cmd, const nlohmann::json& args,
                         std::int64_t now_ms = 0) {
  ctl::ControlHooks hooks;
  hooks.now_ms = [now_ms] { return now_ms; };
  return ctl::parse_response(ctl::handle_request_line(ctl::encode_request(cmd, args), source, hooks));
}

}  // namespace cu::test
