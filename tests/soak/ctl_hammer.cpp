#include "soak/ctl_hammer.h"

#include <algorithm>
#include <random>

#include "ctl/control_client.h"
#include "ctl/protocol.h"

namespace cu::soak {

namespace fs = std::filesystem;

nlohmann::json daemon_status(const fs::path& socket, std::chrono::milliseconds timeout) {
  ctl::ClientOptions options;
  options.socket_path = socket;
  options.response_timeout = timeout;
  return ctl::call_daemon(options, "status", nlohmann::json::object());
}

CtlHammer::CtlHammer(fs::path socket, SoakContext& context, std::uint64_t seed)
    : socket_(std::move(socket)), context_(context), seed_(seed) {}

CtlHammer::~CtlHammer() { stop(); }

void CtlHammer::start() {
  thread_ = std::thread([this] { run(); });
}

void CtlHammer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

double CtlHammer::max_latency_ms() const {
  std::lock_guard lock(mutex_);
  return max_latency_ms_;
}

std::string CtlHammer::slowest_command() const {
  std::lock_guard lock(mutex_);
  return slowest_;
}

double CtlHammer::latency_percentile_ms(double percentile) const {
  std::lock_guard lock(mutex_);
  if (latencies_ms_.empty()) return 0;
  std::vector<double> sorted = latencies_ms_;
  std::sort(sorted.begin(), sorted.end());
  const auto at = static_cast<std::size_t>(percentile / 100.0 * static_cast<double>(sorted.size() - 1));
  return sorted[at];
}

std::int64_t CtlHammer::hung_answered() const {
  std::lock_guard lock(mutex_);
  return hung_answered_;
}

double CtlHammer::hung_max_latency_ms() const {
  std::lock_guard lock(mutex_);
  return hung_max_latency_ms_;
}

bool CtlHammer::valid_request(const std::string& cmd, const nlohmann::json& args) {
  const std::int64_t token = context_.clean_token();
  const bool hung_before = context_.postgres_hung;
  const auto started = std::chrono::steady_clock::now();
  try {
    ctl::ClientOptions options;
    options.socket_path = socket_;
    options.response_timeout = std::chrono::seconds(30);
    const nlohmann::json data = ctl::call_daemon(options, cmd, args);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (cmd == "status") {
      if (data.value("watch_mode", "") == "polling") context_.saw_polling = true;
      if (data.value("backend", "") == "sqlite-fallback") context_.saw_sqlite_fallback = true;
    }
    if (context_.still_clean(token)) {
      ++valid_;
      std::lock_guard lock(mutex_);
      latencies_ms_.push_back(ms);
      if (ms > max_latency_ms_) {
        max_latency_ms_ = ms;
        slowest_ = cmd;
      }
      if (hung_before && context_.postgres_hung) {
        ++hung_answered_;
        hung_max_latency_ms_ = std::max(hung_max_latency_ms_, ms);
      }
    }
    return true;
  } catch (const ctl::ClientError& error) {
    if (context_.still_clean(token)) {
      context_.problem(fmt::format("ctl `{}` failed while the daemon was not disrupted: {}", cmd, error.what()));
    }
    return false;
  }
}

// Sends one bad line; the answer must be an error (or, for an oversized line, the connection may be
// closed after the error).
void CtlHammer::bad_request(const std::string& line, const char* kind) {
  const std::int64_t token = context_.clean_token();
  ctl::ClientOptions options;
  options.socket_path = socket_;
  options.response_timeout = std::chrono::seconds(30);
  try {
    const std::string answer = ctl::exchange_line(options, line);
    const auto parsed = nlohmann::json::parse(answer, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || parsed.value("ok", true)) {
      if (context_.still_clean(token)) {
        context_.problem(fmt::format("ctl {} request got no error response: {}", kind, answer.substr(0, 200)));
      }
    }
  } catch (const ctl::ClientError&) {
    // An oversized request may be cut off before its answer is read; a killed daemon answers nothing.
  }
  context_.count("ctl_bad");
}

void CtlHammer::run() {
  std::mt19937_64 random(seed_ * 7919 + 17);
  const std::string huge = R"({"v":1,"cmd":"status","args":{"pad":")" + std::string(70000 + random() % 100000, 'x') + "\"}}";
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  const std::vector<std::pair<std::string, const char*>> bad = {
      {"{not json", "malformed"},
      {R"({"v":1,"cmd":"no_such_command"})", "unknown-command"},
      {R"({"v":2,"cmd":"status"})", "version"},
      {R"({"v":1,"cmd":"daily","args":{"since":"yesterday"}})", "invalid-args"},
      {R"({"v":1,"cmd":"daily","args":[]})", "bad-args"},
      {R"({"v":1,"cmd":"status","extra":true})", "unknown-key"},
      {"\xff\xfe\x80 not utf-8", "invalid-utf8"},
      {"[1,2,3]", "not-object"},
      {R"({"v":1,"cmd":"blocks","args":{"token_limit":-5}})", "invalid-args"},
      {deep, "deep-nesting"},
      {huge, "oversized"},
  };
  const std::vector<std::pair<std::string, nlohmann::json>> valid = {
      {"status", nlohmann::json::object()},
      {"daily", nlohmann::json::object()},
      {"statusline", {{"session_id", "soak-session"}}},
      {"blocks", {{"recent", true}}},
      {"session", nlohmann::json::object()},
  };
  while (!stopping_) {
    if (random() % 3 == 0) {
      const auto& [line, kind] = bad[random() % bad.size()];
      bad_request(line, kind);
      valid_request("status", nlohmann::json::object());  // still answers
    } else {
      const auto& [cmd, args] = valid[random() % valid.size()];
      valid_request(cmd, args);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + random() % 40));
  }
}

}  // namespace cu::soak
