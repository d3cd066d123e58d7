// Reuse of data-only answers between commits (command_registry.h, ResponseCache).
#include <gtest/gtest.h>

#include "core/time.h"
#include "ctl/command_registry.h"
#include "ctl/protocol.h"
#include "event_report_source.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

// Counts the reads of the daily rows and of the blocks' events behind the answers.
class CountingSource : public test::EventReportSource {
 public:
  CountingSource()
      : EventReportSource({test::make_event(1, "-home-ana-api", "s1", "2026-02-01T10:00:00.000Z", "claude-sonnet-4-20250514", 100, 5),
                           test::make_event(2, "-home-ana-api", "s1", "2026-02-02T10:00:00.000Z", "claude-sonnet-4-20250514", 200, 7),
                           test::make_event(3, "-home-ana-api", "s1", "2026-02-02T10:30:00.000Z", "claude-sonnet-4-20250514", 300, 9)}) {}
  std::vector<DailySummaryRow> daily(const ReportFilter& filter) override {
    ++daily_reads;
    return EventReportSource::daily(filter);
  }
  std::vector<UsageBlock> blocks(const ReportFilter& filter, std::int64_t now_ms) override {
    ++blocks_reads;
    return EventReportSource::blocks(filter, now_ms);
  }
  int daily_reads = 0;
  int blocks_reads = 0;
};

std::int64_t at(const char* iso) {
  std::int64_t ms = 0;
  EXPECT_TRUE(parse_timestamp_ms(iso, ms)) << iso;
  return ms;
}

class ResponseCacheTest : public ::testing::Test {
 protected:
  ResponseCacheTest() {
    hooks_.now_ms = [this] { return now_ms_; };
    hooks_.data_generation = [this] { return generation_; };
  }
  std::string ask(const std::string& cmd, const Json& args = Json::object()) {
    return handle_request_line(encode_request(cmd, args), source_, hooks_, &cache_);
  }

  CountingSource source_;
  ControlHooks hooks_;
  ResponseCache cache_;
  std::uint64_t generation_ = 1;
  std::int64_t now_ms_ = test::kHistoryNowMs;
};

// The last block of the history: 10:00 to 15:00 on 2026-02-02, events at 10:00 and 10:30.
Json last_block(const std::string& response) { return parse_response(response).data.at("blocks").back(); }

TEST_F(ResponseCacheTest, ARepeatedReportIsAnsweredAgainUntilTheDataChanges) {
  const std::string first = ask("daily");
  EXPECT_TRUE(parse_response(first).ok);
  EXPECT_EQ(ask("daily"), first);
  EXPECT_EQ(source_.daily_reads, 1);
  generation_ = 2;  // a commit
  EXPECT_EQ(ask("daily"), first);
  EXPECT_EQ(source_.daily_reads, 2);
}

TEST_F(ResponseCacheTest, OtherArgumentsAreOtherAnswers) {
  const std::string all = ask("daily");
  const std::string since = ask("daily", {{"since", "20260202"}});
  EXPECT_NE(all, since);
  EXPECT_EQ(parse_response(since).data.at("daily").size(), 1u);
  EXPECT_EQ(source_.daily_reads, 2);
}

TEST_F(ResponseCacheTest, ReportsThatReadTheClockAreNeverReused) {
  ask("daily", {{"last", 1}});
  ask("daily", {{"last", 1}});
  EXPECT_EQ(source_.daily_reads, 2) << "--last depends on today";
  ask("statusline");
  EXPECT_EQ(parse_response(ask("status")).ok, false) << "no status hook here: an error, and not cached";
}

// An active block's answer holds until its projection's rounded minutes drop: 239.83 minutes
// left at 11:00:10 round to 240 until 11:00:30, then to 239.
TEST_F(ResponseCacheTest, AnActiveBlockIsReusedUntilItsProjectionMoves) {
  now_ms_ = at("2026-02-02T11:00:10.000Z");
  const std::string first = ask("blocks");
  EXPECT_EQ(last_block(first).at("projection").at("remainingMinutes"), 240);
  now_ms_ = at("2026-02-02T11:00:30.000Z");
  EXPECT_EQ(ask("blocks"), first);
  EXPECT_EQ(source_.blocks_reads, 1);
  now_ms_ += 1;
  const std::string later = ask("blocks");
  EXPECT_EQ(source_.blocks_reads, 2);
  EXPECT_EQ(last_block(later).at("projection").at("remainingMinutes"), 239);
}

TEST_F(ResponseCacheTest, AnActiveBlockIsReusedUntilItEnds) {
  now_ms_ = at("2026-02-02T14:59:59.999Z");
  EXPECT_TRUE(last_block(ask("blocks", {{"active", true}})).at("isActive").get<bool>());
  now_ms_ += 1;
  EXPECT_EQ(parse_response(ask("blocks", {{"active", true}})).data.at("blocks").size(), 0u);
  EXPECT_EQ(source_.blocks_reads, 2);
}

TEST_F(ResponseCacheTest, CompletedBlocksAreReusedUntilTheDataChanges) {
  const std::string first = ask("blocks", {{"token_limit", "max"}});
  now_ms_ += 86'400'000;
  EXPECT_EQ(ask("blocks", {{"token_limit", "max"}}), first);
  EXPECT_EQ(source_.blocks_reads, 1);
  generation_ = 2;
  ask("blocks", {{"token_limit", "max"}});
  EXPECT_EQ(source_.blocks_reads, 2);
}

TEST_F(ResponseCacheTest, RecentBlocksAreReusedUntilOneIsNoLongerRecent) {
  // Three days after the block of 2026-02-01 10:00 started, it is still recent; then it is not.
  now_ms_ = at("2026-02-04T10:00:00.000Z");
  const std::string first = ask("blocks", {{"recent", true}});
  EXPECT_EQ(parse_response(first).data.at("blocks").front().at("id"), "2026-02-01T10:00:00.000Z");
  EXPECT_EQ(ask("blocks", {{"recent", true}}), first);
  now_ms_ += 1;
  const std::string later = ask("blocks", {{"recent", true}});
  EXPECT_NE(parse_response(later).data.at("blocks").front().at("id"), "2026-02-01T10:00:00.000Z");
  EXPECT_EQ(source_.blocks_reads, 2);
}

// The P90 limit counts the completed blocks started within its window (192 hours): the answer
// holds until the block of 2026-02-01 10:00 leaves it.
TEST_F(ResponseCacheTest, TheP90LimitIsReusedUntilABlockLeavesItsWindow) {
  now_ms_ = at("2026-02-09T10:00:00.000Z");  // 192 hours after that block started
  const std::string first = ask("blocks", {{"token_limit", "p90"}});
  EXPECT_EQ(ask("blocks", {{"token_limit", "p90"}}), first);
  EXPECT_EQ(source_.blocks_reads, 1);
  now_ms_ += 1;
  ask("blocks", {{"token_limit", "p90"}});
  EXPECT_EQ(source_.blocks_reads, 2);
}

// Whatever the clock, a reused `blocks` answer is the one the daemon would build at that instant:
// over the history's blocks, their ends, the projection's minutes, --recent's and the P90's windows.
TEST_F(ResponseCacheTest, AReusedBlocksAnswerEqualsAFreshOneAtEveryInstant) {
  const Json variants[] = {Json::object(), Json{{"recent", true}}, Json{{"active", true}},
                           Json{{"token_limit", "p90"}}, Json{{"token_limit", "max"}}};
  int reused = 0;
  for (now_ms_ = at("2026-02-01T09:00:00.000Z"); now_ms_ < at("2026-02-10T12:00:00.000Z"); now_ms_ += 433'123) {
    for (const Json& args : variants) {
      const int reads = source_.blocks_reads;
      const std::string cached = ask("blocks", args);
      reused += source_.blocks_reads == reads ? 1 : 0;
      ASSERT_EQ(cached, handle_request_line(encode_request("blocks", args), source_, hooks_))
          << args.dump() << " at " << format_timestamp_ms(now_ms_);
    }
  }
  EXPECT_GT(reused, 5000);
}

TEST_F(ResponseCacheTest, WithoutAGenerationNothingIsReused) {
  hooks_.data_generation = nullptr;
  ask("daily");
  ask("daily");
  EXPECT_EQ(source_.daily_reads, 2);
}

}  // namespace
}  // namespace cu::ctl
