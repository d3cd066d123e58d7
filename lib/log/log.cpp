#include "log/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

#include <syslog.h>
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

namespace cu::log {
namespace {

std::atomic<LogLevel> g_threshold{LogLevel::kInfo};
std::atomic<Sink> g_sink{Sink::kStderr};
std::mutex g_write_mutex;

struct RateState {
  std::chrono::steady_clock::time_point window_start;
  int written = 0;
  long suppressed = 0;
};
std::mutex g_rate_mutex;
std::map<std::string, RateState, std::less<>> g_rates;

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return LOG_DEBUG;
    case LogLevel::kInfo: return LOG_INFO;
    case LogLevel::kNotice: return LOG_NOTICE;
    case LogLevel::kWarning: return LOG_WARNING;
    case LogLevel::kError: return LOG_ERR;
  }
  return LOG_INFO;
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kNotice: return "notice";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

void write_journal(LogLevel level, std::string_view message, std::initializer_list<Field> fields) {
  std::vector<std::string> items;
  items.reserve(fields.size() + 3);
  items.push_back(fmt::format("MESSAGE={}", message));
  items.push_back(fmt::format("PRIORITY={}", syslog_priority(level)));
  items.push_back("SYSLOG_IDENTIFIER=claude-usaged");
  for (const auto& [name, value] : fields) items.push_back(fmt::format("{}={}", name, value));
  std::vector<iovec> iov(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) iov[i] = {items[i].data(), items[i].size()};
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

void write_stderr(LogLevel level, std::string_view message, std::initializer_list<Field> fields) {
  std::string line = fmt::format("{} {}", level_name(level), message);
  for (const auto& [name, value] : fields) line += fmt::format(" {}={}", name, value);
  line += '\n';
  std::lock_guard lock(g_write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void init(LogLevel threshold, bool prefer_journal) {
  g_threshold = threshold;
  const char* stream = std::getenv("JOURNAL_STREAM");
  g_sink = (prefer_journal && stream != nullptr && *stream != '\0') ? Sink::kJournal : Sink::kStderr;
}

void set_threshold(LogLevel threshold) { g_threshold = threshold; }

bool enabled(LogLevel level) { return level >= g_threshold.load(std::memory_order_relaxed); }

void write(LogLevel level, std::string_view message, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  if (g_sink.load() == Sink::kJournal) {
    write_journal(level, message, fields);
  } else {
    write_stderr(level, message, fields);
  }
}

bool write_limited(std::string_view key, LogLevel level, std::string_view message,
                   std::initializer_list<Field> fields, int burst, std::chrono::seconds window) {
  if (!enabled(level)) return false;
  long suppressed = 0;
  {
    std::lock_guard lock(g_rate_mutex);
    auto it = g_rates.find(key);
    if (it == g_rates.end()) it = g_rates.emplace(std::string(key), RateState{}).first;
    RateState& state = it->second;
    const auto now = std::chrono::steady_clock::now();
    if (state.written == 0 || now - state.window_start >= window) {
      state.window_start = now;
      state.written = 0;
    }
    if (state.written >= burst) {
      ++state.suppressed;
      return false;
    }
    ++state.written;
    suppressed = std::exchange(state.suppressed, 0);
  }
  if (suppressed == 0) {
    write(level, message, fields);
  } else {
    write(level, fmt::format("{} ({} similar messages suppressed)", message, suppressed), fields);
  }
  return true;
}

}  // namespace cu::log
