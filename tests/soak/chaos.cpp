#include "soak/chaos.h"

#include <csignal>
#include <fstream>
#include <map>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/control_client.h"
#include "integration/live_daemon.h"
#include "soak/ctl_hammer.h"
#include "support/test_support.h"

namespace cu::soak {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kOverflowLog = "inotify queue overflowed";
constexpr const char* kWatchLimitLog = "inotify watch limit reached";
constexpr const char* kReloadedLog = "configuration reloaded";
constexpr const char* kReloadFailedLog = "reload failed";

struct FileNow {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
};

std::optional<FileNow> stat_file(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileNow{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                 static_cast<std::int64_t>(st.st_size)};
}

std::int64_t read_proc_number(const char* path) {
  std::ifstream in(path);
  std::int64_t value = 0;
  in >> value;
  return value;
}

std::string tail_of(const std::string& text, std::size_t bytes) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

}  // namespace

std::optional<CommittedCheckpoint> committed_checkpoint(const fs::path& database, const fs::path& path) {
  try {
    SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    SQLite::Statement query(db, "SELECT device, inode, offset FROM ingest_checkpoints WHERE path = ?");
    query.bind(1, path.string());
    if (!query.executeStep()) return std::nullopt;
    return CommittedCheckpoint{static_cast<std::uint64_t>(query.getColumn(0).getInt64()),
                               static_cast<std::uint64_t>(query.getColumn(1).getInt64()),
                               query.getColumn(2).getInt64()};
  } catch (const std::exception&) {
    return std::nullopt;  // not created yet, or busy beyond the timeout: the caller waits again
  }
}

Chaos::Chaos(ChaosSetup setup) : s_(std::move(setup)), random_(s_.seed * 104729 + 3) {}

bool Chaos::wait_answering(std::chrono::seconds timeout) {
  return test::wait_until(
      [&] {
        try {
          daemon_status(s_.config.socket, 2s);
          return true;
        } catch (const ctl::ClientError&) {
          return false;
        }
      },
      timeout);
}

void Chaos::write_config(const std::string& text) {
  const fs::path temporary = s_.config_path.string() + ".new";
  test::write_file(temporary, text);
  fs::rename(temporary, s_.config_path);  // the daemon never reads half a file
}

void Chaos::restart_after_crash(int status) {
  s_.context.problem(fmt::format("the daemon exited on its own with status {}; log tail:\n{}", status,
                                 tail_of(s_.daemon.log_text(), 3000)));
  s_.context.count("crash");
  s_.context.begin_disruption();
  s_.daemon.start();
  ++generation_;
  wait_answering(120s);
  s_.context.end_disruption();
}

void Chaos::tick() {
  if (const auto status = s_.daemon.exited_on_its_own()) restart_after_crash(*status);
  s_.daemon.sample_peak_rss();
  if (s_.postgres != nullptr && s_.postgres->paused() && std::chrono::steady_clock::now() >= postgres_back_at_) {
    if (!s_.postgres->resume()) s_.context.problem("scripts/pg-test-server resume failed");
  }
}

void Chaos::settle() {
  tick();
  if (s_.postgres != nullptr && s_.postgres->paused() && !s_.postgres->resume()) {
    s_.context.problem("scripts/pg-test-server resume failed");
  }
  if (s_.watch_limit != nullptr) s_.watch_limit->restore();
  write_config(render_good_config(s_.config));
}

void Chaos::inject_one() {
  struct Kind {
    double weight;
    void (Chaos::*run)();
  };
  std::vector<Kind> kinds = {
      {3, &Chaos::kill_and_restart}, {2, &Chaos::rotate}, {2, &Chaos::truncate}, {2, &Chaos::remove},
      {1, &Chaos::overflow_queue},
  };
  if (s_.postgres != nullptr && !s_.postgres->paused()) kinds.push_back({2, &Chaos::pause_postgres});
  if (s_.watch_limit != nullptr && s_.watch_limit->available() && next_spare_ < s_.spare_files.size() &&
      watch_fault_generation_ != generation_) {
    kinds.push_back({1, &Chaos::exhaust_watches});
  }
  std::vector<double> weights;
  for (const Kind& kind : kinds) weights.push_back(kind.weight);
  weights.push_back(1.5);  // good reload
  weights.push_back(1.5);  // bad reload
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  const std::size_t chosen = pick(random_);
  if (chosen < kinds.size()) {
    (this->*kinds[chosen].run)();
  } else {
    reload(chosen == kinds.size());
  }
}

void Chaos::kill_and_restart() {
  if (const auto status = s_.daemon.exited_on_its_own()) restart_after_crash(*status);
  s_.context.begin_disruption();
  s_.daemon.kill_hard();
  s_.daemon.start();
  ++generation_;
  if (!wait_answering(120s)) s_.context.problem("the daemon does not answer within 120 s of a restart");
  s_.context.end_disruption();
  s_.context.count("kill");
}

void Chaos::pause_postgres() {
  if (!s_.postgres->pause()) {
    s_.context.problem("scripts/pg-test-server pause failed");
    return;
  }
  postgres_back_at_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(2000 + random_() % 6000);
  s_.context.count("pg_stop");
}

std::optional<Chaos::Picked> Chaos::pick_file() {
  std::vector<fs::path> files = s_.tree.files();
  for (int attempt = 0; attempt < 20 && !files.empty(); ++attempt) {
    // Half of the picks among the files begun last: those the writers (and the daemon) are busy with.
    const std::size_t recent = std::min<std::size_t>(files.size(), 12);
    const fs::path& relative = random_() % 2 == 0 ? files[files.size() - 1 - random_() % recent]
                                                  : files[random_() % files.size()];
    const fs::path path = s_.tree.projects() / relative;
    if (fs::is_regular_file(path) && fs::file_size(path) > 0) return Picked{relative, path};
  }
  return std::nullopt;
}

bool Chaos::wait_consumed(const fs::path& path, std::chrono::seconds timeout) {
  const bool consumed = test::wait_until(
      [&] {
        const auto now = stat_file(path);
        const auto checkpoint = committed_checkpoint(s_.config.database, path);
        return now && checkpoint && checkpoint->device == now->device && checkpoint->inode == now->inode &&
               checkpoint->offset == now->size;
      },
      timeout);
  if (!consumed) {
    const auto now = stat_file(path);
    const auto checkpoint = committed_checkpoint(s_.config.database, path);
    s_.context.problem(fmt::format("the daemon did not consume {} within {} s (size {}, checkpoint {})",
                                   path.string(), timeout.count(), now ? now->size : -1,
                                   checkpoint ? checkpoint->offset : -1));
  }
  return consumed;
}

// Copytruncate, once the daemon has read the file: its events must then be replaced by what the
// file holds from now on (SPEC §9), so nothing is archived; the writer goes on at offset 0 of the
// same inode.
void Chaos::truncate() {
  const auto picked = pick_file();
  if (!picked) return;
  const auto lock = s_.tree.lock_of(picked->relative);
  std::lock_guard guard(*lock);
  if (!wait_consumed(picked->path, 90s)) return;
  fs::resize_file(picked->path, 0);
  s_.context.count("truncate");
}

void Chaos::rotate() { move_away(true); }
void Chaos::remove() { move_away(false); }

// When the daemon holds the file open, it is stopped, the writers add lines it has not read, and
// the file is moved away under it: it promises to read its open descriptor to the end. Otherwise
// the daemon first reads it all. Either way the bytes are archived (they are history unless the
// writer later starts a new file at the path: Archive::drop_present), and the soak waits until the
// daemon committed them before the next fault (a crash while draining a deleted file would lose
// them legitimately).
void Chaos::move_away(bool rotate) {
  const auto picked = pick_file();
  if (!picked) return;
  const auto lock = s_.tree.lock_of(picked->relative);
  FileNow moved;
  bool open = false;
  {
    std::unique_lock guard(*lock);
    const auto now = stat_file(picked->path);
    if (!now) return;
    const auto checkpoint = committed_checkpoint(s_.config.database, picked->path);
    open = checkpoint && checkpoint->inode == now->inode && s_.daemon.holds_open(now->device, now->inode);
    if (open) {
      s_.context.begin_disruption();
      s_.daemon.signal(SIGSTOP);
      guard.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + random_() % 700));  // the writers go on
      guard.lock();
    } else if (!wait_consumed(picked->path, 90s)) {
      return;
    }
    const std::string bytes = slurp(picked->path);
    moved = *stat_file(picked->path);
    if (open && checkpoint->offset < moved.size) s_.context.count("unread_tail");
    s_.archive.preserve(picked->relative, bytes);
    if (rotate) {
      fs::path target;
      for (int n = 1; target.empty() || fs::exists(target); ++n) target = picked->path.string() + "." + std::to_string(n);
      fs::rename(picked->path, target);
    } else {
      fs::remove(picked->path);
    }
  }
  if (open) {
    s_.daemon.signal(SIGCONT);
    wait_answering(60s);
    s_.context.end_disruption();
  }
  const bool committed = test::wait_until(
      [&] {
        const auto checkpoint = committed_checkpoint(s_.config.database, picked->path);
        return !checkpoint || checkpoint->inode != moved.inode || checkpoint->offset >= moved.size;
      },
      90s);
  if (!committed) {
    s_.context.problem(fmt::format("the daemon did not finish the {} file {} ({} bytes) within 90 s",
                                   rotate ? "rotated" : "deleted", picked->path.string(), moved.size));
  }
  s_.context.count(rotate ? "rotate" : "delete");
}

// IN_Q_OVERFLOW: with the daemon stopped, more distinct events than the queue holds. Opening a
// file for writing and closing it queues IN_CLOSE_WRITE without changing it; alternating two files
// keeps the kernel from merging consecutive identical events.
void Chaos::overflow_queue() {
  std::map<fs::path, std::vector<fs::path>> by_directory;
  for (const fs::path& relative : s_.tree.files()) {
    const fs::path path = s_.tree.projects() / relative;
    if (fs::is_regular_file(path)) by_directory[path.parent_path()].push_back(path);
  }
  std::vector<fs::path> pair;
  for (const auto& [dir, files] : by_directory) {
    if (files.size() >= 2) pair = {files[0], files[1]};
  }
  if (pair.empty()) return;
  const std::int64_t events = read_proc_number("/proc/sys/fs/inotify/max_queued_events") + 1000;
  const int before = s_.daemon.count_in_log(kOverflowLog);
  s_.context.begin_disruption();
  s_.daemon.signal(SIGSTOP);
  for (std::int64_t i = 0; i < events; ++i) {
    const int fd = ::open(pair[static_cast<std::size_t>(i % 2)].c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd >= 0) ::close(fd);
  }
  s_.daemon.signal(SIGCONT);
  const bool seen = test::wait_until([&] { return s_.daemon.count_in_log(kOverflowLog) > before; }, 30s);
  wait_answering(60s);
  s_.context.end_disruption();
  if (seen) {
    s_.context.count("overflow");
  } else {
    s_.context.count("overflow_unverified");
    s_.context.note("an inotify queue overflow was provoked but the daemon did not log one");
  }
}

// The watch limit: lowered (system-wide, for a moment) while a new project directory appears, so
// that the daemon cannot watch it and falls back to periodic rescans; then put back at once.
void Chaos::exhaust_watches() {
  const fs::path spare = s_.spare_files[next_spare_++];
  const fs::path relative = fs::path(fmt::format("-soak-new-project-{}", ++new_projects_)) / spare.filename();
  const int before = s_.daemon.count_in_log(kWatchLimitLog);
  bool seen = false;
  if (s_.watch_limit->lower_to(1)) {
    const auto lock = s_.tree.lock_of(relative);
    {
      std::lock_guard guard(*lock);
      append_bytes(s_.tree.projects() / relative, slurp(spare));
    }
    seen = test::wait_until([&] { return s_.daemon.count_in_log(kWatchLimitLog) > before; }, 5s);
  }
  s_.watch_limit->restore();
  watch_fault_generation_ = generation_;
  if (seen) {
    s_.context.count("watches");
  } else {
    s_.context.count("watches_unverified");
    s_.context.note("max_user_watches was lowered but the daemon did not log reaching the limit");
  }
}

// SIGHUP with the same good config (must log "configuration reloaded") or a broken one (must log
// "reload failed", stay up and keep answering); the good file is back before the next fault.
void Chaos::reload(bool good) {
  const char* expected = good ? kReloadedLog : kReloadFailedLog;
  const int before = s_.daemon.count_in_log(expected);
  write_config(good ? render_good_config(s_.config) : render_bad_config(s_.config, random_()));
  s_.context.begin_disruption();
  s_.daemon.signal(SIGHUP);
  const bool seen = test::wait_until([&] { return s_.daemon.count_in_log(expected) > before; }, 90s);
  ++generation_;
  if (!seen) {
    s_.context.problem(fmt::format("after SIGHUP with a {} config the daemon did not log \"{}\"",
                                   good ? "good" : "bad", expected));
  }
  if (!wait_answering(60s)) {
    s_.context.problem(fmt::format("the daemon does not answer after SIGHUP with a {} config", good ? "good" : "bad"));
  }
  s_.context.end_disruption();
  if (!good) write_config(render_good_config(s_.config));
  s_.context.count(good ? "hup_good" : "hup_bad");
}

}  // namespace cu::soak
