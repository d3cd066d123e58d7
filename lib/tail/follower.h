#pragma once
// Follows the transcripts live on a Boost.Asio loop: inotify hints, a safety rescan spread over
// time, and a work queue drained in short slices so that the loop never stalls for long (SPEC §9,
// §10, STYLE §2–3).
// Everything runs on the io_context's single thread.
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ingest/backfill.h"
#include "ingest/ingestor.h"
#include "core/backoff.h"
#include "core/clock.h"
#include "ingest/transcript_walk.h"
#include "tail/loop_lifetime.h"
#include "tail/root_set.h"
#include "tail/watcher.h"

namespace cu {

struct FollowerOptions {
  // With inotify working, the safety rescan looks at every file once per rescan_interval, about
  // a rescan_steps-th of the project folders at a time, one step every interval / steps: what
  // inotify could not report is found within the interval, and each folder is listed once per
  // interval (a listing costs as much as the stat of its files). With more than one project, no
  // wake-up walks the whole tree. 15 minutes: one look at every file cost the idle daemon about
  // 110 ms at 5 GB of logs (16,419 files), 11 ms a minute when spread over 10 minutes; inotify
  // reports everything else (a queue overflow or the watch limit leads to a full rescan at once).
  std::chrono::milliseconds rescan_interval{std::chrono::minutes(15)};
  int rescan_steps = 15;
  std::chrono::milliseconds degraded_rescan_interval{5000};  // without a working watcher, or at its limit
  std::chrono::milliseconds work_slice{20};                  // longest run of work per turn
  // After the store failed (locked by another process, disk full), the first retry waits about
  // this long, each further one twice as long up to store_retry_max.
  std::chrono::milliseconds store_retry_delay{1000};
  std::chrono::milliseconds store_retry_max{30000};
  bool use_inotify = true;  // false: no watcher at all, rescans only
};

// What the Follower sees the world through besides the files; tests pass fakes.
struct FollowerDevices {
  WatcherFactory make_watcher;   // empty: an InotifyWatcher on the Follower's loop
  const Clock* clock = nullptr;  // null: SteadyClock; must outlive the Follower
};

struct FollowerStatus {
  bool backfilling = true;
  BackfillProgress backfill;
  std::size_t files_known = 0;
  std::size_t watches = 0;
  bool polling = false;  // inotify unavailable, failed, or its watch limit reached
  std::vector<RootStatus> roots;  // every configured root, followed or waited for
  std::int64_t last_event_ms = 0;  // newest event timestamp ingested, 0 when none
  std::int64_t commits = 0;
  std::int64_t store_failures = 0;  // commits or refreshes the store refused; each is retried
  std::string last_store_error;     // empty once a commit succeeded again
};

class Follower {
 public:
  // `ingestor` must be loaded and outlive the Follower. `roots` are the configured Claude roots,
  // existing or not: those without a projects/ directory yet are waited for.
  Follower(boost::asio::io_context& io, Ingestor& ingestor, std::vector<std::filesystem::path> roots,
           FollowerOptions options, FollowerDevices devices = {});
  ~Follower();

  // Starts watching and queues every file for the initial backfill. Returns at once.
  void start();

  // Commits everything pending and stops timers and watches. The loop may then run dry.
  void stop();

  // Re-checks the roots and their watches and queues a full rescan now (`rescan` command).
  void rescan();

  const FollowerStatus& status() const { return status_; }

  // Called after each commit that made new data visible (for status and ctl).
  void on_commit(std::function<void()> callback) { on_commit_ = std::move(callback); }

 private:
  void reconcile();
  void check_roots();
  bool update_roots();
  void scan_all();
  void scan(const ProjectFilter& include, int bucket);  // bucket -1: every project
  int bucket_of(std::string_view project) const;
  void rescan_step();
  void scan_directory(const std::filesystem::path& dir);
  void enqueue(SourceFile file);
  void enqueue_path(const std::filesystem::path& path);
  void handle(const WatchEvent& event);
  void on_watcher_failed(const std::string& error);
  Watcher* active_watcher() const;  // null without a watcher or once it failed
  void publish_watch_state();
  void schedule_work();
  void work();
  void arm_rescan();
  void retry_after_failure(const std::exception& error);

  boost::asio::io_context& io_;
  Ingestor& ingestor_;
  RootSet roots_;
  FollowerOptions options_;
  WatcherFactory make_watcher_;
  const Clock& clock_;
  std::unique_ptr<Watcher> watcher_;
  boost::asio::steady_timer rescan_timer_;
  boost::asio::steady_timer retry_timer_;
  Backoff retry_backoff_;
  int next_step_ = 0;                           // the rescan bucket the next step looks at
  std::vector<std::size_t> files_in_bucket_;    // transcripts found per bucket, at its last look
  std::deque<SourceFile> queue_;
  std::set<std::string> queued_;  // paths in queue_
  bool work_scheduled_ = false;
  // Ingested data not yet committed and rolled up, or rollups a failed refresh left behind the
  // committed events: the next turn with an empty queue commits and refreshes.
  bool dirty_ = false;
  bool retrying_ = false;  // retry_timer_ is armed; work waits for it
  bool stopped_ = false;
  FollowerStatus status_;
  std::function<void()> on_commit_;
  void watch_all();  // (re)adds the watches of every root's projects/ tree
  LoopLifetime lifetime_;  // last: gone first, so no handler of a destroyed Follower runs
};

}  // namespace cu
