// bench_live: how fast the running daemon makes an appended line visible, and what following the
// logs costs (SPEC §10). Usage:
//   bench_live --bin-dir build/bin --history-mb 50 [--appends 1000] [--append-mb 20] [--idle-seconds 60]
//              [--history-args "--seed 3"]
// Generates a corpus of --history-mb with cu-gen-logs (and --history-args: e.g. "--seed 2 --months
// 12 --tool-result-scale 0.3" for a year of a heavy user), starts claude-usaged on it, waits for the
// backfill, then measures (1) append → row in usage_events latency over --appends single-line
// appends, (2) daemon CPU seconds per appended MB over --append-mb of realistic log text,
// (3) daemon CPU over --idle-seconds of idleness, (4) daemon RSS. Prints one Markdown table row.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/event_keys.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  fs::path bin_dir = "build/bin";
  double history_mb = 50;
  std::string history_args = "--seed 3";
  int appends = 1000;
  double append_mb = 20;
  int idle_seconds = 60;
  fs::path work = "/tmp/cu-bench-live";
};

// utime + stime of `pid` in seconds, from /proc/<pid>/stat.
double cpu_seconds(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto fields = text.substr(text.rfind(')') + 2);
  std::istringstream parts(fields);
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int i = 3; parts >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

long rss_kb(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

constexpr const char* kIdentity = "bench@live";

// Whether the appended line with `message_id` is stored: looked up through the daemon's message
// index by the id's key (schema/sqlite/014), so that observing costs the same at any history size.
std::int64_t count(SQLite::Database& db, const std::string& message_id) {
  SQLite::Statement query(db, "SELECT COUNT(*) FROM usage_events WHERE message_key = ?3 AND source = ?1"
                              " AND project = '-home-bench' AND session_id = 'live' AND message_id = ?2");
  query.bind(1, kIdentity);
  query.bind(2, message_id);
  query.bind(3, cu::message_key(message_id));
  query.executeStep();
  return query.getColumn(0).getInt64();
}

// Stamped with the current minute, as Claude Code stamps what it appends: a line stamped inside
// the history is a late event, after which every 5-hour block from its time on is computed again
// (a month back in a year-long history: ~80 ms per commit), which is not what following costs.
std::string line(int n) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char minute[32];
  std::strftime(minute, sizeof(minute), "%Y-%m-%dT%H:%M", &utc);
  return fmt::format(
      R"({{"type":"assistant","timestamp":"{}:00.{:03}Z","requestId":"req_bench_{}",)"
      R"("cwd":"/home/bench","message":{{"id":"msg_bench_{}","model":"claude-sonnet-4-5-20250929",)"
      R"("usage":{{"input_tokens":12,"output_tokens":340,"cache_creation_input_tokens":1200,)"
      R"("cache_read_input_tokens":45000}}}}}})",
      minute, n % 1000, n, n) + "\n";
}

void append(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"bench_live: append-to-visible latency and cost of following the logs"};
  app.add_option("--bin-dir", options.bin_dir);
  app.add_option("--history-mb", options.history_mb);
  app.add_option("--history-args", options.history_args, "cu-gen-logs options for the history");
  app.add_option("--appends", options.appends);
  app.add_option("--append-mb", options.append_mb);
  app.add_option("--idle-seconds", options.idle_seconds);
  app.add_option("--work", options.work);
  CLI11_PARSE(app, argc, argv);

  fs::remove_all(options.work);
  const fs::path logs = options.work / "logs";
  const fs::path extra = options.work / "extra";
  const std::string gen = (options.bin_dir / "cu-gen-logs").string();
  if (std::system(fmt::format("{} --out {} --size-mb {} {} >/dev/null", gen, logs.string(), options.history_mb, options.history_args).c_str()) != 0 ||
      std::system(fmt::format("{} --out {} --size-mb {} --seed 4 --start 2026-10-01 --months 1 >/dev/null", gen, extra.string(), options.append_mb).c_str()) != 0) {
    std::fprintf(stderr, "cu-gen-logs failed\n");
    return 1;
  }
  const fs::path db_path = options.work / "usage.db";
  std::ofstream(options.work / "config.yaml") << fmt::format(
      "sources:\n  claude_dirs: [{}]\ntimezone: UTC\nidentity: {}\nstorage:\n  sqlite_path: {}\nctl:\n"
      "  socket: {}\nlog:\n  level: warning\n",
      logs.string(), kIdentity, db_path.string(), (options.work / "ctl.sock").string());

  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string daemon = (options.bin_dir / "claude-usaged").string();
    const std::string config = (options.work / "config.yaml").string();
    ::execl(daemon.c_str(), daemon.c_str(), "--config", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Backfill done when the daemon says it is watching (the closing refresh of a large backfill
  // can leave the event count unchanged for seconds), and the count has stopped changing.
  const std::string watching = fmt::format("{} --socket {} status --json 2>/dev/null | grep -q '\"state\": \"watching\"'",
                                         (options.bin_dir / "claude-usagectl").string(),
                                         (options.work / "ctl.sock").string());
  while (std::system(watching.c_str()) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::int64_t last = -1;
  for (int stable = 0; stable < 10;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!fs::exists(db_path)) continue;
    std::int64_t now = 0;
    try {
      SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
      db.setBusyTimeout(5000);
      now = db.execAndGet("SELECT COUNT(*) FROM usage_events").getInt64();
    } catch (const SQLite::Exception&) {
      continue;  // the daemon has created the file but not its tables yet
    }
    stable = now == last && now > 0 ? stable + 1 : 0;
    last = now;
  }

  // (1) Latency of single appended lines.
  SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
  db.setBusyTimeout(5000);
  const fs::path live_file = logs / "projects" / "-home-bench" / "live.jsonl";
  fs::create_directories(live_file.parent_path());
  append(live_file, line(0));
  while (count(db, "msg_bench_0") == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<double> latencies_ms;
  for (int n = 1; n <= options.appends; ++n) {
    const auto start = Clock::now();
    append(live_file, line(n));
    const std::string id = fmt::format("msg_bench_{}", n);
    while (count(db, id) == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }

  // (2) CPU per appended MB: copy a month of generated logs in, file by file.
  const double cpu_before = cpu_seconds(pid);
  std::uintmax_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(extra / "projects")) {
    if (!entry.is_regular_file()) continue;
    const fs::path target = logs / "projects" / ("x" + fs::relative(entry.path(), extra / "projects").string());
    fs::create_directories(target.parent_path());
    std::ifstream in(entry.path(), std::ios::binary);
    append(target, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    bytes += entry.file_size();
  }
  const std::string last_id = fmt::format("msg_bench_{}", options.appends + 1);
  append(live_file, line(options.appends + 1));  // a marker written after everything else
  while (count(db, last_id) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double cpu_per_mb = (cpu_seconds(pid) - cpu_before) / (static_cast<double>(bytes) / 1e6);

  // (3) Idle CPU.
  const double idle_before = cpu_seconds(pid);
  std::this_thread::sleep_for(std::chrono::seconds(options.idle_seconds));
  const double idle_cpu = cpu_seconds(pid) - idle_before;
  const long rss = rss_kb(pid);

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::printf("| %.0f MB | %.1f ms | %.1f ms | %.1f ms | %.3f s | %.2f s over %d s | %ld MB |\n",
              options.history_mb, percentile(latencies_ms, 0.5), percentile(latencies_ms, 0.99),
              percentile(latencies_ms, 1.0), cpu_per_mb, idle_cpu, options.idle_seconds, rss / 1024);
  fs::remove_all(options.work);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
