// Every tailing scenario of a transcript, driven step by step over an in-memory file system (no
// sleeps, no clock): appends, partial lines, restarts, truncation, rewrites, rotation, deletion,
// long lines, and more files than open descriptors.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "ingest/ingestor.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"
#include "tail/fake_file_system.h"

namespace cu {
namespace {

constexpr const char* kPath = "/fake/projects/p/s.jsonl";

std::string line(int n, int output = 5) {
  return fmt::format(
      R"({{"type":"assistant","timestamp":"2026-02-01T10:{:02}:00.000Z","requestId":"req_{}",)"
      R"("message":{{"id":"msg_{}","model":"claude-sonnet-4-20250514","usage":{{"input_tokens":100,)"
      R"("output_tokens":{},"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})",
      n % 60, n, n, output) + "\n";
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

  SourceFile source(const std::string& path = kPath) {
    return *classify_source("/fake/projects", path.substr(std::string("/fake/projects/").size()));
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

  test::TempDir dir_;
  test::FakeFileSystem fs_;
  Calendar calendar_;
  PriceTable prices_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Ingestor> ingestor_;
};

TEST_F(TailScenariosTest, AppendsAreReadIncrementally) {
  fs_.write(kPath, line(1));
  sync();
  fs_.append(kPath, line(2) + line(3));
  sync();
  EXPECT_EQ(output_total(), 15);
  EXPECT_EQ(ingestor_->stats().bytes_consumed, static_cast<std::int64_t>((line(1) + line(2) + line(3)).size()));
}

TEST_F(TailScenariosTest, PartialLineWaitsForItsNewlineAcrossRestarts) {
  const std::string second = line(2);
  fs_.write(kPath, line(1) + second.substr(0, 30));
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
  std::string text = line(1);
  text.insert(text.find("\"type\""), "\"note\":\"caf\xC3\xA9\",");
  fs_.write(kPath, text.substr(0, text.find('\xA9')));
  sync();
  fs_.append(kPath, text.substr(text.find('\xA9')));
  sync();
  EXPECT_EQ(output_total(), 5);
  EXPECT_EQ(ingestor_->stats().skipped_total(), 0);
}

TEST_F(TailScenariosTest, RestartResumesFromTheCheckpoint) {
  fs_.write(kPath, line(1) + line(2));
  sync();
  restart();
  fs_.append(kPath, line(3));
  sync();
  EXPECT_EQ(ingestor_->stats().lines, 1);
  EXPECT_EQ(output_total(), 15);
}

TEST_F(TailScenariosTest, TruncationRestartsFromZeroWithoutDoubleCounting) {
  fs_.write(kPath, line(1) + line(2));
  sync();
  fs_.truncate(kPath, 0);
  fs_.append(kPath, line(1) + line(3));
  restart();
  sync();
  EXPECT_EQ(ingestor_->stats().restarts, 1);
  EXPECT_EQ(output_total(), 15);  // 1 and 2 kept, 1 again deduplicated, 3 new
}

TEST_F(TailScenariosTest, RewriteWithOtherFirstBytesRestartsFromZero) {
  fs_.write(kPath, line(1) + line(2));
  sync();
  fs_.overwrite(kPath, line(7) + line(8) + line(9));  // longer, but not an append
  restart();
  sync();
  EXPECT_EQ(ingestor_->stats().restarts, 1);
  EXPECT_EQ(output_total(), 25);
}

TEST_F(TailScenariosTest, RotationDrainsTheOpenFileThenReadsTheNewOne) {
  fs_.write(kPath, line(1));
  sync();
  fs_.append(kPath, line(2));  // written just before the rename, not read yet
  fs_.rename(kPath, "/fake/archive/s.jsonl.1");
  fs_.write(kPath, line(3));
  sync();
  EXPECT_EQ(output_total(), 15);
  EXPECT_EQ(fs_.open_count(), 1);  // the rotated file was let go
}

TEST_F(TailScenariosTest, DeletionDrainsThenForgets) {
  fs_.write(kPath, line(1));
  sync();
  fs_.append(kPath, line(2));
  fs_.remove(kPath);
  sync();
  EXPECT_EQ(output_total(), 10);
  EXPECT_EQ(fs_.open_count(), 0);
  sync();  // nothing left to read, nothing breaks
  EXPECT_EQ(output_total(), 10);
}

TEST_F(TailScenariosTest, VeryLongLinesAreReadInSlicesWithBoundedMemory) {
  std::string big = line(1);
  big.insert(big.find("\"type\""), "\"toolResult\":\"" + std::string(12u << 20, 'x') + "\",");
  fs_.write(kPath, line(2) + big + line(3));
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
  for (int i = 0; i < 5; ++i) fs_.write(fmt::format("/fake/projects/p/s{}.jsonl", i), line(i));
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5; ++i) {
      const std::string path = fmt::format("/fake/projects/p/s{}.jsonl", i);
      if (round == 1) fs_.append(path, line(10 + i));
      sync(path);
    }
  }
  EXPECT_LE(fs_.open_count(), 2);
  EXPECT_EQ(output_total(), 50);
}

}  // namespace
}  // namespace cu
