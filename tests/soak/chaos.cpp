#include "soak/chaos.h"

#include <array>
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
// The zones the daemon travels through (TZ with `timezone: local`): whole, negative and half-hour
// offsets, so that days and blocks move differently.
constexpr std::array<const char*, 4> kZones = {"UTC", "Asia/Tokyo", "America/New_York", "Asia/Kolkata"};
// Prices the unknown model gets in turn ($ per million tokens): a first price, then changes.
constexpr std::array<const char*, 2> kUnknownModelPrices = {
    "{input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3}",
    "{input: 7, output: 21, cache_write_5m: 8.75, cache_write_1h: 14, cache_read: 0.7}"};

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

std::optional<CommittedCheckpoint> committed_checkpoint(const fs::path& database, const std::string& source,
                                                        const fs::path& path) {
  try {
    SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    SQLite::Statement query(db, "SELECT device, inode, offset FROM ingest_checkpoints WHERE source = ? AND path = ?");
    query.bind(1, source);
    query.bind(2, path.string());
    if (!query.executeStep()) return std::nullopt;
    return CommittedCheckpoint{static_cast<std::uint64_t>(query.getColumn(0).getInt64()),
                               static_cast<std::uint64_t>(query.getColumn(1).getInt64()),
                               query.getColumn(2).getInt64()};
  } catch (const std::exception&) {
    return std::nullopt;  // not created yet, or busy beyond the timeout: the caller waits again
  }
}

Chaos::Chaos(ChaosSetup setup)
    : s_(std::move(setup)), random_(s_.seed * 104729 + 3), time_zone_(s_.time_zone),
      real_postgres_url_(s_.config.postgres_url) {
  // Each of the newer faults at least once, even in a short run; later ones come at random.
  planned_ = {{0.15, &Chaos::change_zone}, {0.3, &Chaos::price_unknown_model}};
  if (s_.hung_postgres != nullptr) planned_.push_back({0.45, &Chaos::hang_postgres});
  if (s_.identity_changes) planned_.push_back({0.6, &Chaos::change_identity});
}

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
  if (hung_ && std::chrono::steady_clock::now() >= hang_over_at_) end_postgres_hang();
  if (s_.postgres != nullptr && s_.postgres->paused() && std::chrono::steady_clock::now() >= postgres_back_at_) {
    if (!s_.postgres->resume()) s_.context.problem("scripts/pg-test-server resume failed");
  }
}

void Chaos::settle() {
  tick();
  if (hung_) end_postgres_hang();
  if (s_.postgres != nullptr && s_.postgres->paused() && !s_.postgres->resume()) {
    s_.context.problem("scripts/pg-test-server resume failed");
  }
  if (s_.watch_limit != nullptr) s_.watch_limit->restore();
  write_config(render_good_config(s_.config));
}

bool Chaos::run_planned() {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  for (auto it = planned_.begin(); it != planned_.end(); ++it) {
    if (elapsed < it->at * static_cast<double>(s_.duration.count())) continue;
    const auto run = it->run;
    planned_.erase(it);
    if (run == &Chaos::hang_postgres && hung_) return false;
    (this->*run)();
    return true;
  }
  return false;
}

void Chaos::inject_one() {
  if (run_planned()) return;
  struct Kind {
    double weight;
    void (Chaos::*run)();
  };
  std::vector<Kind> kinds = {
      {3, &Chaos::kill_and_restart}, {2, &Chaos::rotate}, {2, &Chaos::truncate}, {2, &Chaos::remove},
      {1, &Chaos::overflow_queue}, {1, &Chaos::change_zone}, {0.5, &Chaos::price_unknown_model},
  };
  if (s_.hung_postgres != nullptr && !hung_) kinds.push_back({1, &Chaos::hang_postgres});
  if (s_.identity_changes) kinds.push_back({0.7, &Chaos::change_identity});
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
        const auto checkpoint = committed_checkpoint(s_.config.database, s_.config.identity, path);
        return now && checkpoint && checkpoint->device == now->device && checkpoint->inode == now->inode &&
               checkpoint->offset == now->size;
      },
      timeout);
  if (!consumed) {
    const auto now = stat_file(path);
    const auto checkpoint = committed_checkpoint(s_.config.database, s_.config.identity, path);
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
    const auto checkpoint = committed_checkpoint(s_.config.database, s_.config.identity, picked->path);
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
        const auto checkpoint = committed_checkpoint(s_.config.database, s_.config.identity, picked->path);
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

bool Chaos::wait_status(const std::string& key, const std::string& value, std::chrono::seconds timeout) {
  std::string last;
  const bool seen = test::wait_until(
      [&] {
        try {
          const nlohmann::json status = daemon_status(s_.config.socket, 10s);
          last = status.value(key, std::string("?"));
          return last == value;
        } catch (const ctl::ClientError&) {
          return false;
        }
      },
      timeout, 100ms);
  if (!seen) {
    s_.context.problem(fmt::format("status {} is {}, not {}, {} s later", key, last, value, timeout.count()));
  }
  return seen;
}

bool Chaos::reload_current(const std::string& why) {
  const int before = s_.daemon.count_in_log(kReloadedLog);
  write_config(render_good_config(s_.config));
  s_.context.begin_disruption();
  s_.daemon.signal(SIGHUP);
  const bool seen = test::wait_until([&] { return s_.daemon.count_in_log(kReloadedLog) > before; }, 90s);
  ++generation_;
  if (!seen) s_.context.problem(fmt::format("SIGHUP with {}: the daemon did not log \"{}\"", why, kReloadedLog));
  const bool answering = wait_answering(60s);
  if (!answering) s_.context.problem(fmt::format("the daemon does not answer after SIGHUP with {}", why));
  s_.context.end_disruption();
  return seen && answering;
}

void Chaos::restart(const std::string& why) {
  if (const auto status = s_.daemon.exited_on_its_own()) restart_after_crash(*status);
  s_.context.begin_disruption();
  const int status = s_.daemon.terminate();
  if (status != 0) s_.context.problem(fmt::format("SIGTERM before a restart ({}): exit status {}", why, status));
  s_.daemon.start();
  ++generation_;
  if (!wait_answering(120s)) s_.context.problem(fmt::format("the daemon does not answer after a restart ({})", why));
  s_.context.end_disruption();
}

// The machine's zone changes (a laptop travelling): the daemon runs with `timezone: local` and is
// restarted with another TZ. It must resolve the zone to its IANA name (status `timezone`) and
// rebuild every date-keyed table in it: the final equality holds against a reference made in the
// last zone.
void Chaos::change_zone() {
  time_zone_ = kZones[++zone_index_ % kZones.size()];
  s_.daemon.set_environment("TZ", time_zone_);
  restart("TZ=" + time_zone_);
  wait_status("timezone", time_zone_, 60s);
  s_.context.count("zone");
}

// PostgreSQL hangs: storage.postgres_url is reloaded to a listener that accepts connections and
// never answers, for 3–10 s while writes, kills and reloads go on (every good config meanwhile
// names it), then reloaded back to the real server. The ctl hammer's answers in between are
// counted apart, with their slowest in the summary; the final equality shows nothing was lost.
void Chaos::hang_postgres() {
  hung_accepted_before_ = s_.hung_postgres->accepted();
  s_.config.postgres_url = s_.hung_postgres->url(2);
  hung_ = true;
  hang_over_at_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(3000 + random_() % 7000);
  if (reload_current("a PostgreSQL that never answers")) s_.context.postgres_hung = true;
}

// Verified when the daemon did try the hung server (its connection attempts reached it).
void Chaos::end_postgres_hang() {
  s_.context.postgres_hung = false;
  hung_ = false;
  const bool tried = s_.hung_postgres->accepted() > hung_accepted_before_;
  s_.config.postgres_url = real_postgres_url_;
  reload_current("the real PostgreSQL back");
  if (tried) {
    s_.context.count("pg_hang");
  } else {
    s_.context.count("pg_hang_unverified");
    s_.context.note("storage.postgres_url pointed at a hung server but the daemon never connected to it");
  }
}

// The model no built-in price knows gets a price (pricing.overrides and a reload), later another
// one: the stored events are re-priced, and status no longer lists the model. The final equality
// holds against a reference made with the last price.
void Chaos::price_unknown_model() {
  const char* price = kUnknownModelPrices[static_cast<std::size_t>(prices_given_++) % kUnknownModelPrices.size()];
  s_.config.price_overrides = fmt::format("    {}: {}\n", kUnknownModel, price);
  if (!reload_current(fmt::format("a price for {}", kUnknownModel))) return;
  std::string listed;
  const bool forgotten = test::wait_until(
      [&] {
        try {
          listed = daemon_status(s_.config.socket, 10s).value("unknown_models", nlohmann::json()).dump();
          return listed.find(kUnknownModel) == std::string::npos;
        } catch (const ctl::ClientError&) {
          return false;
        }
      },
      60s, 100ms);
  if (!forgotten) s_.context.problem(fmt::format("{} has a price but status still lists it: {}", kUnknownModel, listed));
  s_.context.count("price");
}

// The machine's identity changes (`identity:`, or a new hostname behind its default), by a reload
// or a restart: the daemon re-labels its rows (status `source` says the new one); the final
// comparison finds every row under the last identity and none under a former one, in SQLite and
// in PostgreSQL.
void Chaos::change_identity() {
  former_identities_.push_back(s_.config.identity);
  s_.config.identity = fmt::format("soak@host-{}", former_identities_.size());
  if (random_() % 2 == 0) {
    reload_current("identity " + s_.config.identity);
  } else {
    write_config(render_good_config(s_.config));
    restart("identity " + s_.config.identity);
  }
  wait_status("source", s_.config.identity, 120s);
  s_.context.count("identity");
}

}  // namespace cu::soak
