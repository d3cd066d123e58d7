#include "ctl/statusline_format.h"

#include <cmath>

#include <fmt/format.h>

#include "ctl/text_format.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr double kModerateTokensPerMinute = 2000;
constexpr double kHighTokensPerMinute = 5000;
constexpr double kContextLowPercent = 50;
constexpr double kContextMediumPercent = 80;
constexpr double kLimitLowPercent = 50;
constexpr double kLimitHighPercent = 80;

const Json* member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> text_at(const Json& object, std::string_view key) {
  const Json* value = member(object, key);
  if (value == nullptr || !value->is_string() || value->get_ref<const std::string&>().empty()) return std::nullopt;
  return value->get<std::string>();
}

std::optional<double> number_at(const Json& object, std::string_view key) {
  const Json* value = member(object, key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

std::optional<std::int64_t> count_at(const Json& object, std::string_view key) {
  const auto number = number_at(object, key);
  if (!number || *number < 0 || *number > 1e15) return std::nullopt;
  return static_cast<std::int64_t>(*number);
}

std::string indicator(BurnLevel level, BurnRateDisplay display) {
  static constexpr std::string_view kEmoji[] = {"🟢", "⚠️", "🚨"};
  static constexpr std::string_view kText[] = {"Normal", "Moderate", "High"};
  const auto i = static_cast<std::size_t>(level);
  switch (display) {
    case BurnRateDisplay::kOff: return "";
    case BurnRateDisplay::kEmoji: return fmt::format(" {}", kEmoji[i]);
    case BurnRateDisplay::kText: return fmt::format(" ({})", kText[i]);
    case BurnRateDisplay::kEmojiText: return fmt::format(" {} ({})", kEmoji[i], kText[i]);
  }
  return "";
}

Colour level_colour(BurnLevel level) {
  switch (level) {
    case BurnLevel::kNormal: return Colour::kGreen;
    case BurnLevel::kModerate: return Colour::kYellow;
    case BurnLevel::kHigh: return Colour::kRed;
  }
  return Colour::kNone;
}

std::string session_part(const Json& data, const StatuslineHook& hook) {
  if (hook.cost_usd) return format_currency(*hook.cost_usd);
  const auto cost = number_at(data, "session_cost_usd");
  return cost ? format_currency(*cost) : "N/A";
}

std::string block_part(const Json& block) {
  if (!block.is_object()) return "No active block";
  return fmt::format("{} block ({} left)", format_currency(number_at(block, "cost_usd").value_or(0)),
                     format_minutes(count_at(block, "remaining_minutes").value_or(0)));
}

std::string burn_part(const Json& block, BurnRateDisplay display, bool colour) {
  const Json* rate = member(block, "burn_rate");
  if (rate == nullptr || !rate->is_object()) return "";
  const BurnLevel level = burn_level(number_at(*rate, "tokens_per_minute_for_indicator").value_or(0));
  const std::string cost = format_currency(number_at(*rate, "cost_per_hour").value_or(0)) + "/hr";
  return fmt::format(" | 🔥 {}{}", paint(cost, level_colour(level), colour), indicator(level, display));
}

Colour limit_colour(double percent) {
  if (percent < kLimitLowPercent) return Colour::kGreen;
  return percent < kLimitHighPercent ? Colour::kYellow : Colour::kRed;
}

// "5h 42% ↻14:00": the reset time only for the 5-hour window (the 7-day one is days away).
std::string official_window(const Json& window, std::string_view label, bool with_reset, bool colour) {
  const double percent = number_at(window, "used_percentage").value_or(0);
  std::string text = fmt::format("{} {}", label,
                                 paint(fmt::format("{}%", std::llround(percent)), limit_colour(percent), colour));
  const auto reset = text_at(window, "resets_at_local");
  if (with_reset && reset) text += " ↻" + *reset;
  return text;
}

std::string limits_part(const Json& data, bool colour) {
  const Json* limits = member(data, "rate_limits");
  if (limits == nullptr || !limits->is_object()) return "";
  std::string text;
  if (const Json* five = member(*limits, "five_hour"); five != nullptr && five->is_object()) {
    text = official_window(*five, "5h", true, colour);
  }
  if (const Json* seven = member(*limits, "seven_day"); seven != nullptr && seven->is_object()) {
    text += (text.empty() ? "" : " · ") + official_window(*seven, "7d", false, colour);
  }
  return text.empty() ? "" : " | ⏳ " + text;
}

std::string context_part(const StatuslineHook& hook, bool colour) {
  if (!hook.context_tokens || !hook.context_size || *hook.context_size <= 0) return "";
  const double percent = std::round(static_cast<double>(*hook.context_tokens) * 100 / static_cast<double>(*hook.context_size));
  const Colour shade = percent < kContextLowPercent      ? Colour::kGreen
                       : percent < kContextMediumPercent ? Colour::kYellow
                                                         : Colour::kRed;
  return fmt::format(" | 🧠 {} ({})", format_number(*hook.context_tokens),
                     paint(fmt::format("{}%", static_cast<std::int64_t>(percent)), shade, colour));
}

}  // namespace

StatuslineHook parse_statusline_hook(std::string_view text) {
  StatuslineHook hook;
  const Json input = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!input.is_object()) return hook;
  hook.session_id = text_at(input, "session_id").value_or("");
  hook.transcript_path = text_at(input, "transcript_path").value_or("");
  if (const Json* model = member(input, "model")) {
    hook.model_name = text_at(*model, "display_name").value_or(text_at(*model, "id").value_or(hook.model_name));
  }
  if (const Json* cost = member(input, "cost")) hook.cost_usd = number_at(*cost, "total_cost_usd");
  if (const Json* context = member(input, "context_window")) {
    hook.context_tokens = count_at(*context, "total_input_tokens");
    hook.context_size = count_at(*context, "context_window_size");
  }
  if (const Json* limits = member(input, "rate_limits")) hook.rate_limits = *limits;
  return hook;
}

BurnLevel burn_level(double tokens_per_minute_for_indicator) {
  if (tokens_per_minute_for_indicator < kModerateTokensPerMinute) return BurnLevel::kNormal;
  if (tokens_per_minute_for_indicator < kHighTokensPerMinute) return BurnLevel::kModerate;
  return BurnLevel::kHigh;
}

std::string statusline_text(const nlohmann::json& data, const StatuslineHook& hook, BurnRateDisplay display,
                            bool colour) {
  const Json* block = member(data, "block");
  const Json none;
  const Json& active = block != nullptr ? *block : none;
  return fmt::format("🤖 {} | 💰 {} session / {} today / {}{}{}{}", hook.model_name, session_part(data, hook),
                     format_currency(number_at(data, "today_cost_usd").value_or(0)), block_part(active),
                     burn_part(active, display, colour), limits_part(data, colour), context_part(hook, colour));
}

std::string statusline_fallback(const StatuslineHook& hook, std::string_view reason) {
  return fmt::format("🤖 {} | {}", hook.model_name, reason);
}

}  // namespace cu::ctl
