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
