// The bulk load's checkpointer: its checkpoints move the log's pages into the database file from
// a connection of its own, and a checkpointer that cannot do its job only counts failures.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/wal_checkpointer.h"
#include "support/test_support.h"

namespace cu {
namespace {

TEST(WalCheckpointerTest, MovesTheLogIntoTheDatabaseWhileTheWriterGoesOn) {
  test::TempDir dir;
  const std::filesystem::path path = dir.path() / "load.db";
  SQLite::Database writer(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  writer.exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (v TEXT)");
  auto write_rows = [&] {
    SQLite::Transaction transaction(writer);
    SQLite::Statement insert(writer, "INSERT INTO t VALUES (?1)");
    for (int i = 0; i < 500; ++i) {
      insert.bind(1, std::string(1000, static_cast<char>('a' + i % 26)));
      insert.exec();
      insert.reset();
    }
    transaction.commit();
  };
  write_rows();
  const auto before = std::filesystem::file_size(path);
  ASSERT_LT(before, 100'000u) << "with autocheckpoint off, the rows should still be in the log";

  WalCheckpointer checkpointer(path);
  checkpointer.request();
  EXPECT_TRUE(test::wait_until([&] { return checkpointer.checkpoints() >= 1; }, std::chrono::seconds(10)));
  EXPECT_GT(std::filesystem::file_size(path), 500'000u);
  write_rows();  // the writer commits on beside it
  checkpointer.request();
  EXPECT_TRUE(test::wait_until([&] { return checkpointer.checkpoints() >= 2; }, std::chrono::seconds(10)));
  EXPECT_GT(std::filesystem::file_size(path), 1'000'000u);
  EXPECT_EQ(checkpointer.failures(), 0);
  EXPECT_EQ(writer.execAndGet("SELECT COUNT(*) FROM t").getInt(), 1000);
}

TEST(WalCheckpointerTest, ADatabaseItCannotOpenCountsFailuresAndNothingElse) {
  test::TempDir dir;
  WalCheckpointer checkpointer(dir.path() / "missing" / "load.db");
  checkpointer.request();
  EXPECT_TRUE(test::wait_until([&] { return checkpointer.checkpoints() >= 1; }, std::chrono::seconds(10)));
  EXPECT_EQ(checkpointer.failures(), checkpointer.checkpoints());
}

}  // namespace
}  // namespace cu
