#include "ctl/statusline_format.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

const Json kData{{"date", "2026-11-23"},
                 {"today_cost_usd", 0.0435},
                 {"session_cost_usd", 0.031},
                 {"block",
                  {{"cost_usd", 0.0435},
                   {"end_time", "2026-11-23T15:00:00.000Z"},
                   {"remaining_minutes", 236},
                   {"burn_rate", {{"cost_per_hour", 0.087}, {"tokens_per_minute", 583.3}, {"tokens_per_minute_for_indicator", 250}}}}}};

TEST(Statusline, ReadsClaudeCodesHookJson) {
  const auto path = std::filesystem::path(CU_SHARED_DATA_DIR) / "statusline-hook" / "statusline-test-opus4.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared statusline-hook data";
  const StatuslineHook hook = parse_statusline_hook(test::read_file(path));
  EXPECT_EQ(hook.session_id, "test-session-opus4");
  EXPECT_EQ(hook.model_name, "Opus 4.1");
  EXPECT_EQ(hook.cost_usd, 0.0892);
  EXPECT_EQ(hook.context_tokens, 85000);
  EXPECT_EQ(hook.context_size, 200000);
}

TEST(Statusline, LenientWithBadHookInput) {
  EXPECT_EQ(parse_statusline_hook("").model_name, "Claude");
  EXPECT_EQ(parse_statusline_hook("{not json").session_id, "");
  const StatuslineHook hook = parse_statusline_hook(R"({"session_id":5,"model":{"id":"claude-x"},"cost":{"total_cost_usd":"1"}})");
  EXPECT_EQ(hook.session_id, "");
  EXPECT_EQ(hook.model_name, "claude-x");
  EXPECT_FALSE(hook.cost_usd);
}

TEST(Statusline, CcusagesLayout) {
  StatuslineHook hook;
  hook.model_name = "Sonnet 4";
  EXPECT_EQ(statusline_text(kData, hook, BurnRateDisplay::kOff, false),
            "🤖 Sonnet 4 | 💰 $0.03 session / $0.04 today / $0.04 block (3h 56m left) | 🔥 $0.09/hr");
  hook.cost_usd = 0.0562;
  hook.context_tokens = 42500;
  hook.context_size = 200000;
  EXPECT_EQ(statusline_text(kData, hook, BurnRateDisplay::kEmojiText, false),
            "🤖 Sonnet 4 | 💰 $0.06 session / $0.04 today / $0.04 block (3h 56m left) | 🔥 $0.09/hr 🟢 (Normal) | 🧠 42,500 (21%)");
}

TEST(Statusline, ForwardsTheHooksRateLimitsAsSent) {
  const auto path = std::filesystem::path(CU_SHARED_DATA_DIR) / "statusline-hook" / "statusline-rate-limits.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared statusline-hook data";
  const StatuslineHook hook = parse_statusline_hook(test::read_file(path));
  EXPECT_EQ(hook.rate_limits["five_hour"]["used_percentage"], 23.5);
  EXPECT_EQ(hook.rate_limits["seven_day"]["resets_at"], 1796659200);
  EXPECT_TRUE(parse_statusline_hook(R"({"session_id":"s"})").rate_limits.is_null());
  EXPECT_EQ(parse_statusline_hook(R"({"rate_limits":"x"})").rate_limits, "x");  // the daemon counts it
}

TEST(Statusline, ShowsTheOfficialLimitsWhenTheDaemonGivesThem) {
  Json data = kData;
  data["rate_limits"] = {{"five_hour", {{"used_percentage", 42.4}, {"resets_at_local", "14:00"}}},
                         {"seven_day", {{"used_percentage", 17.6}, {"resets_at_local", "09:00"}}}};
  StatuslineHook hook;
  hook.model_name = "Sonnet 4";
  EXPECT_EQ(statusline_text(data, hook, BurnRateDisplay::kOff, false),
            "🤖 Sonnet 4 | 💰 $0.03 session / $0.04 today / $0.04 block (3h 56m left) | 🔥 $0.09/hr"
            " | ⏳ 5h 42% ↻14:00 · 7d 18%");
  data["rate_limits"].erase("five_hour");
  EXPECT_TRUE(statusline_text(data, hook, BurnRateDisplay::kOff, false).ends_with(" | ⏳ 7d 18%"));
  data["rate_limits"] = nullptr;
  EXPECT_EQ(statusline_text(data, hook, BurnRateDisplay::kOff, false), statusline_text(kData, hook, BurnRateDisplay::kOff, false));
}

TEST(Statusline, OfficialLimitsAreColouredAt50And80PercentOnlyWithColour) {
  Json data = kData;
  auto line_with = [&](double percent, bool colour) {
    data["rate_limits"] = {{"five_hour", {{"used_percentage", percent}, {"resets_at_local", "14:00"}}}};
    const std::string line = statusline_text(data, StatuslineHook{}, BurnRateDisplay::kOff, colour);
    return line.substr(line.find("⏳"));
  };
  EXPECT_EQ(line_with(49.4, false), "⏳ 5h 49% ↻14:00");
  EXPECT_EQ(line_with(49.4, true), "⏳ 5h \x1b[32m49%\x1b[0m ↻14:00");
  EXPECT_EQ(line_with(50, true), "⏳ 5h \x1b[33m50%\x1b[0m ↻14:00");
  EXPECT_EQ(line_with(80, true), "⏳ 5h \x1b[31m80%\x1b[0m ↻14:00");
}

TEST(Statusline, NoBlockNoSession) {
  const Json data{{"date", "2026-11-23"}, {"today_cost_usd", 0}, {"session_cost_usd", nullptr}, {"block", nullptr}};
  EXPECT_EQ(statusline_text(data, StatuslineHook{}, BurnRateDisplay::kEmoji, false),
            "🤖 Claude | 💰 N/A session / $0.00 today / No active block");
}

TEST(Statusline, BurnLevelsUseCcusagesThresholds) {
  EXPECT_EQ(burn_level(1999.9), BurnLevel::kNormal);
  EXPECT_EQ(burn_level(2000), BurnLevel::kModerate);
  EXPECT_EQ(burn_level(4999.9), BurnLevel::kModerate);
  EXPECT_EQ(burn_level(5000), BurnLevel::kHigh);
  Json data = kData;
  data["block"]["burn_rate"]["tokens_per_minute_for_indicator"] = 6000;
  EXPECT_NE(statusline_text(data, {}, BurnRateDisplay::kEmoji, false).find("/hr 🚨"), std::string::npos);
  data["block"]["burn_rate"]["tokens_per_minute_for_indicator"] = 3000;
  EXPECT_NE(statusline_text(data, {}, BurnRateDisplay::kText, false).find("/hr (Moderate)"), std::string::npos);
}

TEST(Statusline, ColoursOnlyWhenAsked) {
  EXPECT_EQ(statusline_text(kData, {}, BurnRateDisplay::kOff, false).find('\x1b'), std::string::npos);
  EXPECT_NE(statusline_text(kData, {}, BurnRateDisplay::kOff, true).find("\x1b[32m$0.09/hr"), std::string::npos);
}

TEST(Statusline, Fallback) {
  StatuslineHook hook;
  hook.model_name = "Opus 4.1";
  EXPECT_EQ(statusline_fallback(hook, "claude-usaged not running"), "🤖 Opus 4.1 | claude-usaged not running");
}

}  // namespace
}  // namespace cu::ctl
