// cu-soak: a bounded end-to-end soak of the real claude-usaged (docs/RELIABILITY.md, "Soak").
// Writer threads replay a generated corpus like concurrent Claude Code sessions (some of it with a
// model no built-in price knows) while a chaos loop kills and restarts the daemon, stops PostgreSQL
// or points it at one that never answers, rotates/truncates/deletes files, overflows the inotify
// queue, exhausts the watch limit, reloads good and bad configs, moves the machine to another time
// zone, prices the unknown model and changes the machine's identity, and a ctl
// thread hammers the socket. At the end the daemon's SQLite and PostgreSQL tables must equal a
// clean `--once` run with the final configuration and zone over the final files plus the last
// version of each file the chaos moved away or deleted and that nothing replaced, with no row left
// under a former identity. Prints one summary line; exits 0 only without mismatches and problems.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <random>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "ctl/control_client.h"
#include "integration/daemon_runner.h"
#include "integration/fake_postgres.h"
#include "integration/live_daemon.h"
#include "soak/chaos.h"
#include "soak/ctl_hammer.h"
#include "soak/table_compare.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cu::soak::SoakContext;

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  cu::soak::restore_watch_limit_now();
  g_interrupted = true;
}

struct Options {
  int duration_s = 600;
  std::uint64_t seed = 1;
  int sessions = 6;
  bool no_postgres = false;
  bool no_sysctl = false;
  double corpus_mb = 0;  // 0: from duration and sessions
  std::string work;      // default: a new temporary directory, removed unless --keep
  bool keep = false;
  int catch_up_s = 600;
  bool no_identity_changes = false;
};

// The built-in model whose name the corpus gets as cu::soak::kUnknownModel instead.
constexpr const char* kRenamedModel = "claude-opus-4-1-20250805";
constexpr const char* kFirstZone = "UTC";

// Sleeps up to `duration`, returning early when interrupted.
void nap(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!g_interrupted && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
}

fs::path make_work_dir(const Options& options) {
  if (!options.work.empty()) {
    fs::create_directories(options.work);
    return fs::absolute(options.work);
  }
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/cu-soak-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Runs the reference `claude-usaged --once` in `dir` with `final_config`'s identity, prices and
// `timezone: local` under TZ=`zone`, over its roots and `archive_roots`; returns its database.
fs::path make_reference(const fs::path& dir, cu::soak::DaemonConfig final_config,
                        const std::vector<fs::path>& archive_roots, const std::string& zone) {
  fs::create_directories(dir);
  final_config.database = dir / "usage.db";
  final_config.socket = dir / "ctl.sock";
  final_config.postgres_url.clear();
  final_config.more_roots = archive_roots;
  cu::test::write_file(dir / "config.yaml", cu::soak::render_good_config(final_config));
  const std::string command = fmt::format("TZ={} {} --once --config {} >{} 2>&1", cu::test::shell_quote(zone),
                                          cu::test::shell_quote((cu::test::bin_dir() / "claude-usaged").string()),
                                          cu::test::shell_quote((dir / "config.yaml").string()),
                                          cu::test::shell_quote((dir / "once.log").string()));
  if (cu::test::run_command(command).exit_code != 0) {
    throw std::runtime_error("the reference --once run failed: " + cu::test::read_file(dir / "once.log"));
  }
  return final_config.database;
}

std::string mb(std::int64_t bytes) { return fmt::format("{:.0f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0)); }

int run(const Options& options) {
  SoakContext context;
  const fs::path work = make_work_dir(options);
  fmt::print(stderr, "soak: working in {}\n", work.string());
  const fs::path staging = work / "staging";
  const fs::path logs = work / "logs";
  fs::create_directories(logs / "projects");
  fs::create_directories(work / "live");

  // The corpus: about 0.03 MB per second and session (lines average 2.4 KB; bursts dominate).
  const double corpus_mb =
      options.corpus_mb > 0 ? options.corpus_mb : std::max(6.0, options.duration_s * options.sessions * 0.03);
  const std::string generate = fmt::format("{} --out {} --size-mb {} --seed {} --months 3 >/dev/null",
                                           cu::test::shell_quote((cu::test::bin_dir() / "cu-gen-logs").string()),
                                           cu::test::shell_quote(staging.string()), corpus_mb, options.seed);
  if (cu::test::run_command(generate).exit_code != 0) throw std::runtime_error("cu-gen-logs failed: " + generate);
  if (cu::soak::rename_model(staging / "projects", kRenamedModel, cu::soak::kUnknownModel) == 0) {
    context.note(fmt::format("the corpus has no {} to rename: no unknown model", kRenamedModel));
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(staging / "projects")) {
    if (entry.is_regular_file() && entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::mt19937_64 random(options.seed);
  std::shuffle(files.begin(), files.end(), random);

  cu::soak::WatchLimitGuard watch_limit;
  const bool watch_faults = !options.no_sysctl && watch_limit.available();
  if (!options.no_sysctl && !watch_limit.available()) {
    context.note("max_user_watches is not writable (not root): no watch-limit faults");
  }
  std::vector<fs::path> spare;
  if (watch_faults) {
    const std::size_t count = std::min<std::size_t>(8, files.size() / 10);
    spare.assign(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(count));
    files.erase(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(count));
  }
  // A fifth of the corpus is there before the daemon starts: its first run is a backfill.
  cu::soak::Tree tree(logs);
  const std::size_t seeded = files.size() / 5;
  for (std::size_t i = 0; i < seeded; ++i) {
    const fs::path relative = files[i].lexically_relative(staging / "projects");
    tree.lock_of(relative);
    cu::soak::append_bytes(tree.projects() / relative, cu::soak::slurp(files[i]));
  }
  files.erase(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(seeded));

  std::unique_ptr<cu::soak::PrivatePostgres> postgres;
  std::unique_ptr<cu::test::FakePostgres> hung_postgres;  // accepts connections, never answers
  if (!options.no_postgres) {
    std::string why;
    postgres = cu::soak::PrivatePostgres::start(fs::temp_directory_path() / fmt::format("cu-soak-pg-{}", ::getpid()), why);
    if (!postgres) {
      if (cu::test::running_in_ci()) throw std::runtime_error("PostgreSQL is required under CI=true: " + why);
      context.note(why + "; running without PostgreSQL");
    } else {
      hung_postgres = std::make_unique<cu::test::FakePostgres>(cu::test::FakePostgres::Mode::kSilent);
    }
  }

  cu::soak::DaemonConfig config{logs, work / "live" / "usage.db", work / "live" / "ctl.sock",
                                postgres ? postgres->url() : "", cu::test::kTestIdentity};
  const fs::path config_path = work / "live" / "config.yaml";
  cu::test::write_file(config_path, cu::soak::render_good_config(config));
  cu::soak::DaemonProcess daemon(cu::test::bin_dir() / "claude-usaged", config_path, work / "live" / "daemon.log",
                                 {{"TZ", kFirstZone}});

  cu::soak::Archive archive(work);
  cu::soak::Chaos chaos(cu::soak::ChaosSetup{daemon, tree, archive, context, config, config_path,
                                             postgres.get(), watch_faults ? &watch_limit : nullptr,
                                             spare, options.seed, hung_postgres.get(), !options.no_identity_changes,
                                             kFirstZone, std::chrono::seconds(options.duration_s)});
  context.begin_disruption();  // until the first answer
  if (!cu::test::wait_until([&] {
        try {
          cu::soak::daemon_status(config.socket, 2s);
          return true;
        } catch (const cu::ctl::ClientError&) {
          return false;
        }
      }, 120s)) {
    context.problem("the daemon does not answer within 120 s of its first start");
  }
  context.end_disruption();

  cu::soak::Writers writers(tree, staging, files, cu::soak::WriterOptions{options.sessions, options.seed});
  cu::soak::CtlHammer hammer(config.socket, context, options.seed);
  writers.start();
  hammer.start();
  const auto started = std::chrono::steady_clock::now();
  const auto end = started + std::chrono::seconds(options.duration_s);
  std::uniform_int_distribution<int> gap_ms(300, 2500);
  while (!g_interrupted && std::chrono::steady_clock::now() < end) {
    chaos.tick();
    nap(std::chrono::milliseconds(gap_ms(random)));
    if (g_interrupted || std::chrono::steady_clock::now() >= end) break;
    chaos.inject_one();
  }
  if (writers.finished()) context.note("the writers ran out of corpus before the end (raise --corpus-mb)");
  writers.stop();
  chaos.settle();
  hammer.stop();
  if (g_interrupted) throw std::runtime_error("interrupted");

  // The reference: one clean --once over the final tree and the archive of the files it lost,
  // with the final configuration (identity, prices) and zone.
  archive.drop_present(tree.projects());
  const std::string identity = chaos.config().identity;
  const fs::path reference_database = make_reference(work / "reference", chaos.config(), archive.roots(), chaos.time_zone());
  cu::SqliteStore expected(reference_database, identity);

  // Catching up: SQLite equal to the reference, nothing waiting for PostgreSQL.
  cu::PostgresOptions postgres_options;
  if (postgres) postgres_options.url = postgres->url();
  // Waits for equality; gives up early when the daemon has settled (nothing waiting, nothing
  // changing for a minute) without reaching it: the comparison below then says what differs.
  std::string last_state;
  std::int64_t last_events = -1;
  auto last_change = std::chrono::steady_clock::now();
  bool settled_unequal = false;
  const bool caught_up = cu::test::wait_until(
      [&] {
        if (g_interrupted) return true;
        chaos.tick();
        try {
          const nlohmann::json status = cu::soak::daemon_status(config.socket, 10s);
          const std::int64_t events = status.value("events", std::int64_t{-1});
          const std::int64_t backlog = status.value("backlog_events", std::int64_t{-1});
          last_state = fmt::format("backend {}, backlog {}, events {}", status.value("backend", "?"), backlog, events);
          if (events != last_events || backlog != 0) {
            last_events = events;
            last_change = std::chrono::steady_clock::now();
          }
          if (backlog != 0) return false;
          if (postgres && status.value("backend", "") != "postgres") return false;
          cu::SqliteStore live(config.database, identity);
          bool equal = cu::soak::same_events_and_days(expected, live);
          if (equal && postgres) {
            cu::PostgresStore remote(postgres_options, identity);
            equal = cu::soak::same_events_and_days(expected, remote);
          }
          settled_unequal = !equal && std::chrono::steady_clock::now() - last_change > 60s;
          return equal || settled_unequal;
        } catch (const std::exception& error) {
          last_state = error.what();
          return false;
        }
      },
      std::chrono::seconds(options.catch_up_s));
  if (g_interrupted) throw std::runtime_error("interrupted");
  if (settled_unequal) context.note(fmt::format("settled without equality ({}); comparing", last_state));
  if (!caught_up) context.note(fmt::format("not caught up within {} s ({}); comparing anyway", options.catch_up_s, last_state));
  if (const auto status = daemon.exited_on_its_own()) {
    context.problem(fmt::format("the daemon exited on its own with status {}", *status));
  }
  const int exit_status = daemon.terminate();
  if (exit_status != 0) context.problem(fmt::format("SIGTERM: the daemon exited with status {}", exit_status));

  cu::SqliteStore live(config.database, identity);
  cu::soak::Comparison sqlite = cu::soak::compare_stores(expected, live);
  for (const std::string& former : chaos.former_identities()) {
    cu::SqliteStore left(config.database, former);
    cu::soak::count_left_behind(former, left, sqlite);
  }
  for (const std::string& line : sqlite.details) fmt::print("soak: sqlite {}\n", line);
  cu::soak::Comparison remote_result;
  if (postgres) {
    cu::PostgresStore remote(postgres_options, identity);
    remote_result = cu::soak::compare_stores(expected, remote);
    for (const std::string& former : chaos.former_identities()) {
      cu::PostgresStore left(postgres_options, former);
      cu::soak::count_left_behind(former, left, remote_result);
    }
    for (const std::string& line : remote_result.details) fmt::print("soak: postgres {}\n", line);
  }

  const cu::soak::WriterTotals written = writers.totals();
  std::string faults;
  for (const auto& [kind, n] : context.counts()) faults += fmt::format(" {}={}", kind, n);
  const std::int64_t mismatches = sqlite.mismatches + remote_result.mismatches;
  const auto problems = context.problems();
  for (const std::string& problem : problems) fmt::print("soak: problem: {}\n", problem);
  fmt::print("soak: observed: watch_mode polling {}, backend sqlite-fallback {}; archive {} in {} roots; "
             "{} ctl answers timed (median {:.1f} ms, p99 {:.1f} ms), {} while PostgreSQL hung (max {:.0f} ms); "
             "{} warned {}; final zone {}, identity {}\n",
             context.saw_polling ? "yes" : "no", context.saw_sqlite_fallback ? "yes" : "no", mb(archive.bytes()),
             archive.roots().size(), hammer.valid_answered(), hammer.latency_percentile_ms(50),
             hammer.latency_percentile_ms(99), hammer.hung_answered(), hammer.hung_max_latency_ms(),
             cu::soak::kUnknownModel,
             daemon.count_in_log(fmt::format("unknown model \"{}\"", cu::soak::kUnknownModel)) > 0 ? "yes" : "no",
             chaos.time_zone(), identity);
  fmt::print("soak: {} s seed {} sessions {} — faults{}; written {} lines ({}, {} bursts); events checked {} "
             "(sqlite) {}; mismatches {}; problems {}; peak RSS {}; max ctl latency {:.0f} ms ({})\n",
             options.duration_s, options.seed, options.sessions, faults, written.lines, mb(written.bytes),
             written.bursts, sqlite.events_checked,
             postgres ? fmt::format("{} (postgres)", remote_result.events_checked) : std::string("- (no postgres)"),
             mismatches, problems.size(), mb(daemon.peak_rss()), hammer.max_latency_ms(), hammer.slowest_command());
  const bool passed = mismatches == 0 && problems.empty();
  if (!options.keep && passed) {
    std::error_code ignored;
    fs::remove_all(work, ignored);
  } else {
    fmt::print(stderr, "soak: kept {}\n", work.string());
  }
  return passed ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cu-soak: bounded fault-injection soak of claude-usaged"};
  Options options;
  app.add_option("--duration", options.duration_s, "seconds of workload and chaos (default 600)");
  app.add_option("--seed", options.seed, "random seed (corpus, writers, chaos)");
  app.add_option("--sessions", options.sessions, "concurrent writer sessions (default 6)")->check(CLI::Range(1, 64));
  app.add_flag("--no-postgres", options.no_postgres, "SQLite only: no private PostgreSQL, no PostgreSQL faults");
  app.add_flag("--no-sysctl", options.no_sysctl, "never lower /proc/sys/fs/inotify/max_user_watches");
  app.add_option("--corpus-mb", options.corpus_mb, "size of the generated corpus (default: from duration)");
  app.add_option("--work", options.work, "working directory (default: a new temporary one)");
  app.add_flag("--keep", options.keep, "keep the working directory (it is always kept on failure)");
  app.add_option("--catch-up", options.catch_up_s, "seconds the daemon gets to catch up at the end (default 600)");
  app.add_flag("--no-identity-changes", options.no_identity_changes, "never change `identity`");
  CLI11_PARSE(app, argc, argv);

  std::signal(SIGPIPE, SIG_IGN);
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  try {
    return run(options);
  } catch (const std::exception& error) {
    cu::soak::restore_watch_limit_now();
    fmt::print(stderr, "cu-soak: {}\n", error.what());
    return 2;
  }
}
