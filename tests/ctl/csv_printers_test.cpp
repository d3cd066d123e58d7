// --csv: RFC 4180 fields and each report's lines, from hand-made report JSON.
#include "ctl/csv_printers.h"

#include <sstream>

#include <gtest/gtest.h>

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

template <typename Print>
std::string csv_of(Print print, const Json& data, const CommandArgs& args = {}) {
  std::ostringstream out;
  print(data, args, out);
  return out.str();
}

Json day(const char* date, std::int64_t input, double cost) {
  return {{"date", date},
          {"inputTokens", input},
          {"outputTokens", 2},
          {"cacheCreationTokens", 3},
          {"cacheReadTokens", 4},
          {"totalTokens", input + 9},
          {"totalCost", cost},
          {"modelsUsed", {"claude-opus-4-20250514", "claude-sonnet-4-20250514"}},
          {"modelBreakdowns",
           {{{"modelName", "claude-opus-4-20250514"},
             {"inputTokens", input - 1},
             {"outputTokens", 2},
             {"cacheCreationTokens", 3},
             {"cacheReadTokens", 0},
             {"cost", cost - 0.25}},
            {{"modelName", "claude-sonnet-4-20250514"},
             {"inputTokens", 1},
             {"outputTokens", 0},
             {"cacheCreationTokens", 0},
             {"cacheReadTokens", 4},
             {"cost", 0.25}}}}};
}

TEST(CsvPrinters, FieldsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

TEST(CsvPrinters, DailyIsALinePerDayWithTheJsonsFigures) {
  const Json data = {{"daily", {day("2026-03-01", 10, 1.5), day("2026-03-02", 20, 0.125)}}, {"totals", Json::object()}};
  EXPECT_EQ(csv_of(csv_daily, data),
            "date,modelsUsed,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,totalTokens,totalCost\n"
            "2026-03-01,claude-opus-4-20250514;claude-sonnet-4-20250514,10,2,3,4,19,1.5\n"
            "2026-03-02,claude-opus-4-20250514;claude-sonnet-4-20250514,20,2,3,4,29,0.125\n");
}

TEST(CsvPrinters, BreakdownIsALinePerRowAndModel) {
  Json month = day("", 10, 1.5);
  month.erase("date");
  month["month"] = "2026-03";
  const Json data = {{"monthly", {month}}, {"totals", Json::object()}};
  CommandArgs args;
  args.breakdown = true;
  EXPECT_EQ(csv_of(csv_monthly, data, args),
            "month,model,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,totalTokens,totalCost\n"
            "2026-03,claude-opus-4-20250514,9,2,3,0,14,1.25\n"
            "2026-03,claude-sonnet-4-20250514,1,0,0,4,5,0.25\n");
}

TEST(CsvPrinters, InstancesAddTheProjectColumn) {
  Json a = day("2026-03-01", 10, 1.5);
  a["project"] = "-home-ana-api";
  Json b = day("2026-03-01", 20, 2);
  b["project"] = "-home-ana-web,v2";
  const Json data = {{"projects", {{"-home-ana-api", {a}}, {"-home-ana-web,v2", {b}}}}, {"totals", Json::object()}};
  EXPECT_EQ(csv_of(csv_daily, data),
            "date,project,modelsUsed,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,totalTokens,totalCost\n"
            "2026-03-01,-home-ana-api,claude-opus-4-20250514;claude-sonnet-4-20250514,10,2,3,4,19,1.5\n"
            "2026-03-01,\"-home-ana-web,v2\",claude-opus-4-20250514;claude-sonnet-4-20250514,20,2,3,4,29,2.0\n");
}

TEST(CsvPrinters, SessionsAndOneSessionsEntries) {
  Json session = day("", 10, 1.5);
  session.erase("date");
  session["sessionId"] = "s1";
  session["projectPath"] = "-home-ana-api";
  session["lastActivity"] = "2026-03-01";
  EXPECT_EQ(csv_of(csv_session, Json{{"sessions", {session}}}),
            "sessionId,projectPath,lastActivity,modelsUsed,inputTokens,outputTokens,cacheCreationTokens,"
            "cacheReadTokens,totalTokens,totalCost\n"
            "s1,-home-ana-api,2026-03-01,claude-opus-4-20250514;claude-sonnet-4-20250514,10,2,3,4,19,1.5\n");
  CommandArgs args;
  args.session_id = "s1";
  const Json entries = {{"sessionId", "s1"},
                        {"entries",
                         {{{"timestamp", "2026-03-01T10:00:00.000Z"},
                           {"model", "claude-opus-4-20250514"},
                           {"inputTokens", 1},
                           {"outputTokens", 2},
                           {"cacheCreationTokens", 3},
                           {"cacheReadTokens", 4},
                           {"costUSD", 0}}}}};
  EXPECT_EQ(csv_of(csv_session, entries, args),
            "timestamp,model,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,costUSD\n"
            "2026-03-01T10:00:00.000Z,claude-opus-4-20250514,1,2,3,4,0\n");
  EXPECT_EQ(csv_of(csv_session, Json(nullptr), args),
            "timestamp,model,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,costUSD\n");
}

TEST(CsvPrinters, BlocksFlattenTheirTokenCounts) {
  const Json block = {{"id", "2026-03-01T10:00:00.000Z"},
                      {"startTime", "2026-03-01T10:00:00.000Z"},
                      {"endTime", "2026-03-01T15:00:00.000Z"},
                      {"actualEndTime", nullptr},
                      {"isActive", false},
                      {"isGap", true},
                      {"entries", 0},
                      {"tokenCounts",
                       {{"inputTokens", 1},
                        {"outputTokens", 2},
                        {"cacheCreationInputTokens", 3},
                        {"cacheReadInputTokens", 4}}},
                      {"totalTokens", 10},
                      {"costUSD", 0.5},
                      {"models", Json::array()}};
  EXPECT_EQ(csv_of(csv_blocks, Json{{"blocks", {block}}}),
            "id,startTime,endTime,actualEndTime,isActive,isGap,entries,inputTokens,outputTokens,"
            "cacheCreationInputTokens,cacheReadInputTokens,totalTokens,costUSD,models\n"
            "2026-03-01T10:00:00.000Z,2026-03-01T10:00:00.000Z,2026-03-01T15:00:00.000Z,,false,true,0,1,2,3,4,10,0.5,\n");
}

}  // namespace
}  // namespace cu::ctl
