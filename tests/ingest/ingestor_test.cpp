// The ingestor end to end over real files and a real SQLite store: checkpoints, partial lines,
// restarts, truncation, and replacement moving usage between days and sessions.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "ingest/backfill.h"
#include "ingest/ingestor.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

namespace fs = std::filesystem;

std::string assistant_line(const std::string& id, const std::string& request, const std::string& timestamp,
                           int output, int input = 100) {
  return fmt::format(
      R"({{"type":"assistant","cwd":"/home/ana/api","sessionId":"s","timestamp":"{}","requestId":"{}",)"
      R"("message":{{"id":"{}","model":"claude-sonnet-4-20250514","usage":{{"input_tokens":{},)"
      R"("output_tokens":{},"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})",
      timestamp, request, id, input, output) + "\n";
}

class IngestorTest : public ::testing::Test {
 protected:
  IngestorTest() : calendar_("UTC"), prices_(PriceTable::builtin()) {}

  fs::path log(const std::string& relative) { return dir_.path() / "projects" / relative; }

  // One --once pass with a fresh Ingestor, as a restarted daemon would do.
  IngestStats pass() {
    SqliteStore store(dir_.path() / "usage.db", "me@host");
    Ingestor ingestor(store, prices_, RollupSettings{&calendar_}, IngestOptions{});
    ingestor.load();
    backfill(ingestor, discover_sources({dir_.path()}));
    return ingestor.stats();
  }

  std::vector<DailySummaryRow> daily() { return SqliteStore(dir_.path() / "usage.db", "me@host").daily_summaries(); }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_;
};

TEST_F(IngestorTest, StreamedLinesCountOnceWithTheFinalOutput) {
  test::write_file(log("p/s.jsonl"), assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 1) +
                                         assistant_line("msg_1", "req_1", "2026-02-01T10:00:01.000Z", 7) +
                                         assistant_line("msg_1", "req_1", "2026-02-01T10:00:02.000Z", 90));
  const auto stats = pass();
  EXPECT_EQ(stats.entries, 3);
  const auto rows = daily();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tokens.input, 100);
  EXPECT_EQ(rows[0].tokens.output, 90);
}

TEST_F(IngestorTest, PartialLastLineWaitsForItsNewline) {
  const std::string line = assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 5);
  test::write_file(log("p/s.jsonl"), line.substr(0, 40));
  pass();
  EXPECT_TRUE(daily().empty());
  test::write_file(log("p/s.jsonl"), line);
  pass();
  pass();
  const auto rows = daily();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tokens.output, 5);
}

TEST_F(IngestorTest, RestartResumesWithoutRereading) {
  test::write_file(log("p/s.jsonl"), assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 5));
  pass();
  const auto second = pass();
  EXPECT_EQ(second.lines, 0);
  test::write_file(log("p/s.jsonl"), assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 5) +
                                         assistant_line("msg_2", "req_2", "2026-02-01T11:00:00.000Z", 6));
  const auto third = pass();
  EXPECT_EQ(third.lines, 1);
  EXPECT_EQ(daily().at(0).tokens.output, 11);
}

TEST_F(IngestorTest, TruncatedFileIsReadAgainWithoutDoubleCounting) {
  const std::string first = assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 5);
  test::write_file(log("p/s.jsonl"), first + assistant_line("msg_2", "req_2", "2026-02-01T11:00:00.000Z", 6));
  pass();
  test::write_file(log("p/s.jsonl"), first);
  const auto stats = pass();
  EXPECT_EQ(stats.restarts, 1);
  EXPECT_EQ(daily().at(0).tokens.output, 11);
}

// A better duplicate in another file moves the usage to its own day and session (SPEC §4).
TEST_F(IngestorTest, ReplacementMovesUsageBetweenDaysAndSessions) {
  test::write_file(log("p/b.jsonl"), assistant_line("msg_1", "req_1", "2026-02-02T10:00:00.000Z", 5));
  pass();
  ASSERT_EQ(daily().at(0).date, "2026-02-02");
  test::write_file(log("p/a.jsonl"), assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 50));
  pass();
  const auto rows = daily();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].date, "2026-02-01");
  EXPECT_EQ(rows[0].tokens.output, 50);
  const auto sessions = SqliteStore(dir_.path() / "usage.db", "me@host").sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].session_id, "a");
  EXPECT_EQ(sessions[0].project_name, "api");
}

TEST_F(IngestorTest, BadLinesAreCountedSkips) {
  test::write_file(log("p/s.jsonl"), "garbage\n{\"truncated\":\n" +
                                         assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 5));
  const auto stats = pass();
  EXPECT_EQ(stats.skipped_total(), 2);
  EXPECT_EQ(daily().at(0).tokens.output, 5);
}

}  // namespace
}  // namespace cu

namespace cu {
namespace {

// stored_events() is what `status` reports instead of counting rows: it must follow the store
// through replacements of pending and of committed events, across batches and restarts.
TEST_F(IngestorTest, StoredEventsFollowTheStoreThroughReplacements) {
  SqliteStore store(dir_.path() / "usage.db", "me@host");
  IngestOptions options;
  options.batch_events = 2;  // commit often, so replacements hit committed events too
  {
    Ingestor ingestor(store, prices_, RollupSettings{&calendar_}, options);
    ingestor.load();
    test::write_file(log("p/a.jsonl"), assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 1) +
                                           assistant_line("msg_2", "req_2", "2026-02-01T10:01:00.000Z", 2) +
                                           assistant_line("msg_3", "req_3", "2026-02-01T10:02:00.000Z", 3));
    // Read after a.jsonl's batch was committed (batches close between slices).
    test::write_file(log("p/b.jsonl"), assistant_line("msg_1", "req_1", "2026-02-01T10:03:00.000Z", 9));
    backfill(ingestor, discover_sources({dir_.path()}));
    EXPECT_GT(ingestor.stats().replaced_stored, 0);
    EXPECT_EQ(ingestor.stored_events(), store.event_count());
    EXPECT_EQ(ingestor.stored_events(), 3);
  }
  Ingestor restarted(store, prices_, RollupSettings{&calendar_}, options);
  restarted.load();
  EXPECT_EQ(restarted.stored_events(), 3);
  test::write_file(log("p/c.jsonl"), assistant_line("msg_2", "req_2", "2026-02-01T10:01:00.000Z", 20) +
                                         assistant_line("msg_4", "req_4", "2026-02-01T10:04:00.000Z", 4));
  backfill(restarted, discover_sources({dir_.path()}));
  EXPECT_EQ(restarted.stored_events(), store.event_count());
  EXPECT_EQ(restarted.stored_events(), 4);
}

}  // namespace
}  // namespace cu
