#pragma once
// Process-wide logging: plain "<level> message" lines on stderr, or structured journald entries
// when running under systemd (JOURNAL_STREAM set). Thread-safe.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/log_level.h"

namespace cu::log {

// A structured journald field, e.g. {"CLAUDE_FILE", path}. Names are upper-case journald names.
using Field = std::pair<std::string_view, std::string_view>;

enum class Sink { kStderr, kJournal };

// Chooses the sink (journald when JOURNAL_STREAM is set and `prefer_journal`) and the threshold.
void init(LogLevel threshold, bool prefer_journal = true);
void set_threshold(LogLevel threshold);
bool enabled(LogLevel level);

void write(LogLevel level, std::string_view message, std::initializer_list<Field> fields = {});

// Logs at most `burst` messages per `key` per `window`; afterwards counts the suppressed ones and
// reports their number with the next message that passes. Returns whether this one was written.
bool write_limited(std::string_view key, LogLevel level, std::string_view message,
                   std::initializer_list<Field> fields = {}, int burst = 5,
                   std::chrono::seconds window = std::chrono::seconds(60));

template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(LogLevel::kInfo)) write(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warning(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(LogLevel::kWarning))
    write(LogLevel::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(LogLevel::kError)) write(LogLevel::kError, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(LogLevel::kDebug)) write(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace cu::log
