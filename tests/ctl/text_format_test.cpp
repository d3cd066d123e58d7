#include "ctl/text_format.h"

#include <gtest/gtest.h>

#include "ctl/report_printers.h"
#include "ctl/text_table.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

TEST(TextFormat, Numbers) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(999), "999");
  EXPECT_EQ(format_number(1000), "1,000");
  EXPECT_EQ(format_number(178289310), "178,289,310");
  EXPECT_EQ(format_number(-1234), "-1,234");
  EXPECT_EQ(format_number(INT64_MIN), "-9,223,372,036,854,775,808");
}

TEST(TextFormat, Currency) {
  EXPECT_EQ(format_currency(0), "$0.00");
  EXPECT_EQ(format_currency(-0.0), "$0.00");
  EXPECT_EQ(format_currency(0.005), "$0.01");
  EXPECT_EQ(format_currency(88.311034), "$88.31");
  EXPECT_EQ(format_currency(1234.5), "$1,234.50");
  EXPECT_EQ(format_currency(-2.5), "-$2.50");
}

TEST(TextFormat, ShortModelNames) {
  EXPECT_EQ(short_model_name("claude-sonnet-4-20250514"), "sonnet-4");
  EXPECT_EQ(short_model_name("claude-opus-4-1-20250805-fast"), "opus-4-1-20250805-fast");
  EXPECT_EQ(short_model_name("glm-4.7"), "glm-4.7");
}

TEST(TextFormat, Minutes) {
  EXPECT_EQ(format_minutes(236), "3h 56m");
  EXPECT_EQ(format_minutes(56), "56m");
  EXPECT_EQ(format_minutes(-3), "0m");
}

TEST(TextFormat, LocalTimes) {
  EXPECT_EQ(format_local_minute(1'795'433'201'200, "UTC"), "2026-11-23 11:26");
  EXPECT_EQ(format_local_minute(1'795'433'201'200, "Asia/Tokyo"), "2026-11-23 20:26");
  EXPECT_EQ(format_local_minute(1'795'433'201'200, "Not/AZone"), "2026-11-23 11:26");
}

TEST(TextFormat, PaintOnlyWhenEnabled) {
  EXPECT_EQ(paint("x", Colour::kRed, false), "x");
  EXPECT_EQ(paint("x", Colour::kRed, true), "\x1b[31mx\x1b[0m");
}

TEST(TextTable, AlignsColumnsAndLines) {
  TextTable table({{"Date", Align::kLeft}, {"Cost", Align::kRight}});
  table.add_row({"2026-02-01\nsecond", "$1.00"});
  table.add_row({"Total", "$10.00"});
  EXPECT_EQ(table.render(false),
            "┌────────────┬────────┐\n"
            "│ Date       │   Cost │\n"
            "├────────────┼────────┤\n"
            "│ 2026-02-01 │  $1.00 │\n"
            "│ second     │        │\n"
            "├────────────┼────────┤\n"
            "│ Total      │ $10.00 │\n"
            "└────────────┴────────┘\n");
}

TEST(Printers, DailyTableHasTotals) {
  const Json data = Json::parse(R"({"daily":[{"date":"2026-02-01","inputTokens":1000,"outputTokens":20,
    "cacheCreationTokens":0,"cacheReadTokens":5,"totalTokens":1025,"totalCost":1.5,
    "modelsUsed":["claude-sonnet-4-20250514"],"modelBreakdowns":[{"modelName":"claude-sonnet-4-20250514",
    "inputTokens":1000,"outputTokens":20,"cacheCreationTokens":0,"cacheReadTokens":5,"cost":1.5}]}],
    "totals":{"inputTokens":1000,"outputTokens":20,"cacheCreationTokens":0,"cacheReadTokens":5,"totalTokens":1025,"totalCost":1.5}})");
  std::ostringstream out;
  CommandArgs args;
  args.breakdown = true;
  print_daily(data, args, PrintContext{}, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("│ 2026-02-01    │ - sonnet-4 │ 1,000 │"), std::string::npos) << text;
  EXPECT_NE(text.find("└─ sonnet-4"), std::string::npos) << text;
  EXPECT_NE(text.find("│ Total "), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

// ccusage's --compact: Date, Models, Input, Output, Cost.
TEST(Printers, CompactTablesDropTheCacheAndTotalColumns) {
  const Json data = Json::parse(R"({"daily":[{"date":"2026-02-01","inputTokens":1000,"outputTokens":20,
    "cacheCreationTokens":7,"cacheReadTokens":5,"totalTokens":1032,"totalCost":1.5,
    "modelsUsed":["claude-sonnet-4-20250514"],"modelBreakdowns":[]}],
    "totals":{"inputTokens":1000,"outputTokens":20,"cacheCreationTokens":7,"cacheReadTokens":5,"totalTokens":1032,"totalCost":1.5}})");
  std::ostringstream wide;
  print_daily(data, CommandArgs{}, PrintContext{}, wide);
  EXPECT_NE(wide.str().find("Cache Create"), std::string::npos);
  PrintContext compact;
  compact.compact = true;
  std::ostringstream narrow;
  print_daily(data, CommandArgs{}, compact, narrow);
  const std::string text = narrow.str();
  for (const char* gone : {"Cache Create", "Cache Read", "Total Tokens", "1,032"}) {
    EXPECT_EQ(text.find(gone), std::string::npos) << gone << "\n" << text;
  }
  EXPECT_NE(text.find("│ 2026-02-01 │ - sonnet-4 │ 1,000 │     20 │      $1.50 │"), std::string::npos) << text;
}

TEST(Printers, ProjectAliasesNameTheProjectsOfTables) {
  const Json data = Json::parse(R"({"sessions":[{"sessionId":"s1","projectPath":"-home-ana-api",
    "firstActivity":"2026-02-01T10:00:00.000Z","lastActivity":"2026-02-01T11:00:00.000Z","inputTokens":1,
    "outputTokens":2,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":3,"totalCost":0.5,
    "modelsUsed":[],"modelBreakdowns":[]}],
    "totals":{"inputTokens":1,"outputTokens":2,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":3,"totalCost":0.5}})");
  PrintContext context;
  context.zone = "UTC";
  context.project_aliases = {{"-home-ana-api", "API server"}};
  std::ostringstream out;
  print_session(data, CommandArgs{}, context, out);
  EXPECT_NE(out.str().find("│ API server │"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("-home-ana-api"), std::string::npos) << out.str();
}

TEST(Printers, EmptyReport) {
  std::ostringstream out;
  print_daily(Json::parse(R"({"daily":[],"totals":{}})"), CommandArgs{}, PrintContext{}, out);
  EXPECT_EQ(out.str(), "No usage data found.\n");
}

TEST(Printers, CostChartScalesToTheCostliestDay) {
  const Json rows = Json::parse(R"([{"date":"2026-02-01","totalCost":2},{"date":"2026-02-02","totalCost":1},{"date":"2026-02-03","totalCost":0}])");
  const std::string chart = cost_chart(rows, "date", false);
  std::string full;
  for (int i = 0; i < 40; ++i) full += "█";
  std::string half;
  for (int i = 0; i < 20; ++i) half += "█";
  EXPECT_NE(chart.find("2026-02-01 │" + full + " $2.00\n"), std::string::npos) << chart;
  EXPECT_NE(chart.find("2026-02-02 │" + half + " $1.00\n"), std::string::npos) << chart;
  EXPECT_NE(chart.find("2026-02-03 │ $0.00\n"), std::string::npos) << chart;
}

TEST(Printers, StatusListsKnownKeysThenTheRest) {
  std::ostringstream out;
  print_status(Json{{"state", "watching"}, {"events", 12345}, {"zeta", "x"}, {"unknown_models", Json::array()}},
               CommandArgs{}, PrintContext{}, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("state:          watching\n"), std::string::npos) << text;
  EXPECT_NE(text.find("events:         12,345\n"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown models: none\n"), std::string::npos) << text;
  EXPECT_LT(text.find("state:"), text.find("zeta:"));
}

TEST(Printers, StatusReadsRootsAndUnknownModelsOneByOne) {
  std::ostringstream out;
  const Json roots = Json::array({{{"path", "/home/a/.claude"}, {"state", "watching"}},
                                  {{"path", "/home/a/.config/claude"}, {"state", "missing"}}});
  const Json models = Json::array({{{"model", "claude-new-9"}, {"events", 1200}, {"tokens", 34567}}});
  print_status(Json{{"roots", roots}, {"unknown_models", models}}, CommandArgs{}, PrintContext{}, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("roots:          /home/a/.claude (watching), /home/a/.config/claude (missing)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("unknown models: claude-new-9 (1,200 events, 34,567 tokens)\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace cu::ctl
