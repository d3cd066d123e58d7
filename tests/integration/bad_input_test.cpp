// Bad input given to the real `claude-usaged --once` (SPEC §9): every malformed-line kind, mixed
// with good lines, is skipped and counted, never fatal, and leaves the good lines' totals exactly
// as they are without it. The small kinds are files in tests/data/bad/; the big or binary ones
// (a 64 MiB line, NUL bytes, 100000-deep nesting) are made here.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "integration/daemon_runner.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

const fs::path kBadData = fs::path(CU_SOURCE_DIR) / "tests" / "data" / "bad";
constexpr const char* kProject = "-home-ana-code-api";

std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> lines;
  const std::string text = read_file(path);
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

const std::vector<std::string>& good_lines() {
  static const std::vector<std::string> lines = lines_of(kBadData / "good.jsonl");
  return lines;
}

// The good lines with `bad` woven in: bad[0], good[0], bad[1], good[1], ... then the rest of
// either. Bad lines before their good twins matter: within a file the earlier line wins a tie.
std::string interleave(const std::vector<std::string>& bad) {
  const std::vector<std::string>& good = good_lines();
  std::string text;
  for (std::size_t i = 0; i < std::max(good.size(), bad.size()); ++i) {
    if (i < bad.size()) text += bad[i] + '\n';
    if (i < good.size()) text += good[i] + '\n';
  }
  return text;
}

// One --once run: its exit code, what it printed and the database it left.
struct OnceRun {
  int exit_code = -1;
  std::string output;
  std::optional<std::int64_t> skipped;  // from the closing "N lines skipped" info line
};

// A private log root, config and database; runs the real daemon at info level so that its
// closing summary line (with the skipped count) is printed.
class BadInputDaemon {
 public:
  BadInputDaemon() {
    setup_.work = temp_.path() / "work";
    setup_.claude_dirs = {temp_.path() / "claude"};
    fs::create_directories(setup_.work);
  }

  fs::path project_file(const std::string& name) const {
    return setup_.claude_dirs.front() / "projects" / kProject / name;
  }
  void write_log(const std::string& name, const std::string& text) const {
    write_file(project_file(name), text);
  }

  OnceRun run() const {
    write_file(setup_.config_path(),
               fmt::format("sources:\n  claude_dirs:\n    - {}\ntimezone: UTC\nidentity: {}\n"
                           "storage:\n  sqlite_path: {}\nlog:\n  level: info\n",
                           setup_.claude_dirs.front().string(), kTestIdentity,
                           setup_.database_path().string()));
    // Without JOURNAL_STREAM the daemon logs plain lines to stderr, which 2>&1 captures.
    const CommandResult result =
        run_command(fmt::format("env -u JOURNAL_STREAM {} --once --config {} 2>&1",
                                shell_quote((bin_dir() / "claude-usaged").string()),
                                shell_quote(setup_.config_path().string())));
    OnceRun run{result.exit_code, result.output, std::nullopt};
    std::smatch match;
    if (std::regex_search(run.output, match, std::regex(R"((\d+) lines skipped)"))) {
      run.skipped = std::stoll(match[1].str());
    }
    return run;
  }

  SqliteStore open_store() const { return setup_.open_store(); }

 private:
  TempDir temp_;
  DaemonSetup setup_;
};

// Everything the good lines put in the database.
struct Tables {
  std::int64_t events = 0;
  std::vector<DailySummaryRow> daily;
  std::vector<ModelDailyRow> model_daily;
  std::vector<SessionRow> sessions;

  static Tables of(const BadInputDaemon& daemon) {
    SqliteStore store = daemon.open_store();
    return {store.event_count(), store.daily_summaries(), store.model_daily(), store.sessions()};
  }
};

// Rows equal but for cost_usd, which must agree within 1e-9 $: when a bad line that duplicates a
// good one is kept in its place, sums run in another order and may differ in the last bit.
template <typename Row>
void expect_same_rows(std::vector<Row> actual, std::vector<Row> expected, const char* table) {
  ASSERT_EQ(actual.size(), expected.size()) << table;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i].cost_usd, expected[i].cost_usd, 1e-9) << table << " row " << i;
    actual[i].cost_usd = expected[i].cost_usd = 0;
    EXPECT_TRUE(actual[i] == expected[i]) << table << " row " << i;
  }
}

void expect_same_tables(const Tables& actual, const Tables& expected) {
  EXPECT_EQ(actual.events, expected.events);
  expect_same_rows(actual.daily, expected.daily, "daily_usage_summary");
  expect_same_rows(actual.model_daily, expected.model_daily, "model_daily_usage");
  expect_same_rows(actual.sessions, expected.sessions, "claude_sessions");
}

// A bad-input kind: the bad lines of one log, and how many of them SPEC §9 counts as skipped.
// Lines that cannot carry usage are only checked for object shape and UTF-8 (line_parser.h),
// and some kinds are well-formed lines in disguise (duplicated keys, deep unread members) whose
// entries equal a good line's: both count 0 skips and must still leave the totals alone.
struct BadKind {
  std::string name;
  std::vector<std::string> lines;
  std::int64_t skipped = 0;
};

// `depth` nested arrays around `inner`.
std::string nested_arrays(std::size_t depth, const std::string& inner) {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

// good_lines()[index] with `member` added as its first member.
std::string good_with_first_member(std::size_t index, const std::string& member) {
  return "{" + member + "," + good_lines()[index].substr(1);
}

constexpr std::size_t kDeep = 100000;

BadKind deep_nesting() {
  const std::string usage =
      R"("usage":{"input_tokens":)" + nested_arrays(kDeep, "1") + R"(,"output_tokens":1})";
  std::string deep_objects;
  for (std::size_t i = 0; i < kDeep; ++i) deep_objects += R"({"a":)";
  deep_objects += R"({"usage":{"input_tokens":1,"output_tokens":1}})" + std::string(kDeep, '}');
  return {"deep_nesting",
          {R"({"type":"assistant","timestamp":"2025-08-01T12:00:00Z","message":{"id":"msg_b90",)" +
               usage + "}}",
           good_with_first_member(3, R"("toolUseResult":)" + nested_arrays(kDeep, "{}")),
           R"({"type":"user","message":{"content":)" + nested_arrays(kDeep, R"("x")") + "}}",
           R"({"type":"user","data":)" + deep_objects + "}"},
          1};
}

BadKind giant_lines() {
  const std::string over_limit =
      R"({"type":"user","toolUseResult":")" + std::string((64u << 20) + 16, 'x') + R"("})";
  return {"giant_lines",
          {over_limit,
           good_with_first_member(7, R"("toolUseResult":")" + std::string(8u << 20, 'y') + "\"")},
          1};
}

BadKind nul_bytes() {
  return {"nul_bytes", {std::string(65536, '\0'), std::string(100, '\0') + "{}"}, 2};
}

std::vector<BadKind> committed_kinds() {
  const std::vector<std::pair<std::string, std::int64_t>> kinds = {
      {"garbage", 11},     {"truncated", 5},   {"wrong_types", 11},   {"negative_counts", 6},
      {"float_counts", 6}, {"beyond_2_64", 6}, {"duplicate_keys", 0}, {"invalid_utf8", 5}};
  std::vector<BadKind> result;
  for (const auto& [name, skipped] : kinds)
    result.push_back({name, lines_of(kBadData / (name + ".jsonl")), skipped});
  return result;
}

class BadInputTest : public ::testing::Test {
 protected:
  // The daemon on the good lines alone: what every bad-input run must equal.
  static void SetUpTestSuite() {
    BadInputDaemon daemon;
    daemon.write_log("s-good.jsonl", interleave({}));
    const OnceRun run = daemon.run();
    ASSERT_EQ(run.exit_code, 0) << run.output;
    ASSERT_EQ(run.skipped, 0) << run.output;
    expected_ = new Tables(Tables::of(daemon));
  }
  static void TearDownTestSuite() {
    delete expected_;
    expected_ = nullptr;
  }

  // Ingests the good lines mixed with `kind`'s lines and checks the promise of SPEC §9.
  static void check_kind(const BadKind& kind,
                         const std::vector<std::pair<std::string, std::string>>& extra_files = {}) {
    SCOPED_TRACE(kind.name);
    ASSERT_NE(expected_, nullptr);
    BadInputDaemon daemon;
    daemon.write_log("s-good.jsonl", interleave(kind.lines));
    for (const auto& [name, text] : extra_files) daemon.write_log(name, text);
    const OnceRun run = daemon.run();
    ASSERT_EQ(run.exit_code, 0) << run.output.substr(0, 4000);
    EXPECT_EQ(run.skipped, kind.skipped) << run.output.substr(0, 4000);
    expect_same_tables(Tables::of(daemon), *expected_);

    // Skipped lines are consumed: a second run reads nothing new and changes nothing.
    const OnceRun again = daemon.run();
    ASSERT_EQ(again.exit_code, 0) << again.output.substr(0, 4000);
    EXPECT_EQ(again.skipped, 0);
    expect_same_tables(Tables::of(daemon), *expected_);
  }

  static Tables* expected_;
};

Tables* BadInputTest::expected_ = nullptr;

TEST_F(BadInputTest, GoodLinesAloneMakeEvents) {
  ASSERT_NE(expected_, nullptr);
  EXPECT_EQ(expected_->events,
            6);  // 8 lines: one user line; the two lines of one streamed response
  EXPECT_EQ(expected_->daily.size(), 2u);
  EXPECT_EQ(expected_->sessions.size(), 1u);
}

TEST_F(BadInputTest, Garbage) { check_kind(committed_kinds()[0]); }
TEST_F(BadInputTest, TruncatedJson) { check_kind(committed_kinds()[1]); }
TEST_F(BadInputTest, WrongTypes) { check_kind(committed_kinds()[2]); }
TEST_F(BadInputTest, NegativeCounts) { check_kind(committed_kinds()[3]); }
TEST_F(BadInputTest, FloatCounts) { check_kind(committed_kinds()[4]); }
TEST_F(BadInputTest, NumbersBeyond64Bits) { check_kind(committed_kinds()[5]); }
TEST_F(BadInputTest, DuplicatedKeysTakeTheLastValue) { check_kind(committed_kinds()[6]); }
TEST_F(BadInputTest, InvalidUtf8) { check_kind(committed_kinds()[7]); }
TEST_F(BadInputTest, DeeplyNestedJson) { check_kind(deep_nesting()); }
TEST_F(BadInputTest, GiantLines) { check_kind(giant_lines()); }

// NUL runs as a copytruncate leaves them, between lines; and a file of nothing but NULs with no
// newline, which is an unfinished line: never consumed, so not counted either.
TEST_F(BadInputTest, NulBytes) {
  check_kind(nul_bytes(), {{"s-nul.jsonl", std::string(1u << 20, '\0')}});
}

// Every committed kind and the deep nesting in one file.
TEST_F(BadInputTest, AllKindsTogether) {
  BadKind all{"all", {}, 0};
  for (BadKind kind : committed_kinds()) {
    all.lines.insert(all.lines.end(), kind.lines.begin(), kind.lines.end());
    all.skipped += kind.skipped;
  }
  const BadKind deep = deep_nesting();
  all.lines.insert(all.lines.end(), deep.lines.begin(), deep.lines.end());
  all.skipped += deep.skipped;
  check_kind(all);
}

// Many bad lines in one file are each counted, but their warnings are rate-limited (SPEC §8).
TEST_F(BadInputTest, ManyBadLinesAreCountedAndWarnedAboutSparingly) {
  BadInputDaemon daemon;
  std::vector<std::string> bad(2000, "garbage that is not JSON");
  daemon.write_log("s-good.jsonl", interleave(bad));
  const OnceRun run = daemon.run();
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.skipped, 2000);
  std::size_t warnings = 0;
  for (std::size_t at = run.output.find("skipped line"); at != std::string::npos;
       at = run.output.find("skipped line", at + 1)) {
    ++warnings;
  }
  EXPECT_GE(warnings, 1u);
  EXPECT_LT(warnings, 100u);
  expect_same_tables(Tables::of(daemon), *expected_);
}

}  // namespace
}  // namespace cu::test
