// The Follower on a real directory and io_context: its backfill state as `status` reports it.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "ingest/ingestor.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"
#include "tail/follower.h"

namespace cu {
namespace {

std::string assistant_line(int n) {
  return fmt::format(
      R"({{"type":"assistant","timestamp":"2026-02-01T10:{:02}:00.000Z","requestId":"req_{}",)"
      R"("message":{{"id":"msg_{}","model":"claude-sonnet-4-20250514","usage":{{"input_tokens":100,)"
      R"("output_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})",
      n % 60, n, n) + "\n";
}

class FollowerTest : public ::testing::Test {
 protected:
  FollowerTest() : calendar_("UTC"), prices_(PriceTable::builtin()) {
    test::write_file(dir_.path() / "logs/projects/p/s.jsonl", assistant_line(1) + assistant_line(2));
  }

  // Starts a follower on a fresh Ingestor over the same database, runs the loop until it has
  // nothing left to do right now, and returns its status.
  FollowerStatus run_follower() {
    SqliteStore store(dir_.path() / "usage.db", "me@host");
    Ingestor ingestor(store, prices_, RollupSettings{&calendar_, &prices_}, IngestOptions{});
    ingestor.load();
    boost::asio::io_context io;
    FollowerOptions options;
    options.use_inotify = false;
    Follower follower(io, ingestor, {dir_.path() / "logs"}, options);
    follower.start();
    while (io.poll_one() > 0) {
    }
    const FollowerStatus status = follower.status();
    follower.stop();
    return status;
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_;
};

TEST_F(FollowerTest, BackfillEndsWhenItsFilesAreRead) {
  const FollowerStatus status = run_follower();
  EXPECT_FALSE(status.backfilling);
  EXPECT_EQ(status.backfill.files_total, 1);
  EXPECT_EQ(status.backfill.files_done, 1);
}

TEST_F(FollowerTest, ARestartWithNothingUnreadIsNotBackfilling) {
  run_follower();
  const FollowerStatus restarted = run_follower();
  EXPECT_FALSE(restarted.backfilling) << "stayed 'backfilling' with no file to read";
  EXPECT_EQ(restarted.backfill.files_total, 0);
}

}  // namespace
}  // namespace cu
