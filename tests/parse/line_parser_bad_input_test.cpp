// LineParser on bad input: every kind is a counted skip with its reason (or a harmless parse),
// never a crash, an exception or a partial result.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parse/line_builder.h"
#include "parse/line_parser.h"
#include "parse/padded_line.h"

namespace cu {
namespace {

using test::AssistantLine;
using test::with_member;

// The end of a long test line, where the interesting part usually is.
std::string tail_of(const std::string& text) {
  return text.size() <= 200 ? text : std::string("...").append(text, text.size() - 200);
}

class LineParserBadInputTest : public ::testing::Test {
 protected:
  // Parses `text`, expecting a skip for `reason` that appends nothing.
  void expect_skip(const std::string& text, SkipReason reason) {
    std::vector<UsageEntry> out;
    ParseOutcome outcome = test::parse_text(parser_, text, out);
    EXPECT_TRUE(outcome.skipped) << tail_of(text);
    EXPECT_EQ(to_string(outcome.reason), to_string(reason)) << tail_of(text);
    EXPECT_EQ(outcome.entries, 0u);
    EXPECT_TRUE(out.empty());
  }
  void expect_bad_usage_count(const std::string& value) {
    AssistantLine line;
    line.usage = with_member(line.usage, "cache_read_input_tokens",
                             "\"cache_read_input_tokens\":" + value);
    expect_skip(line.str(), SkipReason::kBadUsage);
  }
  std::size_t entries_of(const std::string& text) {
    std::vector<UsageEntry> out;
    ParseOutcome outcome = test::parse_text(parser_, text, out);
    EXPECT_FALSE(outcome.skipped) << to_string(outcome.reason);
    return out.size();
  }

  LineParser parser_;
};

// A cut line is invalid JSON, except that a cut before the usage member that happens to end in
// '}' is not parsed at all (no `"usage"` marker): it yields nothing either way.
TEST_F(LineParserBadInputTest, EveryTruncationYieldsNothing) {
  const std::string full = AssistantLine{}.str();
  std::size_t unparsed = 0;
  for (std::size_t length = 1; length < full.size(); ++length) {
    const std::string cut = full.substr(0, length);
    const std::size_t last = cut.find_last_not_of(' ');
    if (cut[last] == '}' && cut.find("\"usage\"") == std::string::npos) {
      EXPECT_EQ(entries_of(cut), 0u);
      ++unparsed;
    } else {
      expect_skip(cut, SkipReason::kInvalidJson);
    }
  }
  EXPECT_LE(unparsed, 3u);
}

TEST_F(LineParserBadInputTest, Garbage) {
  for (const std::string text :
       {"hello", "[1,2,3]", "\"usage\"", "42", "{", "}", "null", "{\"usage\":}", "{\"usage\" 1}",
        "{,\"usage\":1}", "{\"usage\":[1,2}", "{\"usage\":\"unterminated}", "\x01\x02{\"usage\"}",
        "{\"message\":{\"usage\":{\"input_tokens\":1,}}}", "{\"message\":{\"id\":\"\\q\",\"usage\":1}}"}) {
    expect_skip(text, SkipReason::kInvalidJson);
  }
}

// On-Demand does not validate the inside of members it skips; broken JSON there is harmless
// because nothing is read from it.
TEST_F(LineParserBadInputTest, GarbageInsideMembersNotReadIsHarmless) {
  for (const std::string text : {"{\"usage\":{\"a\":1,}}", "{\"usage\":tru}", "{\"a\":\"\\q\",\"usage\":1}"}) {
    EXPECT_EQ(entries_of(text), 0u) << text;
  }
}

TEST_F(LineParserBadInputTest, ContentAfterTheObject) {
  const std::string line = AssistantLine{}.str();
  expect_skip(line + " " + line, SkipReason::kInvalidJson);
  expect_skip(line + "}", SkipReason::kInvalidJson);
  expect_skip(line + "{}", SkipReason::kInvalidJson);
}

TEST_F(LineParserBadInputTest, InvalidUtf8) {
  for (const std::string bytes : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                  "\xe2\x82", "\x80"}) {
    const std::string without_usage = R"({"type":"user","text":")" + bytes + R"("})";
    expect_skip(without_usage, SkipReason::kInvalidUtf8);
    AssistantLine line;
    line.top = with_member(line.top, "cwd", "\"cwd\":\"/x" + bytes + "\"");
    expect_skip(line.str(), SkipReason::kInvalidUtf8);
    line = AssistantLine{};
    line.message = with_member(line.message, "content", "\"content\":\"" + bytes + "\"");
    expect_skip(line.str(), SkipReason::kInvalidUtf8);
  }
}

TEST_F(LineParserBadInputTest, WrongCountTypes) {
  for (const std::string value : {"-1", "1.5", "\"5\"", "true", "[]", "{}", "-0.5", "0.15e1",
                                  "9223372036854775808", "18446744073709551616",
                                  "123456789012345678901234567890", "1e300", "12a", "tru", "nul"}) {
    expect_bad_usage_count(value);
  }
}

TEST_F(LineParserBadInputTest, RequiredCountsMissingOrNull) {
  AssistantLine line;
  line.usage = with_member(line.usage, "input_tokens", "");
  expect_skip(line.str(), SkipReason::kBadUsage);
  line = AssistantLine{};
  line.usage = with_member(line.usage, "output_tokens", R"("output_tokens":null)");
  expect_skip(line.str(), SkipReason::kBadUsage);
  line.usage = {};
  expect_skip(line.str(), SkipReason::kBadUsage);
}

TEST_F(LineParserBadInputTest, UsageOrSplitOfWrongType) {
  AssistantLine line;
  line.message = with_member(line.message, "usage", R"("usage":"lots")");
  expect_skip(line.str(), SkipReason::kBadUsage);
  line.message = with_member(line.message, "usage", R"("usage":[1])");
  expect_skip(line.str(), SkipReason::kBadUsage);
  line = AssistantLine{};
  line.usage = with_member(line.usage, "cache_creation", R"("cache_creation":5)");
  expect_skip(line.str(), SkipReason::kBadUsage);
  line.usage = with_member(line.usage, "cache_creation",
                           R"("cache_creation":{"ephemeral_5m_input_tokens":"1"})");
  expect_skip(line.str(), SkipReason::kBadUsage);
}

TEST_F(LineParserBadInputTest, SplitSumOverflow) {
  AssistantLine line;
  line.usage = with_member(line.usage, "cache_creation",
                           R"("cache_creation":{"ephemeral_5m_input_tokens":9223372036854775807,)"
                           R"("ephemeral_1h_input_tokens":1})");
  expect_skip(line.str(), SkipReason::kBadUsage);
}

TEST_F(LineParserBadInputTest, BadProgressUsage) {
  expect_skip(R"({"type":"progress","data":{"message":{"timestamp":"2026-01-24T23:59:06.354Z",)"
              R"("message":{"usage":{"input_tokens":-1,"output_tokens":0}}}}})",
              SkipReason::kBadUsage);
}

TEST_F(LineParserBadInputTest, BadTimestamps) {
  for (const std::string& member : {std::string(), std::string(R"("timestamp":null)"),
                                   std::string(R"("timestamp":1753659721481)"),
                                   std::string(R"("timestamp":"yesterday")"),
                                   std::string(R"("timestamp":"2025-02-30T00:00:00Z")"),
                                   std::string(R"("timestamp":"")")}) {
    AssistantLine line;
    line.top = with_member(line.top, "timestamp", member);
    expect_skip(line.str(), SkipReason::kBadTimestamp);
  }
  expect_skip(R"({"type":"progress","timestamp":"2026-01-24T23:59:06.354Z","data":{"message":{)"
              R"("message":{"usage":{"input_tokens":1,"output_tokens":0}}}}})",
              SkipReason::kBadTimestamp);
}

TEST_F(LineParserBadInputTest, TooLarge) {
  std::string huge(LineParser::kMaxLineBytes + 1, ' ');
  huge.front() = '{';
  huge.back() = '}';
  expect_skip(huge, SkipReason::kTooLarge);
}

TEST_F(LineParserBadInputTest, TenMegabyteLineWithUsageAtTheEnd) {
  AssistantLine line;
  std::string content = "\"content\":[{\"type\":\"text\",\"text\":\"";
  for (int i = 0; content.size() < (10u << 20); ++i) content += "tool output line \\\"usage\\\" \\n";
  content += "\"}]";
  line.message = with_member(line.message, "content", content);
  line.message = test::rotated(line.message, 0);
  EXPECT_EQ(entries_of(line.str()), 1u);
  EXPECT_EQ(entries_of(AssistantLine{}.str()), 1u);  // the parser still works afterwards
}

TEST_F(LineParserBadInputTest, DeepNestingInMembersNotRead) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  AssistantLine line;
  line.top.push_back("\"toolUseResult\":" + deep);
  line.message = with_member(line.message, "content", "\"content\":" + deep);
  line.usage.push_back("\"server_tool_use\":" + deep);
  EXPECT_EQ(entries_of(line.str()), 1u);
}

TEST_F(LineParserBadInputTest, DeepNestingWhereMembersAreRead) {
  std::string nested_objects;
  for (int i = 0; i < 5000; ++i) nested_objects += "{\"message\":";
  nested_objects += '1';
  nested_objects.append(5000, '}');
  AssistantLine line;
  line.top.push_back("\"data\":" + nested_objects);
  const std::string deep_array = std::string(5000, '[') + std::string(5000, ']');
  line.usage.push_back("\"iterations\":" + deep_array);
  line.message = with_member(line.message, "id", "\"id\":" + nested_objects);
  // Nothing of this nesting is an entry; the line's own entry survives, with no message id.
  std::vector<UsageEntry> out;
  ParseOutcome outcome = test::parse_text(parser_, line.str(), out);
  EXPECT_FALSE(outcome.skipped) << to_string(outcome.reason);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].message_id, "");
}

TEST_F(LineParserBadInputTest, UnbalancedDeepNesting) {
  const std::string open_arrays(100000, '['), open_objects(100000, '{');
  expect_skip("{\"usage\":" + open_arrays + "}", SkipReason::kInvalidJson);
  expect_skip("{\"usage\":" + open_objects + "}", SkipReason::kInvalidJson);
}

TEST_F(LineParserBadInputTest, HugeNumbersInMembersNotRead) {
  AssistantLine line;
  line.top.push_back(R"("big":123456789012345678901234567890123456789)");
  line.usage.push_back(R"("web_search_requests":1e999999)");
  EXPECT_EQ(entries_of(line.str()), 1u);
}

TEST_F(LineParserBadInputTest, FastPathDoesNotJudgeStructure) {
  // Without the marker a line is not parsed, so broken JSON that still looks like an object is
  // no skip: it could not have carried usage anyway.
  EXPECT_EQ(entries_of("{not json}"), 0u);
}

// JSON forbids raw control characters in strings; simdjson finds them in the whole line.
TEST_F(LineParserBadInputTest, ControlCharactersInStrings) {
  AssistantLine line;
  line.top = with_member(line.top, "cwd", "\"cwd\":\"/a\x01\"");
  expect_skip(line.str(), SkipReason::kInvalidJson);
  line = AssistantLine{};
  line.message = with_member(line.message, "content", "\"content\":\"tab\there\"");
  expect_skip(line.str(), SkipReason::kInvalidJson);
}

}  // namespace
}  // namespace cu

namespace cu {
namespace {

// Regression (fuzzing): counts just below 2^63 were accepted and overflowed the daily sums.
TEST(LineParserLimitsTest, CountsAbove2To53AreBadUsage) {
  LineParser parser;
  std::vector<UsageEntry> out;
  for (const char* count : {"9007199254740993", "9223372036854775807", "1e300"}) {
    std::string line = std::string(R"({"timestamp":"2026-02-01T10:00:00.000Z","message":{"id":"m","usage":{"input_tokens":)") +
                       count + R"(,"output_tokens":1}}})";
    line.append(LineParser::kPadding, ' ');
    const auto outcome = parser.parse(std::string_view(line).substr(0, line.size() - LineParser::kPadding), out);
    EXPECT_TRUE(outcome.skipped) << count;
    EXPECT_EQ(outcome.reason, SkipReason::kBadUsage) << count;
  }
  std::string ok = R"({"timestamp":"2026-02-01T10:00:00.000Z","message":{"id":"m","usage":{"input_tokens":9007199254740992,"output_tokens":1}}})";
  ok.append(LineParser::kPadding, ' ');
  EXPECT_FALSE(parser.parse(std::string_view(ok).substr(0, ok.size() - LineParser::kPadding), out).skipped);
}

}  // namespace
}  // namespace cu
