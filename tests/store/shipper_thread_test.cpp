// The Shipper on a thread of its own: the caller reads its status and stops it without ever
// waiting for the network.
#include "store/shipper_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include <pqxx/pqxx>

#include "store/postgres_sql.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;
using namespace std::chrono_literals;
constexpr const char* kSource = "ana@laptop";

class ShipperThreadTest : public ::testing::Test {
 protected:
  ShipperThreadTest() : calendar_("UTC"), local_(dir_.path() / "usage.db", kSource) {}

  RollupSettings settings() const { return RollupSettings{&calendar_, &prices_, std::chrono::hours(5)}; }
  void commit(std::int64_t id) {
    local_.commit(IngestBatch{{}, {sample_event(id, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}}, settings());
    local_.refresh_rollups(settings());
  }
  ShipperThread::Setup setup(Shipper::Connector connect) const {
    ShipperOptions options;
    options.idle_poll = 20ms;
    options.log = [](LogLevel, const std::string&) {};
    return ShipperThread::Setup{dir_.path() / "usage.db", kSource, calendar_, prices_, std::chrono::hours(5),
                                std::move(connect), options};
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_ = PriceTable::builtin();
  SqliteStore local_;
};

// A connection attempt that hangs until released, as one to a server that never answers does.
struct HungAttempt {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::shared_ptr<std::atomic<int>> started = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<bool>> ended = std::make_shared<std::atomic<bool>>(false);

  // Owns copies of what it uses: the thread may outlive the test's objects.
  Shipper::Connector connector() const {
    return [released = released, started = started, ended = ended]() -> std::unique_ptr<PostgresStore> {
      ++*started;
      released.wait();
      *ended = true;
      throw PostgresError("timeout expired");
    };
  }
};

TEST_F(ShipperThreadTest, StatusIsAnsweredAndStopReturnsWhileAConnectionAttemptHangs) {
  commit(1);
  commit(2);
  HungAttempt attempt;
  ShipperThread thread(setup(attempt.connector()));
  const std::int64_t backlog = local_.outbox_size();  // the resync row, two events
  ASSERT_TRUE(test::wait_until([&] { return *attempt.started == 1; }));
  for (int i = 0; i < 3; ++i) {
    const ShipperStatus status = thread.status();  // the snapshot from before the attempt
    EXPECT_EQ(status.backend, "sqlite-fallback");
    EXPECT_EQ(status.backlog, backlog);
    commit(10 + i);  // the other connection keeps committing meanwhile
  }
  EXPECT_FALSE(thread.stop(0ms));  // left to end on its own
  EXPECT_FALSE(*attempt.ended);    // stop() returned while the attempt still hung
  EXPECT_TRUE(thread.stop(0ms));
  attempt.release.set_value();
  EXPECT_EQ(local_.event_count(), 5);
}

TEST_F(ShipperThreadTest, ShipsWhileTheOtherConnectionCommits) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit(1);
  ShipperThread thread(setup(Shipper::connector(database.options(), kSource)));
  for (std::int64_t id = 2; id <= 30; ++id) commit(id);
  ASSERT_TRUE(test::wait_until([&] {
    const ShipperStatus status = thread.status();
    return status.backend == "postgres" && status.backlog == 0 && local_.outbox_size() == 0;
  })) << thread.status().last_error;
  EXPECT_TRUE(thread.stop(60s));
  PostgresStore remote(database.options(), kSource);
  test::expect_same_tables(local_, remote);
}

TEST_F(ShipperThreadTest, StopCancelsTheStatementUnderWay) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  { PostgresStore migrate(database.options(), kSource); }
  commit(1);
  // Another session holds the source's shipping lock, so the shipping transaction waits for it,
  // with no statement_timeout to end the wait.
  pqxx::connection holder(database.url());
  pqxx::work locked(holder);
  locked.exec_params(postgres_sql::kLockSource, kSource);
  PostgresOptions patient = database.options();
  patient.statement_timeout = std::chrono::hours(1);
  ShipperThread thread(setup(Shipper::connector(patient, kSource)));
  ASSERT_TRUE(test::wait_until([&] {
    return database.query_int("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'claude-usaged'"
                              " AND wait_event_type = 'Lock'") == 1;
  }));
  EXPECT_TRUE(thread.stop(600s));  // without the cancel it waits for the lock holder, for the whole bound
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events"), 0);
  EXPECT_GT(local_.outbox_size(), 0);  // kept for the next start
}

}  // namespace
}  // namespace cu
