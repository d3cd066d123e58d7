// Reuse of data-only answers between commits (command_registry.h, ResponseCache).
#include <gtest/gtest.h>

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
                           test::make_event(2, "-home-ana-api", "s1", "2026-02-02T10:00:00.000Z", "claude-sonnet-4-20250514", 200, 7)}) {}
  std::vector<DailySummaryRow> daily(const ReportFilter& filter) override {
    ++daily_reads;
    return EventReportSource::daily(filter);
  }
  int daily_reads = 0;
};

class ResponseCacheTest : public ::testing::Test {
 protected:
  ResponseCacheTest() {
    hooks_.now_ms = [] { return test::kHistoryNowMs; };
    hooks_.data_generation = [this] { return generation_; };
  }
  std::string ask(const std::string& cmd, const Json& args = Json::object()) {
    return handle_request_line(encode_request(cmd, args), source_, hooks_, &cache_);
  }

  CountingSource source_;
  ControlHooks hooks_;
  ResponseCache cache_;
  std::uint64_t generation_ = 1;
};

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
  ask("blocks");
  EXPECT_EQ(parse_response(ask("status")).ok, false) << "no status hook here: an error, and not cached";
}

TEST_F(ResponseCacheTest, WithoutAGenerationNothingIsReused) {
  hooks_.data_generation = nullptr;
  ask("daily");
  ask("daily");
  EXPECT_EQ(source_.daily_reads, 2);
}

}  // namespace
}  // namespace cu::ctl
