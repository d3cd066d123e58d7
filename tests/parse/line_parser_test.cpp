// LineParser on well-formed lines: each kind of entry, member order, optional members.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parse/line_parser.h"
#include "parse/line_builder.h"
#include "parse/padded_line.h"

namespace cu {
namespace {

using test::AssistantLine;
using test::Members;
using test::with_member;

constexpr std::int64_t kLineTime = 1753659721481;  // 2025-07-27T23:42:01.481Z

UsageEntry expected_assistant_entry() {
  UsageEntry entry;
  entry.message_id = "msg_01KmLbPCkLthLH3h8zZ7zkmE";
  entry.request_id = "req_011CRYQgg9dVQPZPS5ZRdC79";
  entry.model = "claude-opus-4-20250514";
  entry.timestamp_ms = kLineTime;
  entry.tokens = {.input = 3, .output = 157, .cache_creation = 1010, .cache_read = 13926,
                  .has_cache_split = true, .cache_creation_5m = 1000, .cache_creation_1h = 10};
  entry.speed = Speed::kStandard;
  entry.is_sidechain = true;
  entry.cwd = "/Users/brad/Desktop";
  return entry;
}

class LineParserTest : public ::testing::Test {
 protected:
  // Parses `text`, expecting it not to be skipped; returns the entries it yields.
  std::vector<UsageEntry> entries_of(const std::string& text) {
    std::vector<UsageEntry> out;
    ParseOutcome outcome = test::parse_text(parser_, text, out);
    EXPECT_FALSE(outcome.skipped) << to_string(outcome.reason) << " for " << text;
    EXPECT_EQ(outcome.entries, out.size());
    return out;
  }
  UsageEntry single_entry_of(const std::string& text) {
    std::vector<UsageEntry> out = entries_of(text);
    EXPECT_EQ(out.size(), 1u) << text;
    return out.empty() ? UsageEntry{} : out.front();
  }

  LineParser parser_;
};

TEST_F(LineParserTest, AssistantLineYieldsOneEntry) {
  EXPECT_EQ(single_entry_of(AssistantLine{}.str()), expected_assistant_entry());
}

TEST_F(LineParserTest, AppendsAfterExistingEntries) {
  std::vector<UsageEntry> out(2);
  ParseOutcome outcome = test::parse_text(parser_, AssistantLine{}.str(), out);
  EXPECT_EQ(outcome.entries, 1u);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2], expected_assistant_entry());
}

TEST_F(LineParserTest, MemberOrderDoesNotMatter) {
  for (std::size_t shift = 0; shift < 11; ++shift) {
    AssistantLine line;
    line.top = test::rotated(line.top, shift);
    line.message = test::rotated(line.message, shift);
    line.usage = shift % 2 ? test::reversed(line.usage) : test::rotated(line.usage, shift);
    EXPECT_EQ(single_entry_of(line.str()), expected_assistant_entry()) << line.str();
  }
}

TEST_F(LineParserTest, SplitIsSummedWhenPresent) {
  AssistantLine line;
  line.usage = with_member(line.usage, "cache_creation",
                           R"("cache_creation":{"ephemeral_5m_input_tokens":7,"ephemeral_1h_input_tokens":5})");
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_TRUE(entry.tokens.has_cache_split);
  EXPECT_EQ(entry.tokens.cache_creation_5m, 7);
  EXPECT_EQ(entry.tokens.cache_creation_1h, 5);
  EXPECT_EQ(entry.tokens.cache_creation, 12);
}

TEST_F(LineParserTest, WithoutSplitCacheCreationIsTheFlatCount) {
  AssistantLine line;
  line.usage = with_member(line.usage, "cache_creation", "");
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_FALSE(entry.tokens.has_cache_split);
  EXPECT_EQ(entry.tokens.cache_creation, 1010);
  EXPECT_EQ(entry.tokens.cache_creation_5m, 0);
}

TEST_F(LineParserTest, Speed) {
  AssistantLine line;
  line.usage = with_member(line.usage, "speed", R"("speed":"fast")");
  EXPECT_EQ(single_entry_of(line.str()).speed, Speed::kFast);
  line.usage = with_member(line.usage, "speed", R"("speed":"turbo")");
  EXPECT_EQ(single_entry_of(line.str()).speed, Speed::kUnset);
  line.usage = with_member(line.usage, "speed", R"("speed":null)");
  EXPECT_EQ(single_entry_of(line.str()).speed, Speed::kUnset);
  line.usage = with_member(line.usage, "speed", "");
  EXPECT_EQ(single_entry_of(line.str()).speed, Speed::kUnset);
}

TEST_F(LineParserTest, LoggedCost) {
  AssistantLine line;
  line.top = with_member(line.top, "costUSD", R"("costUSD":0.0123)");
  EXPECT_EQ(single_entry_of(line.str()).logged_cost_usd, 0.0123);
  line.top = with_member(line.top, "costUSD", R"("costUSD":2)");
  EXPECT_EQ(single_entry_of(line.str()).logged_cost_usd, 2.0);
  line.top = with_member(line.top, "costUSD", R"("costUSD":null)");
  EXPECT_EQ(single_entry_of(line.str()).logged_cost_usd, std::nullopt);
}

TEST_F(LineParserTest, MissingIdentityMembersAreEmpty) {
  AssistantLine line;
  line.message = with_member(line.message, "id", "");
  line.message = with_member(line.message, "model", "");
  line.top = with_member(line.top, "requestId", "");
  line.top = with_member(line.top, "cwd", "");
  line.top = with_member(line.top, "isSidechain", "");
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_EQ(entry.message_id, "");
  EXPECT_EQ(entry.model, "");
  EXPECT_EQ(entry.request_id, "");
  EXPECT_EQ(entry.cwd, "");
  EXPECT_FALSE(entry.is_sidechain);
  EXPECT_EQ(entry.tokens, expected_assistant_entry().tokens);
}

TEST_F(LineParserTest, WrongTypedIdentityMembersCountAsMissing) {
  AssistantLine line;
  line.message = with_member(line.message, "id", R"("id":12)");
  line.message = with_member(line.message, "model", R"("model":null)");
  line.top = with_member(line.top, "requestId", R"("requestId":["req"])");
  line.top = with_member(line.top, "cwd", R"("cwd":{"path":"/x"})");
  line.top = with_member(line.top, "isSidechain", R"("isSidechain":"yes")");
  line.top = with_member(line.top, "costUSD", R"("costUSD":"0.5")");
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_EQ(entry.message_id, "");
  EXPECT_EQ(entry.model, "");
  EXPECT_EQ(entry.request_id, "");
  EXPECT_EQ(entry.cwd, "");
  EXPECT_FALSE(entry.is_sidechain);
  EXPECT_EQ(entry.logged_cost_usd, std::nullopt);
}

TEST_F(LineParserTest, EscapedStringsAreUnescaped) {
  AssistantLine line;
  line.top = with_member(line.top, "cwd", R"("cwd":"/home/ana/caf\u00e9 \"x\"")");
  EXPECT_EQ(single_entry_of(line.str()).cwd, "/home/ana/caf\xc3\xa9 \"x\"");
}

TEST_F(LineParserTest, OptionalCountsDefaultToZeroAndNullIsZero) {
  AssistantLine line;
  line.usage = {R"("input_tokens":4)", R"("output_tokens":5)", R"("cache_read_input_tokens":null)"};
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_EQ(entry.tokens, (TokenCounts{.input = 4, .output = 5}));
}

TEST_F(LineParserTest, NullInSplitCountsIsZero) {
  AssistantLine line;
  line.usage = with_member(line.usage, "cache_creation",
                           R"("cache_creation":{"ephemeral_5m_input_tokens":null,"ephemeral_1h_input_tokens":9})");
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_EQ(entry.tokens.cache_creation, 9);
  EXPECT_TRUE(entry.tokens.has_cache_split);
}

TEST_F(LineParserTest, IntegralFloatCountsAreAccepted) {
  AssistantLine line;
  line.usage = with_member(line.usage, "input_tokens", R"("input_tokens":5.0)");
  line.usage = with_member(line.usage, "output_tokens", R"("output_tokens":1e3)");
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_EQ(entry.tokens.input, 5);
  EXPECT_EQ(entry.tokens.output, 1000);
}

TEST_F(LineParserTest, LargeCountsUpTo2To53) {
  AssistantLine line;
  line.usage = with_member(line.usage, "cache_read_input_tokens",
                           R"("cache_read_input_tokens":9007199254740992)");
  EXPECT_EQ(single_entry_of(line.str()).tokens.cache_read, INT64_C(9007199254740992));
}

TEST_F(LineParserTest, NullInMembersNotReadIsFine) {
  AssistantLine line;
  line.top = with_member(line.top, "version", R"("version":null)");
  line.top = with_member(line.top, "sessionId", R"("sessionId":null)");
  line.message = with_member(line.message, "content", R"("content":null)");
  line.usage = with_member(line.usage, "service_tier", R"("service_tier":null)");
  EXPECT_EQ(single_entry_of(line.str()), expected_assistant_entry());
}

TEST_F(LineParserTest, WhitespaceInsideTheLine) {
  const std::string text =
      R"(  { "type" : "assistant" , "timestamp" : "2025-07-27T23:42:01.481Z" ,)"
      R"( "message" : { "id" : "msg_1" , "usage" : { "input_tokens" : 1 ,)"
      "\t\"output_tokens\"\t:\t2 } } }  \r";
  UsageEntry entry = single_entry_of(text);
  EXPECT_EQ(entry.message_id, "msg_1");
  EXPECT_EQ(entry.tokens, (TokenCounts{.input = 1, .output = 2}));
}

TEST_F(LineParserTest, AnyTypeWithMessageUsageCounts) {
  AssistantLine line;
  line.top = with_member(line.top, "type", R"("type":"some_future_type")");
  EXPECT_EQ(single_entry_of(line.str()), expected_assistant_entry());
}

TEST_F(LineParserTest, DuplicateMembersCountWithTheirLastValue) {
  AssistantLine line;
  line.usage.push_back(R"("output_tokens":999)");
  line.top.push_back(R"("requestId":"req_second")");
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_EQ(entry.tokens.output, 999);
  EXPECT_EQ(entry.request_id, "req_second");
}

TEST_F(LineParserTest, DuplicateMessageReplacesTheFirst) {
  AssistantLine line;
  line.top.push_back(R"("message":{"id":"msg_other","content":"hi"})");
  EXPECT_TRUE(entries_of(line.str()).empty());
  line.top.back() = R"("message":{"id":"msg_other","usage":{"input_tokens":1,"output_tokens":1}})";
  UsageEntry entry = single_entry_of(line.str());
  EXPECT_EQ(entry.message_id, "msg_other");
  EXPECT_EQ(entry.model, "");
}

TEST_F(LineParserTest, SyntheticLine) {
  const std::string text =
      R"({"parentUuid":"2178cbb5","isSidechain":false,"cwd":"/home/user/app","type":"assistant",)"
      R"("timestamp":"2026-03-04T08:50:58.592Z","message":{"id":"5ab4060e-9f7d-4790-a2a9-32d655fe244f",)"
      R"("container":null,"model":"<synthetic>","role":"assistant","stop_reason":"stop_sequence",)"
      R"("type":"message","usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,)"
      R"("cache_read_input_tokens":0,"server_tool_use":{"web_search_requests":0},"service_tier":null,)"
      R"("cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0}},)"
      R"("content":[{"type":"text","text":"No response requested."}]},"isApiErrorMessage":false})";
  UsageEntry entry = single_entry_of(text);
  EXPECT_EQ(entry.model, kSyntheticModel);
  EXPECT_EQ(entry.message_id, "5ab4060e-9f7d-4790-a2a9-32d655fe244f");
  EXPECT_EQ(entry.request_id, "");
  EXPECT_EQ(entry.tokens.total(), 0);
  EXPECT_TRUE(entry.tokens.has_cache_split);
}

std::string progress_line(const std::string& envelope_extra) {
  return R"({"parentUuid":"76b2e6ed","isSidechain":false,"cwd":"/home/gastown/boot",)"
         R"("sessionId":"ad86e664","version":"2.1.19","type":"progress","data":{"message":{)"
         R"("type":"assistant","timestamp":"2026-01-24T23:59:06.354Z",)" +
         envelope_extra +
         R"("message":{"model":"claude-haiku-4-5-20251001","id":"msg_01MiokoAJuQnP1wM9AN2CEb1",)"
         R"("type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_01",)"
         R"("name":"Bash","input":{"command":"ls"}}],"stop_reason":null,"usage":{"input_tokens":2,)"
         R"("cache_creation_input_tokens":421,"cache_read_input_tokens":9839,"cache_creation":)"
         R"({"ephemeral_5m_input_tokens":421,"ephemeral_1h_input_tokens":0},"output_tokens":1,)"
         R"("service_tier":"standard"},"context_management":null},"requestId":"req_011CXT7Q4665",)"
         R"("uuid":"70da8fde"},"normalizedMessages":[],"type":"agent_progress","agentId":"a6c1a40"},)"
         R"("toolUseID":"agent_msg_01","uuid":"db106e5a","timestamp":"2026-01-24T23:59:07.000Z"})";
}

TEST_F(LineParserTest, SubagentProgressLine) {
  UsageEntry entry = single_entry_of(progress_line(R"("isSidechain":true,)"));
  EXPECT_EQ(entry.message_id, "msg_01MiokoAJuQnP1wM9AN2CEb1");
  EXPECT_EQ(entry.request_id, "req_011CXT7Q4665");
  EXPECT_EQ(entry.model, "claude-haiku-4-5-20251001");
  EXPECT_EQ(entry.timestamp_ms, 1769299146354);  // data.message's, not the line's
  EXPECT_EQ(entry.tokens, (TokenCounts{.input = 2, .output = 1, .cache_creation = 421,
                                       .cache_read = 9839, .has_cache_split = true,
                                       .cache_creation_5m = 421}));
  EXPECT_TRUE(entry.is_sidechain);
  EXPECT_EQ(entry.cwd, "/home/gastown/boot");
}

TEST_F(LineParserTest, ProgressSidechainFallsBackToTopLevel) {
  EXPECT_FALSE(single_entry_of(progress_line("")).is_sidechain);
  std::string text = progress_line("");
  text.replace(text.find(R"("isSidechain":false)"), 19, R"("isSidechain":true )");
  EXPECT_TRUE(single_entry_of(text).is_sidechain);
}

TEST_F(LineParserTest, ProgressCostComesFromDataMessage) {
  EXPECT_EQ(single_entry_of(progress_line(R"("costUSD":0.5,)")).logged_cost_usd, 0.5);
}

TEST_F(LineParserTest, ProgressWithoutUsageYieldsNothing) {
  EXPECT_TRUE(entries_of(R"({"type":"progress","data":{"type":"bash_progress","output":"usage"},)"
                         R"("timestamp":"2026-01-24T23:59:06.354Z"})")
                  .empty());
  EXPECT_TRUE(entries_of(R"({"type":"progress","data":{"message":{"type":"user","message":)"
                         R"({"role":"user","content":"\"usage\""}}}})")
                  .empty());
}

TEST_F(LineParserTest, LinesWithoutUsageYieldNothing) {
  EXPECT_TRUE(entries_of(R"({"type":"summary","summary":"Fix the build","leafUuid":"x"})").empty());
  EXPECT_TRUE(entries_of(R"({"type":"user","message":{"role":"user","content":"what is \"usage\"?"}})").empty());
  EXPECT_TRUE(entries_of(R"({"type":"user","message":"plain","toolUseResult":{"usage":{"input_tokens":5,)"
                         R"("output_tokens":6}},"timestamp":"2025-07-27T23:42:01.481Z"})")
                  .empty());
  EXPECT_TRUE(entries_of(R"({"type":"assistant","message":{"usage":null},"timestamp":"x"})").empty());
  EXPECT_TRUE(entries_of(R"({"usage":{"input_tokens":1,"output_tokens":1}})").empty());
  EXPECT_TRUE(entries_of("{}").empty());
}

TEST_F(LineParserTest, EmptyAndWhitespaceLinesAreIgnored) {
  EXPECT_TRUE(entries_of("").empty());
  EXPECT_TRUE(entries_of("   \t \r").empty());
}

// Advisor iterations: two advisor items among "message" items, in various member orders.
std::string advisor_line(const std::string& message_id_member) {
  return R"({"type":"assistant","requestId":"req_A","isSidechain":false,"cwd":"/w",)"
         R"("timestamp":"2026-07-15T08:17:37.172Z","message":{)" +
         message_id_member +
         R"("model":"claude-sonnet-5","usage":{"input_tokens":10,"output_tokens":20,)"
         R"("cache_read_input_tokens":30,"iterations":[)"
         R"({"input_tokens":10,"output_tokens":20,"type":"message"},)"
         R"({"type":"advisor_message","model":"claude-opus-5","input_tokens":100,"output_tokens":7,)"
         R"("cache_read_input_tokens":50,"cache_creation":{"ephemeral_5m_input_tokens":3,)"
         R"("ephemeral_1h_input_tokens":4},"cache_creation_input_tokens":7},)"
         R"({"type":"advisor_message","input_tokens":1,"output_tokens":2,"model":""},)"
         R"({"output_tokens":9,"speed":"fast","model":"claude-fable-5","input_tokens":8,)"
         R"("type":"advisor_message"},)"
         R"({"type":"message","model":null,"input_tokens":0,"output_tokens":0}]},"costUSD":1.5}})";
}

TEST_F(LineParserTest, AdvisorIterationsAreExtraEntries) {
  std::vector<UsageEntry> out = entries_of(advisor_line(R"("id":"msg_A",)"));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].message_id, "msg_A");
  EXPECT_EQ(out[0].model, "claude-sonnet-5");
  EXPECT_EQ(out[0].tokens, (TokenCounts{.input = 10, .output = 20, .cache_read = 30}));

  EXPECT_EQ(out[1].message_id, "msg_A:advisor:0");
  EXPECT_EQ(out[1].model, "claude-opus-5");
  EXPECT_EQ(out[1].tokens, (TokenCounts{.input = 100, .output = 7, .cache_creation = 7,
                                        .cache_read = 50, .has_cache_split = true,
                                        .cache_creation_5m = 3, .cache_creation_1h = 4}));
  EXPECT_EQ(out[1].logged_cost_usd, std::nullopt);
  EXPECT_EQ(out[1].speed, Speed::kUnset);

  // The advisor item without a model is not an entry and takes no number.
  EXPECT_EQ(out[2].message_id, "msg_A:advisor:1");
  EXPECT_EQ(out[2].model, "claude-fable-5");
  EXPECT_EQ(out[2].tokens, (TokenCounts{.input = 8, .output = 9}));
  EXPECT_EQ(out[2].speed, Speed::kFast);
  for (const UsageEntry& entry : out) {
    EXPECT_EQ(entry.request_id, "req_A");
    EXPECT_EQ(entry.timestamp_ms, out[0].timestamp_ms);
    EXPECT_EQ(entry.cwd, "/w");
    EXPECT_FALSE(entry.is_sidechain);
  }
}

TEST_F(LineParserTest, AdvisorEntriesWithoutMessageIdHaveNoId) {
  std::vector<UsageEntry> out = entries_of(advisor_line(""));
  ASSERT_EQ(out.size(), 3u);
  for (const UsageEntry& entry : out) EXPECT_EQ(entry.message_id, "");
}

TEST_F(LineParserTest, UnusableIterationDropsAdvisorEntriesOnly) {
  std::string text = advisor_line(R"("id":"msg_A",)");
  text.replace(text.find(R"("output_tokens":9)"), 17, R"("output_tokens":-9)");
  std::vector<UsageEntry> out = entries_of(text);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].message_id, "msg_A");
}

TEST_F(LineParserTest, IterationsThatAreNotAnArrayGiveNoAdvisors) {
  AssistantLine line;
  line.usage.push_back(R"("iterations":{"type":"advisor_message"})");
  EXPECT_EQ(single_entry_of(line.str()), expected_assistant_entry());
  line.usage.back() = R"("iterations":[])";
  EXPECT_EQ(single_entry_of(line.str()), expected_assistant_entry());
}

TEST_F(LineParserTest, AdvisorOnProgressLine) {
  std::string text = progress_line("");
  text.replace(text.find(R"("service_tier":"standard")"), 25,
               R"("iterations":[{"type":"advisor_message","model":"claude-opus-5","input_tokens":1,)"
               R"("output_tokens":2}])");
  std::vector<UsageEntry> out = entries_of(text);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].message_id, "msg_01MiokoAJuQnP1wM9AN2CEb1:advisor:0");
  EXPECT_EQ(out[1].timestamp_ms, 1769299146354);
}

TEST_F(LineParserTest, StateDoesNotLeakBetweenLines) {
  std::vector<UsageEntry> out;
  test::parse_text(parser_, advisor_line(R"("id":"msg_A",)"), out);
  test::parse_text(parser_, progress_line(R"("isSidechain":true,)"), out);
  UsageEntry plain = single_entry_of(
      R"({"timestamp":"2025-07-27T23:42:01.481Z","message":{"usage":{"input_tokens":1,"output_tokens":1}}})");
  EXPECT_EQ(plain.message_id, "");
  EXPECT_EQ(plain.request_id, "");
  EXPECT_EQ(plain.cwd, "");
  EXPECT_FALSE(plain.is_sidechain);
  EXPECT_EQ(plain.logged_cost_usd, std::nullopt);
}

TEST(SkipReason, NamesAreDistinct) {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < kSkipReasonCount; ++i) {
    names.push_back(to_string(static_cast<SkipReason>(i)));
    EXPECT_NE(names.back(), "unknown");
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace
}  // namespace cu
