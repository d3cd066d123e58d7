// The live daemon against real files: whatever happens to the logs while it runs (appends in
// random pieces, growth, new directories, rewrites, rotation, deletion, SIGKILL at any moment),
// once it has caught up its tables equal one `--once` run over everything that was written.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "integration/daemon_runner.h"
#include "integration/generated_corpus.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

struct SessionKeyTotals {
  std::string key;
  TokenTotals tokens;
  double cost;
  std::int64_t start_ms, end_ms, messages;
  friend bool operator==(const SessionKeyTotals&, const SessionKeyTotals&) = default;
};

struct Snapshot {
  std::vector<DailySummaryRow> daily;
  std::vector<SessionKeyTotals> sessions;
  std::int64_t events = 0;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

Snapshot snapshot_of(const fs::path& database) {
  SqliteStore store(database, kTestIdentity);
  Snapshot snapshot{store.daily_summaries(), {}, store.event_count()};
  for (const SessionRow& row : store.sessions()) {
    snapshot.sessions.push_back({row.project_path + "/" + row.session_id, row.tokens, row.cost_usd,
                                 row.session_start_ms, row.session_end_ms, row.message_count});
  }
  std::sort(snapshot.sessions.begin(), snapshot.sessions.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  return snapshot;
}

void append(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

class LiveDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logs_ = temp_.path() / "logs";
    fs::create_directories(logs_ / "projects");
    live_ = DaemonSetup{temp_.path() / "live", {logs_}, "UTC"};
    fs::create_directories(live_.work);
    live_.write_config();
  }

  void start() { daemon_ = std::make_unique<LiveDaemon>(live_.config_path(), temp_.path() / "daemon.log"); }

  // What one --once run makes of `logs` (default: the live logs as they are now).
  Snapshot reference(std::optional<fs::path> logs = std::nullopt) {
    DaemonSetup once{temp_.path() / fmt::format("once{}", runs_++), {logs.value_or(logs_)}, "UTC"};
    fs::create_directories(once.work);
    EXPECT_EQ(once.run_once(), 0);
    return snapshot_of(once.database_path());
  }

  // Waits until the live database equals `expected`; reports the last difference otherwise.
  void expect_caught_up(const Snapshot& expected) {
    Snapshot last;
    const bool equal = wait_until([&] {
      last = snapshot_of(live_.database_path());
      return last == expected;
    });
    EXPECT_TRUE(equal) << "live: " << last.events << " events, " << last.daily.size() << " days, "
                       << last.sessions.size() << " sessions; expected " << expected.events << ", "
                       << expected.daily.size() << ", " << expected.sessions.size() << "\n"
                       << read_file(temp_.path() / "daemon.log");
  }

  std::vector<fs::path> shared_files(std::size_t count) {
    const auto shared = shared_claude_logs();
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(*shared / "projects")) {
      if (entry.is_regular_file() && entry.path().extension() == ".jsonl") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<fs::path> picked;
    for (std::size_t i = 0; i < files.size() && picked.size() < count; i += files.size() / count + 1) {
      picked.push_back(files[i]);
    }
    return picked;
  }

  fs::path target_of(const fs::path& shared_file) {
    return logs_ / "projects" / fs::relative(shared_file, *shared_claude_logs() / "projects");
  }

  TempDir temp_;
  fs::path logs_;
  DaemonSetup live_;
  std::unique_ptr<LiveDaemon> daemon_;
  int runs_ = 0;
};

// Appends real transcripts in random pieces that split lines and UTF-8 sequences.
TEST_F(LiveDaemonTest, AppendsInRandomPieces) {
  CU_REQUIRE_SHARED_LOGS();
  start();
  std::mt19937_64 random(11);
  for (const fs::path& file : shared_files(12)) {
    const std::string text = read_file(file);
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t piece = std::min<std::size_t>(text.size() - at, 1 + random() % 30000);
      append(target_of(file), std::string_view(text).substr(at, piece));
      at += piece;
    }
  }
  expect_caught_up(reference());
  EXPECT_EQ(daemon_->terminate(), 0);
}

// The growth/ snapshots are byte prefixes of files in projects/: replay each file's growth.
TEST_F(LiveDaemonTest, GrowthSnapshotsIntoTheirFinalFiles) {
  CU_REQUIRE_SHARED_LOGS();
  const fs::path shared = *shared_claude_logs();
  std::map<std::string, std::vector<fs::path>> growth;  // session file name → snapshots
  for (const auto& entry : fs::recursive_directory_iterator(shared / "growth")) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file()) growth[name.substr(0, name.find('@')) + ".jsonl"].push_back(entry.path());
  }
  start();
  for (auto& [name, snapshots] : growth) {
    std::sort(snapshots.begin(), snapshots.end(),
              [](const fs::path& a, const fs::path& b) { return fs::file_size(a) < fs::file_size(b); });
    fs::path final_file;
    for (const auto& entry : fs::recursive_directory_iterator(shared / "projects")) {
      if (entry.path().filename() == name) final_file = entry.path();
    }
    ASSERT_FALSE(final_file.empty()) << name;
    std::size_t written = 0;
    for (const fs::path& snapshot : snapshots) {
      const std::string text = read_file(snapshot);
      append(target_of(final_file), std::string_view(text).substr(written));
      written = text.size();
    }
    const std::string text = read_file(final_file);
    append(target_of(final_file), std::string_view(text).substr(written));
  }
  expect_caught_up(reference());
}

TEST_F(LiveDaemonTest, NewProjectAndSubagentDirectories) {
  CU_REQUIRE_SHARED_LOGS();
  start();
  const auto files = shared_files(6);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const fs::path nested = logs_ / "projects" / fmt::format("-new-project-{}", i) / "sess" / "subagents" /
                            fmt::format("agent-{}.jsonl", i);
    append(nested, read_file(files[i]));
  }
  expect_caught_up(reference());
}

// Rewrites, rotation and deletion: history is kept, so the reference is --once over everything
// that was ever written (a shadow copy that is only ever appended to).
TEST_F(LiveDaemonTest, TruncateRotateAndDelete) {
  CU_REQUIRE_SHARED_LOGS();
  const fs::path shadow = temp_.path() / "shadow";
  const auto files = shared_files(3);
  const fs::path project = logs_ / "projects" / "p";
  start();
  const std::string a = read_file(files[0]);
  const std::string b = read_file(files[1]);
  const std::string c = read_file(files[2]);
  append(project / "truncated.jsonl", a);
  append(project / "rotated.jsonl", b);
  append(project / "deleted.jsonl", c);
  expect_caught_up(reference());
  // Truncate and rewrite with the first half of another transcript.
  fs::resize_file(project / "truncated.jsonl", 0);
  append(project / "truncated.jsonl", b.substr(0, b.size()));
  // Rotate: rename away (no longer a transcript name), start a new file at the path.
  fs::rename(project / "rotated.jsonl", project / "rotated.jsonl.1");
  append(project / "rotated.jsonl", c.substr(0, c.find('\n') + 1));
  // Delete.
  fs::remove(project / "deleted.jsonl");
  // A file read again from 0 counts for what it holds now; a deleted one for what it held.
  append(shadow / "projects" / "p" / "truncated.jsonl", read_file(project / "truncated.jsonl"));
  append(shadow / "projects" / "p" / "rotated.jsonl", read_file(project / "rotated.jsonl"));
  append(shadow / "projects" / "p" / "deleted.jsonl", c);
  const Snapshot expected = reference(shadow);
  expect_caught_up(expected);
}

// SIGKILL at random moments of a backfill and of live appends: after the last restart has caught
// up, the tables equal one clean --once run.
TEST_F(LiveDaemonTest, SigkillAtRandomMomentsLosesAndDoublesNothing) {
  const fs::path corpus = generated_corpus();
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(corpus / "projects")) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  const std::size_t half = files.size() / 2;
  for (std::size_t i = 0; i < half; ++i) {
    append(logs_ / "projects" / fs::relative(files[i], corpus / "projects"), read_file(files[i]));
  }
  std::mt19937_64 random(5);
  std::size_t next = half;
  for (int run = 0; run < 20; ++run) {
    start();
    // The first ten kills land during the backfill, the others while files are appended.
    if (run >= 10) {
      for (int k = 0; k < 4 && next < files.size(); ++k, ++next) {
        const std::string text = read_file(files[next]);
        const fs::path target = logs_ / "projects" / fs::relative(files[next], corpus / "projects");
        append(target, std::string_view(text).substr(0, text.size() / 2));
        append(target, std::string_view(text).substr(text.size() / 2));
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 400));  // a random instant
    daemon_->kill_hard();
  }
  for (; next < files.size(); ++next) {
    append(logs_ / "projects" / fs::relative(files[next], corpus / "projects"), read_file(files[next]));
  }
  start();
  expect_caught_up(reference());
}

}  // namespace
}  // namespace cu::test
