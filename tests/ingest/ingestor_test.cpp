// The ingestor end to end over real files and a real SQLite store: checkpoints, partial lines,
// restarts, truncation, and replacement moving usage between days and sessions.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

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

  // Reads every transcript under the directory into `database` with a fresh Ingestor, through
  // ingest_files (`ahead`) or ingest_file on each in turn, then flushes; `see` is shown the
  // ingestor just before the flush (false) and after it (true).
  IngestStats read_all(const char* database, bool ahead, const IngestOptions& options,
                       const std::function<void(const Ingestor&, bool flushed)>& see = {}) {
    SqliteStore store(dir_.path() / database, "me@host");
    Ingestor ingestor(store, prices_, RollupSettings{&calendar_}, options);
    ingestor.load();
    const std::vector<SourceFile> files = discover_sources({dir_.path()});
    if (ahead) {
      ingestor.ingest_files(files);
    } else {
      for (const SourceFile& file : files) ingestor.ingest_file(file);
    }
    if (see) see(ingestor, false);
    ingestor.flush();
    if (see) see(ingestor, true);
    return ingestor.stats();
  }

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
  EXPECT_EQ(daily().at(0).tokens.output, 5);  // msg_2 went with the bytes that held it
}

// Closing the open files (the end of a backfill) loses nothing: each file continues from its
// checkpoint when read next, appended or replaced.
TEST_F(IngestorTest, ClosedFilesContinueFromTheirCheckpoints) {
  SqliteStore store(dir_.path() / "usage.db", "me@host");
  Ingestor ingestor(store, prices_, RollupSettings{&calendar_}, IngestOptions{});
  ingestor.load();
  test::write_file(log("p/a.jsonl"), assistant_line("msg_1", "req_1", "2026-02-01T10:00:00.000Z", 5));
  test::write_file(log("p/b.jsonl"), assistant_line("msg_2", "req_2", "2026-02-01T10:00:00.000Z", 6));
  for (const SourceFile& file : discover_sources({dir_.path()})) ingestor.ingest_file(file);  // the loop's way
  ingestor.flush();
  EXPECT_EQ(ingestor.open_files(), 2u);
  ingestor.close_files();
  EXPECT_EQ(ingestor.open_files(), 0u);
  std::ofstream(log("p/a.jsonl"), std::ios::app) << assistant_line("msg_3", "req_3", "2026-02-01T11:00:00.000Z", 7);
  test::write_file(log("p/b.jsonl"), assistant_line("msg_4", "req_4", "2026-02-01T10:00:00.000Z", 8));  // replaced
  for (const SourceFile& file : discover_sources({dir_.path()})) ingestor.ingest_file(file);
  ingestor.flush();
  EXPECT_EQ(ingestor.stats().restarts, 1);
  EXPECT_EQ(daily().at(0).tokens.output, 5 + 7 + 8);
}

std::string idless_lines(int count, int output) {
  std::string text;
  for (int n = 0; n < count; ++n) {
    text += fmt::format(
        R"({{"type":"assistant","timestamp":"2026-02-01T11:{:02}:00.000Z","message":{{"model":"claude-sonnet-4-20250514",)"
        R"("usage":{{"input_tokens":100,"output_tokens":{},"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})",
        n, output) + "\n";
  }
  return text;
}

// Re-reading a file from 0 replaces its events, also those without message.id (never
// deduplicated): a copy of the file in its place counts them once; a junk byte before the first
// line leaves four. Through ingest_files, which reads ahead on other threads.
TEST_F(IngestorTest, AFileReplacedByACopyOfItselfCountsItsEntriesOnce) {
  const std::string text = idless_lines(5, 5);
  test::write_file(log("p/s.jsonl"), text);
  pass();
  test::write_file(log("p/s.jsonl.tmp"), text);
  fs::rename(log("p/s.jsonl.tmp"), log("p/s.jsonl"));  // an editor's save: a new inode
  EXPECT_EQ(pass().restarts, 1);
  EXPECT_EQ(daily().at(0).tokens.output, 25);
  test::write_file(log("p/s.jsonl"), "x" + text);
  pass();
  EXPECT_EQ(daily().at(0).tokens.output, 20);
}

// The same relative path under a second root: re-reading one copy from 0 leaves the other's events.
TEST_F(IngestorTest, TheSameFileUnderTwoRootsIsReplacedOnlyWhereItChanged) {
  const fs::path other = dir_.path() / "other";
  test::write_file(log("p/s.jsonl"), idless_lines(5, 5));
  test::write_file(other / "projects/p/s.jsonl", idless_lines(3, 7));
  auto pass_both = [&] {
    SqliteStore store(dir_.path() / "usage.db", "me@host");
    Ingestor ingestor(store, prices_, RollupSettings{&calendar_}, IngestOptions{});
    ingestor.load();
    backfill(ingestor, discover_sources({dir_.path(), other}));
    return store.event_count();
  };
  EXPECT_EQ(pass_both(), 8);
  test::write_file(log("p/s.jsonl"), idless_lines(2, 5));
  EXPECT_EQ(pass_both(), 5);
  EXPECT_EQ(daily().at(0).tokens.output, 2 * 5 + 3 * 7);
  test::write_file(other / "projects/p/s.jsonl", idless_lines(1, 7));
  EXPECT_EQ(pass_both(), 3);
  EXPECT_EQ(daily().at(0).tokens.output, 2 * 5 + 7);
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

// ingest_files reads and parses on another thread, ahead of the file it applies; the outcome must
// be the one of ingest_file on each file in turn: same events (ids included), checkpoints,
// statistics and rollups, through duplicates across files, bad lines, commits
// inside the read-ahead window, files replaced since their checkpoint, and a file gone since.
TEST_F(IngestorTest, ReadingAheadOnAnotherThreadEqualsReadingInTurn) {
  auto write_tree = [&](int generation) {
    for (int f = 0; f < 40; ++f) {
      std::string text = f % 7 == 0 ? "garbage\n{\"truncated\":\n" : "";
      if (f % 13 == 5) text += std::string(300, 'x') + "\n";  // not JSON
      for (int i = 0; i < 25; ++i) {
        const int message = (f * 25 + i) % 600;  // collide across files
        text += assistant_line(fmt::format("msg_{}_{}", generation, message), fmt::format("req_{}", message),
                               fmt::format("2026-02-{:02}T{:02}:{:02}:00.000Z", 1 + f % 20, i % 24, f % 60),
                               1 + (f * 7 + i) % 50);
      }
      test::write_file(log(fmt::format("p{}/s{:02}.jsonl", f % 3, f)), text);
    }
  };
  IngestOptions options;
  options.batch_events = 70;  // several commits while files are read ahead
  std::int64_t lookups = 0;   // of the last run: stored events the dedup index looked up
  auto run = [&](const char* database, bool ahead) {
    return read_all(database, ahead, options, [&](const Ingestor& ingestor, bool flushed) {
      if (!flushed) lookups = ingestor.dedup().lookups();
    });
  };
  auto expect_same = [&](const IngestStats& a, const IngestStats& b) {
    EXPECT_EQ(a.files_read, b.files_read);
    EXPECT_EQ(a.bytes_consumed, b.bytes_consumed);
    EXPECT_EQ(a.lines, b.lines);
    EXPECT_EQ(a.entries, b.entries);
    EXPECT_EQ(a.kept, b.kept);
    EXPECT_EQ(a.replaced, b.replaced);
    EXPECT_EQ(a.replaced_stored, b.replaced_stored);
    EXPECT_EQ(a.duplicates, b.duplicates);
    EXPECT_EQ(a.restarts, b.restarts);
    EXPECT_EQ(a.skipped, b.skipped);
    SqliteStore x(dir_.path() / "ahead.db", "me@host");
    SqliteStore y(dir_.path() / "in_turn.db", "me@host");
    constexpr std::int64_t kYear2100Ms = 4102444800000;
    EXPECT_EQ(x.events_between(0, kYear2100Ms), y.events_between(0, kYear2100Ms));
    EXPECT_EQ(x.load_checkpoints().size(), y.load_checkpoints().size());
    EXPECT_EQ(x.daily_summaries(), y.daily_summaries());
    EXPECT_EQ(x.sessions(), y.sessions());
    EXPECT_EQ(x.usage_blocks(), y.usage_blocks());
  };
  write_tree(1);
  const IngestStats first_ahead = run("ahead.db", true);
  const IngestStats first_in_turn = run("in_turn.db", false);
  EXPECT_GT(first_ahead.duplicates, 0);
  EXPECT_GT(first_ahead.skipped_total(), 0);
  expect_same(first_ahead, first_in_turn);

  write_tree(2);  // every file replaced by other content: read again from the start
  fs::remove(log("p1/s04.jsonl"));
  const IngestStats second_ahead = run("ahead.db", true);
  const IngestStats second_in_turn = run("in_turn.db", false);
  EXPECT_GT(second_ahead.restarts, 0);
  expect_same(second_ahead, second_in_turn);

  // Appends repeating stored messages, some with more output: the dedup index holds no record of
  // them and looks each up in the store, while batches commit on the writer thread.
  for (int f = 0; f < 40; ++f) {
    if (f == 4) continue;  // p1/s04.jsonl is gone
    std::string text;
    for (int i = 0; i < 10; ++i) {
      const int message = ((f + 11) * 25 + i) % 600;
      text += assistant_line(fmt::format("msg_2_{}", message), fmt::format("req_{}", message),
                             "2026-02-21T10:00:00.000Z", (f + i) % 3 == 0 ? 60 : 1);
    }
    std::ofstream(log(fmt::format("p{}/s{:02}.jsonl", f % 3, f)), std::ios::app) << text;
  }
  const IngestStats third_ahead = run("ahead.db", true);
  EXPECT_GT(lookups, 0);
  const IngestStats third_in_turn = run("in_turn.db", false);
  EXPECT_GT(lookups, 0);
  EXPECT_GT(third_ahead.replaced_stored, 0);
  EXPECT_GT(third_ahead.duplicates, 0);
  expect_same(third_ahead, third_in_turn);
}

// On a store with history the dedup index holds nothing of it: a new message id is looked up in
// the store. A bulk read that has looked up about as much as the stored ids' fingerprints cost
// takes them (then only an id whose fingerprint matches is looked up), with the outcome of
// reading in turn; the flush lets go of them.
TEST_F(IngestorTest, ABulkReadTakesFingerprintsOnlyWhenLookupsOutweighThem) {
  auto history = [&](int f) {
    std::string text;
    for (int i = 0; i < 100; ++i) {
      text += assistant_line(fmt::format("msg_old_{}_{}", f, i), "req_1", "2026-02-01T10:00:00.000Z", 5);
    }
    return text;
  };
  for (int f = 0; f < 30; ++f) test::write_file(log(fmt::format("p/old{:02}.jsonl", f)), history(f));
  struct Run {
    IngestStats stats;
    std::int64_t lookups = 0;
    bool fingerprints_while_reading = false;
  };
  auto run = [&](const char* database, bool ahead) {
    Run run;
    run.stats = read_all(database, ahead, IngestOptions{}, [&](const Ingestor& ingestor, bool flushed) {
      if (flushed) {  // the fingerprints last as long as the read
        EXPECT_FALSE(ingestor.dedup().has_fingerprints());
        EXPECT_EQ(ingestor.dedup().fingerprints().memory_bytes(), 0u);
        return;
      }
      run.lookups = ingestor.dedup().lookups();
      run.fingerprints_while_reading = ingestor.dedup().has_fingerprints();
    });
    return run;
  };
  const Run first = run("ahead.db", true);
  EXPECT_EQ(first.lookups, 0) << "an empty store is never asked";
  EXPECT_FALSE(first.fingerprints_while_reading);
  run("in_turn.db", false);

  // 3,000 new messages in 30 files, with 300 copies of stored ones among them: 90 with more
  // output (they replace the stored event), 210 with less (duplicates).
  for (int f = 0; f < 30; ++f) {
    std::string text;
    for (int i = 0; i < 100; ++i) {
      text += assistant_line(fmt::format("msg_new_{}_{}", f, i), "req_1", "2026-02-02T10:00:00.000Z", 5);
      if (i % 10 == 0) {
        text += assistant_line(fmt::format("msg_old_{}_{}", 29 - f, i), "req_1", "2026-02-01T10:00:00.000Z",
                               i % 40 == 0 ? 9 : 4);
      }
    }
    test::write_file(log(fmt::format("p/new{:02}.jsonl", f)), text);
  }
  const Run ahead = run("ahead.db", true);
  const Run in_turn = run("in_turn.db", false);
  // 3,000 stored events: fingerprints after 3,000 / 64 lookups (checked after each file of 100
  // new ids), then only the 300 copies are looked up.
  EXPECT_TRUE(ahead.fingerprints_while_reading);
  EXPECT_LE(ahead.lookups, 47 + 100 + 300);
  EXPECT_FALSE(in_turn.fingerprints_while_reading);
  EXPECT_GE(in_turn.lookups, 3000) << "reading in turn looks every new id up";
  EXPECT_EQ(ahead.stats.kept, in_turn.stats.kept);
  EXPECT_EQ(ahead.stats.replaced_stored, in_turn.stats.replaced_stored);
  EXPECT_EQ(ahead.stats.duplicates, in_turn.stats.duplicates);
  EXPECT_EQ(ahead.stats.replaced_stored, 30 * 3);
  EXPECT_EQ(ahead.stats.duplicates, 30 * 7);
  SqliteStore x(dir_.path() / "ahead.db", "me@host");
  SqliteStore y(dir_.path() / "in_turn.db", "me@host");
  constexpr std::int64_t kYear2100Ms = 4102444800000;
  EXPECT_EQ(x.events_between(0, kYear2100Ms), y.events_between(0, kYear2100Ms));
  EXPECT_EQ(x.daily_summaries(), y.daily_summaries());
  EXPECT_EQ(x.event_count(), 6000);
}

}  // namespace
}  // namespace cu
