// Every tailing scenario of a transcript, driven step by step over an in-memory file system (no
// sleeps, no clock): appends, partial lines, restarts, truncation, rewrites, rotation, deletion,
// copies, the same file under two roots, long lines, and more files than open descriptors.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "ingest/ingestor.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"
#include "support/usage_lines.h"
#include "tail/fake_file_system.h"

namespace cu {
namespace {

constexpr const char* kPath = "/fake/projects/p/s.jsonl";

// An entry without message.id (never deduplicated: SPEC §4).
std::string idless_line(int n, int output = 5) {
  return fmt::format(
      R"({{"type":"assistant","timestamp":"2026-02-01T11:{:02}:00.000Z",)"
      R"("message":{{"model":"claude-sonnet-4-20250514","usage":{{"input_tokens":100,)"
      R"("output_tokens":{},"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})",
      n % 60, output) + "\n";
}

std::string idless_lines(int count, int output = 5) {
  std::string text;
  for (int n = 0; n < count; ++n) text += idless_line(n, output);
  return text;
}

class TailScenariosTest : public ::testing::Test {
 protected:
  TailScenariosTest() : calendar_("UTC"), prices_(PriceTable::builtin()) { restart(); }

  // A fresh Ingestor on the same database, as after a daemon restart.
  void restart(IngestOptions options = {}) {
    ingestor_.reset();
    store_ = std::make_unique<SqliteStore>(dir_.path() / "usage.db", "me@host");
    ingestor_ = std::make_unique<Ingestor>(*store_, prices_, RollupSettings{&calendar_, &prices_}, options, fs_);
    ingestor_->load();
  }

  // `path` below <root>/projects/, where <root> is its first component.
  SourceFile source(const std::string& path = kPath) {
    const std::size_t projects = path.find("/projects/") + std::string("/projects/").size();
    return *classify_source(path.substr(0, projects - 1), path.substr(projects));
  }

  // Reads `path` to its end and commits, as the follower does when its queue runs dry.
  void sync(const std::string& path = kPath) {
    ingestor_->ingest_file(source(path));
    ingestor_->flush();
  }

  std::int64_t output_total() {
    std::int64_t total = 0;
    for (const auto& row : store_->daily_summaries()) total += row.tokens.output;
    return total;
  }

  // PRAGMA data_version seen from a connection of its own: it changes when anyone else commits.
  std::int64_t data_version() {
    if (!observer_) observer_ = std::make_unique<SQLite::Database>((dir_.path() / "usage.db").string());
    return observer_->execAndGet("PRAGMA data_version").getInt64();
  }

  test::TempDir dir_;
  std::unique_ptr<SQLite::Database> observer_;
  test::FakeFileSystem fs_;
  Calendar calendar_;
  PriceTable prices_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Ingestor> ingestor_;
};

TEST_F(TailScenariosTest, AppendsAreReadIncrementally) {
  fs_.write(kPath, test::usage_line(1));
  sync();
  fs_.append(kPath, test::usage_line(2) + test::usage_line(3));
  sync();
  EXPECT_EQ(output_total(), 15);
  EXPECT_EQ(ingestor_->stats().bytes_consumed, static_cast<std::int64_t>((test::usage_line(1) + test::usage_line(2) + test::usage_line(3)).size()));
}

TEST_F(TailScenariosTest, PartialLineWaitsForItsNewlineAcrossRestarts) {
  const std::string second = test::usage_line(2);
  fs_.write(kPath, test::usage_line(1) + second.substr(0, 30));
  sync();
  EXPECT_EQ(output_total(), 5);
  restart();
  fs_.append(kPath, second.substr(30, 20));
  sync();
  EXPECT_EQ(output_total(), 5);
  fs_.append(kPath, second.substr(50));
  sync();
  EXPECT_EQ(output_total(), 10);
}

TEST_F(TailScenariosTest, SplitUtf8SequenceIsReadWhole) {
  std::string text = test::usage_line(1);
  text.insert(text.find("\"type\""), "\"note\":\"caf\xC3\xA9\",");
  fs_.write(kPath, text.substr(0, text.find('\xA9')));
  sync();
  fs_.append(kPath, text.substr(text.find('\xA9')));
  sync();
  EXPECT_EQ(output_total(), 5);
  EXPECT_EQ(ingestor_->stats().skipped_total(), 0);
}

TEST_F(TailScenariosTest, RestartResumesFromTheCheckpoint) {
  fs_.write(kPath, test::usage_line(1) + test::usage_line(2));
  sync();
  restart();
  fs_.append(kPath, test::usage_line(3));
  sync();
  EXPECT_EQ(ingestor_->stats().lines, 1);
  EXPECT_EQ(output_total(), 15);
}

TEST_F(TailScenariosTest, TruncationRestartsFromZeroWithoutDoubleCounting) {
  fs_.write(kPath, test::usage_line(1) + test::usage_line(2));
  sync();
  fs_.truncate(kPath, 0);
  fs_.append(kPath, test::usage_line(1) + test::usage_line(3));
  restart();
  sync();
  EXPECT_EQ(ingestor_->stats().restarts, 1);
  EXPECT_EQ(output_total(), 10);  // what the file holds now: 1 and 3; 2 went with the old bytes
}

TEST_F(TailScenariosTest, RewriteWithOtherFirstBytesRestartsFromZero) {
  fs_.write(kPath, test::usage_line(1) + test::usage_line(2));
  sync();
  fs_.overwrite(kPath, test::usage_line(7) + test::usage_line(8) + test::usage_line(9));  // longer, but not an append
  restart();
  sync();
  EXPECT_EQ(ingestor_->stats().restarts, 1);
  EXPECT_EQ(output_total(), 15);  // 7, 8 and 9 replace 1 and 2
}

TEST_F(TailScenariosTest, RotationDrainsTheOpenFileThenReadsTheNewOne) {
  fs_.write(kPath, test::usage_line(1));
  sync();
  fs_.append(kPath, test::usage_line(2));  // written just before the rename, not read yet
  fs_.rename(kPath, "/fake/archive/s.jsonl.1");
  fs_.write(kPath, test::usage_line(3));
  sync();
  EXPECT_EQ(ingestor_->stats().lines, 3) << "line 2 was not drained from the rotated file";
  EXPECT_EQ(output_total(), 5);  // the new file at the path replaces what the rotated one held
  EXPECT_EQ(fs_.open_count(), 1);  // the rotated file was let go
}

TEST_F(TailScenariosTest, DeletionDrainsThenForgets) {
  fs_.write(kPath, test::usage_line(1));
  sync();
  fs_.append(kPath, test::usage_line(2));
  fs_.remove(kPath);
  sync();
  EXPECT_EQ(output_total(), 10);
  EXPECT_EQ(fs_.open_count(), 0);
  sync();  // nothing left to read, nothing breaks
  EXPECT_EQ(output_total(), 10);
}

// Claude Code mid-write: the last line has no newline yet. Every rescan reads the file again and
// consumes nothing, so nothing may be written: no checkpoint, no transaction, no refresh.
TEST_F(TailScenariosTest, AnUnterminatedLastLineWritesNothingUntilItEnds) {
  fs_.write(kPath, test::usage_line(1) + test::usage_line(2).substr(0, 40));
  sync();
  const std::int64_t version = data_version();
  for (int rescan = 0; rescan < 3; ++rescan) {
    EXPECT_TRUE(ingestor_->has_unread(source()));
    sync();
  }
  EXPECT_EQ(data_version(), version) << "the database was written with no new line";
  fs_.append(kPath, test::usage_line(2).substr(40));
  sync();
  EXPECT_NE(data_version(), version);
  EXPECT_EQ(output_total(), 10);
}

// A copy, an editor's save or a sync tool puts the same bytes under a new inode; a junk byte then
// breaks the first line. The file's entries without message.id count as often as ccusage sees
// them in the file now: 5, then 4.
TEST_F(TailScenariosTest, AFileReplacedByACopyOfItselfCountsItsEntriesOnce) {
  const std::string text = idless_lines(5);
  fs_.write(kPath, text);
  sync();
  fs_.write(kPath, text);  // a new inode with the same bytes
  sync();
  EXPECT_EQ(ingestor_->stats().restarts, 1);
  EXPECT_EQ(store_->event_count(), 5);
  EXPECT_EQ(output_total(), 25);
  fs_.overwrite(kPath, "x" + text);  // same inode, other first bytes
  restart();
  sync();
  EXPECT_EQ(store_->event_count(), 4);
  EXPECT_EQ(output_total(), 20);
  EXPECT_EQ(ingestor_->stored_events(), 4);
}

// Lines read but not committed yet belong to the file just as much.
TEST_F(TailScenariosTest, AFileReplacedBeforeItsBatchCommittedCountsOnce) {
  IngestOptions options;
  options.slice_bytes = static_cast<std::int64_t>(idless_line(0).size() * 2);
  restart(options);
  const std::string text = idless_lines(5);
  fs_.write(kPath, text);
  EXPECT_TRUE(ingestor_->ingest_slice(source()));  // two lines pending in the batch
  fs_.write(kPath, text);
  sync();
  EXPECT_EQ(store_->event_count(), 5);
  EXPECT_EQ(ingestor_->stored_events(), 5);
}

TEST_F(TailScenariosTest, AFileTruncatedToNothingLeavesNoEvents) {
  fs_.write(kPath, idless_lines(3) + test::usage_line(1));
  sync();
  fs_.truncate(kPath, 0);
  sync();
  EXPECT_EQ(store_->event_count(), 0);
  const std::int64_t version = data_version();
  restart();
  sync();
  EXPECT_EQ(data_version(), version) << "the empty file was read again after its restart";
  fs_.append(kPath, test::usage_line(1));  // the same message again: counted, its earlier copy is gone
  sync();
  EXPECT_EQ(output_total(), 5);
}

// A session's transcript repeats its subagent's messages (progress lines) and, sorting first, keeps
// them; the subagent file's copies are dropped as duplicates. When the transcript is rewritten
// without them, the subagent file's copies count again, as they do for ccusage.
TEST_F(TailScenariosTest, AMessageTheRewrittenFileNoLongerHoldsCountsFromItsOtherCopy) {
  const std::string subagent = "/fake/projects/p/s/subagents/agent-a.jsonl";
  fs_.write(kPath, test::usage_line(1) + test::usage_line(2, 7));
  fs_.write(subagent, test::usage_line(1) + test::usage_line(2, 7));
  sync();
  sync(subagent);
  ASSERT_EQ(store_->event_count(), 2);
  fs_.truncate(kPath, 0);
  fs_.append(kPath, test::usage_line(3));
  sync();
  EXPECT_EQ(store_->event_count(), 3);
  EXPECT_EQ(output_total(), 5 + 7 + 5);
  restart();
  sync();
  sync(subagent);
  EXPECT_EQ(store_->event_count(), 3) << "the subagent file was read again after a restart";
}

// The project's other files are read again when one is rewritten; one that is gone keeps its events.
TEST_F(TailScenariosTest, ADeletedSiblingOfARewrittenFileKeepsItsEvents) {
  const std::string other = "/fake/projects/p/t.jsonl";
  fs_.write(kPath, test::usage_line(1));
  fs_.write(other, test::usage_line(2, 7));
  sync();
  sync(other);
  fs_.remove(other);
  fs_.truncate(kPath, 0);
  fs_.append(kPath, test::usage_line(3));
  sync();
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_EQ(output_total(), 7 + 5);
}

// The same, when the sibling is deleted after the reader saw it and before it opened it (the
// daemon had no descriptor of it, as after a restart): its events stay.
TEST_F(TailScenariosTest, ASiblingDeletedAsItIsReadAgainKeepsItsEvents) {
  const std::string other = "/fake/projects/p/t.jsonl";
  fs_.write(kPath, test::usage_line(1));
  fs_.write(other, test::usage_line(2, 7));
  sync();
  sync(other);
  restart();
  fs_.truncate(kPath, 0);
  fs_.append(kPath, test::usage_line(3));
  fs_.before_open([&](const std::string& path) {
    if (path == other) fs_.remove(other);
  });
  sync();
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_EQ(output_total(), 7 + 5);
  fs_.before_open(nullptr);
  restart();
  sync();
  EXPECT_EQ(store_->event_count(), 2);
}

// After a flush the dedup index holds nothing of the stored events: a later copy of a stored
// message is settled through the store, in the same session and after a restart, as if every
// record were held.
TEST_F(TailScenariosTest, ACopyOfAStoredMessageIsSettledThroughTheStore) {
  const std::string other = "/fake/projects/p/t.jsonl";
  fs_.write(kPath, test::usage_line(1) + test::usage_line(2, 7));
  sync();
  EXPECT_EQ(ingestor_->dedup().size(), 0u);
  EXPECT_EQ(ingestor_->dedup().fingerprints().memory_bytes(), 0u);
  fs_.append(kPath, test::usage_line(1));  // the same again: a duplicate
  sync();
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_EQ(ingestor_->dedup().lookups(), 1);
  restart();
  fs_.write(other, test::usage_line(2, 9));  // more output tokens: replaces the stored copy
  sync(other);
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_EQ(output_total(), 5 + 9);
  restart();
  fs_.append(other, test::usage_line(2, 8) + test::usage_line(3));
  sync(other);
  EXPECT_EQ(store_->event_count(), 3);
  EXPECT_EQ(output_total(), 5 + 9 + 5);
}

// History outlives the transcripts: a deleted file is not read again, its events stay.
TEST_F(TailScenariosTest, ADeletedFileKeepsItsEvents) {
  fs_.write(kPath, idless_lines(5) + test::usage_line(1));
  sync();
  fs_.remove(kPath);
  sync();
  restart();
  sync();
  EXPECT_EQ(store_->event_count(), 6);
  EXPECT_EQ(output_total(), 30);
}

// usage_events.file is the path below projects/: the same session under two roots has the same
// one. Rewriting one copy replaces its events and keeps the other root's.
TEST_F(TailScenariosTest, TheSameFileUnderTwoRootsIsReplacedOnlyWhereItChanged) {
  const std::string other = "/other/projects/p/s.jsonl";
  fs_.write(kPath, idless_lines(5));
  fs_.write(other, idless_lines(3, 7));
  sync();
  sync(other);
  EXPECT_EQ(output_total(), 5 * 5 + 3 * 7);
  fs_.write(kPath, idless_lines(2));
  sync();
  EXPECT_EQ(output_total(), 2 * 5 + 3 * 7);
  restart();
  sync();
  sync(other);
  EXPECT_EQ(output_total(), 2 * 5 + 3 * 7);
  EXPECT_EQ(store_->event_count(), 5);
}

TEST_F(TailScenariosTest, VeryLongLinesAreReadInSlicesWithBoundedMemory) {
  std::string big = test::usage_line(1);
  big.insert(big.find("\"type\""), "\"toolResult\":\"" + std::string(12u << 20, 'x') + "\",");
  fs_.write(kPath, test::usage_line(2) + big + test::usage_line(3));
  IngestOptions options;
  options.slice_bytes = 1 << 20;
  restart(options);
  sync();
  EXPECT_EQ(output_total(), 15);
  EXPECT_EQ(ingestor_->stats().skipped_total(), 0);
}

TEST_F(TailScenariosTest, MoreFilesThanOpenDescriptorsStillComplete) {
  IngestOptions options;
  options.max_open_files = 2;
  restart(options);
  for (int i = 0; i < 5; ++i) fs_.write(fmt::format("/fake/projects/p/s{}.jsonl", i), test::usage_line(i));
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5; ++i) {
      const std::string path = fmt::format("/fake/projects/p/s{}.jsonl", i);
      if (round == 1) fs_.append(path, test::usage_line(10 + i));
      sync(path);
    }
  }
  EXPECT_LE(fs_.open_count(), 2);
  EXPECT_EQ(output_total(), 50);
}

}  // namespace
}  // namespace cu
