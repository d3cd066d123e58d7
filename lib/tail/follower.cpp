#include "tail/follower.h"

#include <algorithm>
#include <numeric>

#include <malloc.h>

#include <random>
#include <system_error>

#include <fmt/format.h>

#include <boost/asio/post.hpp>

#include "log/log.h"
#include "tail/inotify_watcher.h"

// jemalloc's control call, when the program is linked with it (claude-usaged is: CMakeLists.txt).
extern "C" int mallctl(const char* name, void* old_value, std::size_t* old_length, void* new_value,
                       std::size_t new_length) __attribute__((weak));

namespace cu {
namespace {

// Returns the allocator's free pages to the system: jemalloc purges every arena, glibc trims.
void release_free_memory() {
  if (mallctl != nullptr) {
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // 4096: MALLCTL_ARENAS_ALL
    return;
  }
  ::malloc_trim(0);
}

}  // namespace

namespace fs = std::filesystem;

Follower::Follower(boost::asio::io_context& io, Ingestor& ingestor, std::vector<fs::path> roots,
                   FollowerOptions options, FollowerDevices devices)
    : io_(io),
      ingestor_(ingestor),
      roots_(std::move(roots)),
      options_(options),
      make_watcher_(devices.make_watcher ? std::move(devices.make_watcher) : InotifyWatcher::factory(io)),
      clock_(devices.clock != nullptr ? *devices.clock : SteadyClock::instance()),
      rescan_timer_(io),
      retry_timer_(io),
      retry_backoff_(options.store_retry_delay, options.store_retry_max, std::random_device{}()) {
  options_.rescan_steps = std::max(1, options_.rescan_steps);
}

Follower::~Follower() = default;

void Follower::start() {
  if (options_.use_inotify) {
    try {
      watcher_ = make_watcher_(lifetime_.guard([this](const WatchEvent& event) { handle(event); }));
    } catch (const std::system_error& error) {
      log::warning("inotify unavailable ({}); following the logs by periodic rescans", error.what());
    }
  }
  roots_.update(active_watcher());
  scan_all();
  status_.backfill.files_total = static_cast<std::int64_t>(queue_.size());
  for (const SourceFile& file : queue_) {
    std::error_code ec;
    const auto size = fs::file_size(file.path, ec);
    if (!ec) status_.backfill.bytes_total += static_cast<std::int64_t>(size);
  }
  // A restart with every file read to its checkpoint has no backfill: work() never runs to end it.
  if (queue_.empty()) status_.backfilling = false;
  arm_rescan();
}

void Follower::stop() {
  stopped_ = true;
  rescan_timer_.cancel();
  retry_timer_.cancel();
  watcher_.reset();
  // While a retry waits, the ingestor still holds what the store refused: the next start reads
  // it again from the last commit instead.
  if (retrying_ || (!dirty_ && ingestor_.pending_events() == 0)) return;
  try {
    ingestor_.flush();
    dirty_ = false;
  } catch (const std::exception& error) {
    log::error("could not commit on stopping: {}; the next start reads it again", error.what());
  }
}

void Follower::rescan() {
  reconcile();
}

// The idempotent catch-all: the periodic rescan, an overflow, the `rescan` command.
void Follower::reconcile() {
  update_roots();
  watch_all();
  scan_all();
}

// A hint that a root may have appeared or gone: a root that appeared is scanned at once.
void Follower::check_roots() {
  if (update_roots()) scan_all();
}

// Watches the roots whose projects/ appeared and waits for those that went missing. Returns
// whether one appeared (its files need a scan).
bool Follower::update_roots() {
  const std::vector<fs::path> appeared = roots_.update(active_watcher());
  for (const fs::path& root : appeared) log::info("{}/projects appeared; following it", root.string());
  status_.roots = roots_.statuses(status_.polling);
  return !appeared.empty();
}

void Follower::scan_all() { scan({}, -1); }

// The rescan bucket of a project folder: a stable spread of the projects over the steps. Whole
// folders, not sessions: a step that took a tenth of each folder's sessions would list every
// folder, and ten listings of a folder cost more than one stat of each of its files (bench/scan).
int Follower::bucket_of(std::string_view project) const { return project_bucket(project, options_.rescan_steps); }

// Queues the transcripts with unread bytes in the project folders `include` accepts (all when
// empty), which are the rescan bucket `bucket` (-1: all buckets). Most files are unchanged: only those
// with unread bytes become SourceFiles, queued in path order.
void Follower::scan(const ProjectFilter& include, int bucket) {
  std::vector<std::string> errors;
  files_in_bucket_.resize(static_cast<std::size_t>(options_.rescan_steps));
  if (bucket < 0) {
    std::fill(files_in_bucket_.begin(), files_in_bucket_.end(), 0);
  } else {
    files_in_bucket_[static_cast<std::size_t>(bucket)] = 0;
  }
  std::vector<std::string> unread;
  walk_transcripts(
      roots_.followed(), include,
      [&](const std::string& path, std::string_view project, std::string_view, const FileStat& stat) {
        ++files_in_bucket_[static_cast<std::size_t>(bucket < 0 ? bucket_of(project) : bucket)];
        if (ingestor_.has_unread(path, stat)) unread.push_back(path);
      },
      &errors);
  for (const std::string& error : errors) log::write_limited(error, LogLevel::kWarning, error);
  status_.files_known = std::accumulate(files_in_bucket_.begin(), files_in_bucket_.end(), std::size_t{0});
  std::sort(unread.begin(), unread.end());
  for (const std::string& path : unread) enqueue_path(path);
}

// One step of the safety rescan with inotify working: the roots, and the project folders of the next
// bucket. Watches are not re-added: a new directory's watch and its files come with its
// creation event (scan_directory), and a watcher at its limit rescans everything (reconcile).
void Follower::rescan_step() {
  const int bucket = next_step_;
  next_step_ = (next_step_ + 1) % options_.rescan_steps;
  if (update_roots()) {
    scan_all();  // a root that appeared: all of it now
    return;
  }
  scan([this, bucket](std::string_view project) { return bucket_of(project) == bucket; }, bucket);
}

// A new directory: its files may have been written before the watch existed.
void Follower::scan_directory(const fs::path& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) enqueue_path(it->path());
  }
}

void Follower::enqueue(SourceFile file) {
  if (!queued_.insert(file.path).second) return;
  queue_.push_back(std::move(file));
  schedule_work();
}

void Follower::enqueue_path(const fs::path& path) {
  if (auto file = roots_.classify(path)) enqueue(std::move(*file));
}

void Follower::handle(const WatchEvent& event) {
  switch (event.kind) {
    case WatchEvent::Kind::kFileChanged:
    case WatchEvent::Kind::kFileGone:
      // A file renamed or deleted may still have unread lines in the descriptor the ingestor
      // holds; reading "it" drains that descriptor and then lets the file go.
      enqueue_path(event.path);
      break;
    case WatchEvent::Kind::kDirectoryAdded:
      scan_directory(event.path);
      break;
    case WatchEvent::Kind::kOverflow:
      log::warning("inotify queue overflowed; rescanning every log");
      reconcile();
      break;
    case WatchEvent::Kind::kDirectoryGone:
      // Usage already ingested stays; a directory moved elsewhere below projects/ arrives as added.
      // A root's projects/ or a waited-for ancestor gone: that root is waited for again.
      if (roots_.forget(event.path)) check_roots();
      break;
    case WatchEvent::Kind::kEntryAdded:
      check_roots();
      break;
    case WatchEvent::Kind::kFailed:
      on_watcher_failed(event.error);
      return;
  }
  // A new directory may have hit the watch limit: report polling and rescan at the degraded
  // interval from now, not from the next periodic rescan.
  if (!status_.polling && active_watcher() != nullptr && watcher_->limit_reached()) arm_rescan();
}

// The watcher delivers nothing any more: rescans at the degraded interval take over, from now.
void Follower::on_watcher_failed(const std::string& error) {
  log::warning("inotify failed ({}); following the logs by rescans every {} ms from now on", error,
               options_.degraded_rescan_interval.count());
  arm_rescan();
}

Watcher* Follower::active_watcher() const {
  return watcher_ && !watcher_->failed() ? watcher_.get() : nullptr;
}

void Follower::watch_all() {
  if (Watcher* watcher = active_watcher()) watcher->watch_all(roots_.followed_projects());
}

void Follower::schedule_work() {
  if (work_scheduled_ || stopped_ || retrying_) return;
  work_scheduled_ = true;
  boost::asio::post(io_, lifetime_.guard([this] { work(); }));
}

// Reads queued files slice by slice for at most options_.work_slice, then yields to the loop.
// When the queue runs dry, commits and refreshes the rollups so the new usage becomes visible.
void Follower::work() {
  work_scheduled_ = false;
  if (stopped_) return;
  const auto deadline = clock_.now() + options_.work_slice;
  try {
    while (!queue_.empty() && clock_.now() < deadline) {
      const std::int64_t before = ingestor_.stats().bytes_consumed;
      const bool more = ingestor_.ingest_slice(queue_.front());
      status_.backfill.bytes_done += ingestor_.stats().bytes_consumed - before;
      dirty_ = dirty_ || ingestor_.unflushed();
      if (!more) {
        queued_.erase(queue_.front().path);
        queue_.pop_front();
        if (status_.backfilling) ++status_.backfill.files_done;
      }
    }
    if (queue_.empty() && dirty_) {
      ingestor_.flush();
      dirty_ = false;
      ++status_.commits;
      // The backfill leaves the heap full of free memory among the long-lived dedup index;
      // without giving it back, the daemon keeps the backfill's peak RSS (and with glibc every
      // later report's allocations walk the free chunks: daily --json at 5 GB, 36 ms vs 10 ms).
      // Its open files go first: up to 256 history files, whose handles would also keep
      // allocator pages resident.
      if (status_.backfilling) {
        ingestor_.close_files();
        release_free_memory();
      }
      status_.backfilling = false;
      status_.last_event_ms = ingestor_.stats().newest_event_ms;
      status_.last_store_error.clear();
      retry_backoff_.reset();
      if (on_commit_) on_commit_();
    }
  } catch (const std::exception& error) {
    retry_after_failure(error);
    return;
  }
  if (!queue_.empty()) schedule_work();
  if (queue_.empty() && status_.backfilling) status_.backfilling = false;
}

void Follower::publish_watch_state() {
  const Watcher* watcher = active_watcher();
  status_.polling = watcher == nullptr || watcher->limit_reached();
  status_.watches = watcher != nullptr ? watcher->watch_count() : 0;
  status_.roots = roots_.statuses(status_.polling);
}

void Follower::arm_rescan() {
  if (stopped_) return;
  publish_watch_state();
  rescan_timer_.expires_after(status_.polling ? options_.degraded_rescan_interval
                                              : options_.rescan_interval / options_.rescan_steps);
  rescan_timer_.async_wait(lifetime_.guard([this](const boost::system::error_code& ec) {
    if (ec) return;
    publish_watch_state();
    if (status_.polling) {
      reconcile();
    } else {
      rescan_step();
    }
    arm_rescan();
  }));
}

// The store refused a commit or a refresh (another process holds the write lock, the disk is
// full...). Whatever was read but not committed is dropped, and after a backoff everything is
// read again from the last commit. The rollups are refreshed then even when nothing new turns up:
// the refusal may have been theirs, after the events were committed.
void Follower::retry_after_failure(const std::exception& error) {
  ++status_.store_failures;
  status_.last_store_error = error.what();
  const std::chrono::milliseconds delay = retry_backoff_.next_delay();
  log::write_limited("follower-store", LogLevel::kError,
                     fmt::format("ingest failed: {}; retrying from the last commit in {} ms", error.what(),
                                 delay.count()));
  queue_.clear();
  queued_.clear();
  dirty_ = true;
  retrying_ = true;
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait(lifetime_.guard([this](const boost::system::error_code& ec) {
    if (ec) return;
    retrying_ = false;
    try {
      ingestor_.reload();
    } catch (const std::exception& again) {
      retry_after_failure(again);
      return;
    }
    scan_all();
    schedule_work();
  }));
}

}  // namespace cu
