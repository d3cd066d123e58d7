// libFuzzer target for the HTTP router (docs/HTTP.md): any method, target and Authorization and
// Cookie headers get one response with a valid status — never an exception, a crash or undefined
// behaviour. The input is the four fields separated by newlines; targets that pass the token check
// and the query parsing run the real command dispatch over a small in-memory source.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ctl/command_registry.h"
#include "ctl/event_reports.h"
#include "http/router.h"

namespace {

constexpr const char* kToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

cu::UsageEvent event(std::int64_t id, const char* project, const char* session, std::int64_t ms, const char* file) {
  cu::UsageEvent e;
  e.id = id;
  e.entry.message_id = "msg_" + std::to_string(id);
  e.entry.request_id = "req_" + std::to_string(id);
  e.entry.model = "claude-sonnet-4-20250514";
  e.entry.timestamp_ms = ms;
  e.entry.tokens = {100, 20, 30, 400};
  e.project = project;
  e.session_id = session;
  e.file = file;
  e.cost_usd = 0.01 * static_cast<double>(id);
  return e;
}

cu::EventReportSource& source() {
  static cu::EventReportSource events({
      event(1, "-home-ana-api", "s1", 1'795'400'000'000, "-home-ana-api/s1.jsonl"),
      event(2, "-home-ana-api", "s1", 1'795'401'000'000, "-home-ana-api/s1/subagents/agent-a.jsonl"),
      event(3, "-home-ana-web", "s2", 1'795'433'000'000, "-home-ana-web/s2.jsonl"),
  });
  return events;
}

std::string_view field(std::string_view& rest) {
  const std::size_t end = std::min(rest.find('\n'), rest.size());
  const std::string_view value = rest.substr(0, end);
  rest.remove_prefix(std::min(end + 1, rest.size()));
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view method = field(rest);
  const std::string_view target = field(rest);
  const std::string_view authorization = field(rest);
  const std::string_view cookie = field(rest);
  static const cu::ctl::ControlHooks hooks = [] {
    cu::ctl::ControlHooks h;
    h.now_ms = [] { return std::int64_t{1'795'433'201'200}; };
    return h;
  }();
  cu::http::RouterContext context;
  context.token = kToken;
  context.ask = [](std::string_view line) { return cu::ctl::handle_request_line(line, source(), hooks); };
  context.metrics = [] { return std::string("m 1\n"); };
  context.dashboard_html = "<html></html>";
  const cu::http::HttpResponse response = cu::http::route(cu::http::HttpRequest{method, target, authorization, cookie}, context);
  if (response.status < 200 || response.status > 599 || response.content_type.empty()) std::abort();
  return 0;
}
