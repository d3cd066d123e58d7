#pragma once
// How important a log message is (config `log.level`, journald's PRIORITY=).
namespace cu {

enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError };

}  // namespace cu
