#pragma once
// The statusline: what Claude Code's statusLine hook sends on stdin, and the one line printed back
// (ccusage's layout: 🤖 model | 💰 session / today / block | 🔥 burn rate | 🧠 context).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ctl/command_args.h"

namespace cu::ctl {

struct StatuslineHook {
  std::string session_id;
  std::string transcript_path;
  std::string model_name = "Claude";         // model.display_name, else model.id
  std::optional<double> cost_usd;            // cost.total_cost_usd: Claude Code's own session cost
  std::optional<std::int64_t> context_tokens;  // context_window.total_input_tokens
  std::optional<std::int64_t> context_size;    // context_window.context_window_size
  nlohmann::json rate_limits;  // rate_limits as sent (Claude Code 2.1.80+), for the daemon; null when absent
};

// Reads the hook JSON leniently: missing, mistyped or unparsable fields keep their defaults, so a
// statusline is printed whatever Claude Code sends.
StatuslineHook parse_statusline_hook(std::string_view text);

enum class BurnLevel { kNormal, kModerate, kHigh };

// ccusage's thresholds on (input + output) tokens per minute: below 2000 normal, below 5000
// moderate, else high.
BurnLevel burn_level(double tokens_per_minute_for_indicator);

// The line for the daemon's `statusline` data (see reports.h); its "rate_limits", when any, add
// e.g. " | ⏳ 5h 42% ↻14:00 · 7d 18%". The session cost is the hook's
// when it carries one (ccusage's --cost-source auto), else the daemon's.
std::string statusline_text(const nlohmann::json& data, const StatuslineHook& hook, BurnRateDisplay display,
                            bool colour);

// What is printed when the daemon cannot answer, e.g. "🤖 Opus 4.1 | claude-usaged not running".
std::string statusline_fallback(const StatuslineHook& hook, std::string_view reason);

}  // namespace cu::ctl
