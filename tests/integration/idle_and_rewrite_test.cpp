// The real daemon on files that do not simply grow (SPEC §9): an unterminated last line is read
// again on every rescan but writes nothing; a file replaced by a copy of itself, or rewritten,
// replaces its events (with or without message.id) and counts as ccusage counts it now; a deleted
// file keeps its events across restarts.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

// An assistant entry without message.id (never deduplicated), `n` minutes past 11:00.
std::string idless_line(int n) {
  return fmt::format(
      R"({{"type":"assistant","timestamp":"2026-02-01T11:{:02}:00.000Z","message":{{"model":"claude-sonnet-4-20250514",)"
      R"("usage":{{"input_tokens":100,"output_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})",
      n % 60) + "\n";
}

std::string idless_lines(int count) {
  std::string text;
  for (int n = 0; n < count; ++n) text += idless_line(n);
  return text;
}

struct CheckpointRow {
  std::uint64_t inode = 0;
  std::int64_t offset = -1;
  std::string updated_at;
};

class IdleAndRewriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_ = DaemonSetup{temp_.path() / "work", {temp_.path() / "logs"}, "UTC"};
    fs::create_directories(setup_.work);
    fs::create_directories(temp_.path() / "logs/projects/p");
    setup_.write_config();
  }

  fs::path log(const std::string& name) const { return temp_.path() / "logs/projects/p" / name; }

  void start() {
    daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), temp_.path() / "daemon.log");
    ASSERT_TRUE(wait_until([&] { return status().value("state", "") == "watching"; })) << daemon_log();
  }

  nlohmann::json status() {
    const CommandResult result = ctl("status --json");
    if (result.exit_code != 0) return nlohmann::json::object();
    return nlohmann::json::parse(result.output, nullptr, false);
  }

  CommandResult ctl(const std::string& args) {
    return run_command(fmt::format("{} --socket {} {} 2>/dev/null", shell_quote((bin_dir() / "claude-usagectl").string()),
                                   shell_quote(setup_.socket_path().string()), args));
  }

  std::string daemon_log() const { return read_file(temp_.path() / "daemon.log"); }

  // Read-only connections of the test's own: they see what the daemon committed.
  std::int64_t events() {
    SQLite::Database db(setup_.database_path().string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    return db.execAndGet("SELECT COUNT(*) FROM usage_events").getInt64();
  }

  std::optional<CheckpointRow> checkpoint(const fs::path& path) {
    SQLite::Database db(setup_.database_path().string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    SQLite::Statement query(db, "SELECT inode, offset, updated_at FROM ingest_checkpoints WHERE path = ?");
    query.bind(1, path.string());
    if (!query.executeStep()) return std::nullopt;
    return CheckpointRow{static_cast<std::uint64_t>(query.getColumn(0).getInt64()), query.getColumn(1).getInt64(),
                         query.getColumn(2).getString()};
  }

  // Waits until the daemon committed `path` as it is now (same inode, read to `offset`).
  bool committed(const fs::path& path, std::int64_t offset) {
    struct ::stat now {};
    if (::stat(path.c_str(), &now) != 0) return false;
    return wait_until([&] {
      const auto row = checkpoint(path);
      return row && row->inode == now.st_ino && row->offset == offset;
    });
  }

  TempDir temp_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
};

// Claude Code mid-write: the last line has no newline. Each rescan reads it and consumes nothing;
// the database is not written (no checkpoint, no transaction, no refresh).
TEST_F(IdleAndRewriteTest, RescansOfAnUnterminatedLastLineWriteNothing) {
  const std::string partial = idless_line(1).substr(0, 60);
  write_file(log("mid-write.jsonl"), idless_line(0) + partial);
  start();
  ASSERT_TRUE(committed(log("mid-write.jsonl"), static_cast<std::int64_t>(idless_line(0).size()))) << daemon_log();
  const CheckpointRow before = *checkpoint(log("mid-write.jsonl"));
  SQLite::Database observer(setup_.database_path().string(), SQLite::OPEN_READONLY);
  const std::int64_t version = observer.execAndGet("PRAGMA data_version").getInt64();
  for (int rescan = 0; rescan < 3; ++rescan) {
    ASSERT_EQ(ctl("rescan").exit_code, 0);
    ASSERT_FALSE(status().empty());  // answered after the rescan's reading, on the same loop
  }
  EXPECT_EQ(observer.execAndGet("PRAGMA data_version").getInt64(), version) << "a rescan wrote the database";
  // A line in another file commits; the unterminated file's checkpoint is not rewritten with it.
  write_file(log("other.jsonl"), idless_line(2));
  ASSERT_TRUE(wait_until([&] { return events() == 2; })) << daemon_log();
  EXPECT_EQ(checkpoint(log("mid-write.jsonl"))->updated_at, before.updated_at);
  EXPECT_EQ(daemon_->terminate(), 0);
}

// Five entries without message.id; the file replaced by a copy of itself (a new inode): ccusage
// counts 5. A junk byte then prepended breaks the first line: 4. Deleted: the 4 stay, also after a
// restart (history outlives the transcripts).
TEST_F(IdleAndRewriteTest, AFileReplacedByACopyOfItselfCountsAsItReadsNow) {
  const std::string text = idless_lines(5);
  const auto size = static_cast<std::int64_t>(text.size());
  write_file(log("s.jsonl"), text);
  start();
  ASSERT_TRUE(committed(log("s.jsonl"), size)) << daemon_log();
  EXPECT_EQ(events(), 5);

  write_file(log("s.jsonl.tmp"), text);
  fs::rename(log("s.jsonl.tmp"), log("s.jsonl"));
  ASSERT_TRUE(committed(log("s.jsonl"), size)) << daemon_log();
  EXPECT_EQ(events(), 5) << "the copy's entries were added to the original's";

  write_file(log("s.jsonl"), "x" + text);  // rewritten in place: same inode, other first bytes
  ASSERT_TRUE(committed(log("s.jsonl"), size + 1)) << daemon_log();
  EXPECT_EQ(events(), 4);

  fs::remove(log("s.jsonl"));
  EXPECT_EQ(daemon_->terminate(), 0);
  start();
  write_file(log("marker.jsonl"), idless_line(9));  // committed after the deleted file was seen gone
  ASSERT_TRUE(committed(log("marker.jsonl"), static_cast<std::int64_t>(idless_line(9).size()))) << daemon_log();
  EXPECT_EQ(events(), 5) << "the deleted file's events are history";
  EXPECT_EQ(daemon_->terminate(), 0);
}

}  // namespace
}  // namespace cu::test
