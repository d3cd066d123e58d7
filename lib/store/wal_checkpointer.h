#pragma once
// Checkpoints a SQLite database's write-ahead log on a thread and connection of its own, while
// another connection commits a bulk load with wal_autocheckpoint off. A checkpoint waits for two
// fsyncs (the log, then the database); run by the committing connection, as autocheckpoint does
// every 4 MB, those waits stalled a 5 GB backfill's commits, and with them its reading, for 0.6 s
// of a 4.9 s read phase (docs/BENCHMARKS.md). PASSIVE checkpoints never block that writer.
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace cu {

class WalCheckpointer {
 public:
  // Opens its own connection to `database` (which must exist) and starts the thread.
  explicit WalCheckpointer(const std::filesystem::path& database);
  // Finishes the checkpoint under way, if any, and joins the thread.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Asks for a checkpoint of what the log holds now (after a commit). Requests made while one
  // runs are served by one more checkpoint after it. Returns at once.
  void request();

  // Checkpoints run, and failures among them (logged; the log then grows until the next one or
  // until the last connection closes, which checkpoints it whole).
  int checkpoints() const;
  int failures() const;

 private:
  void run(const std::filesystem::path& database);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  int checkpoints_ = 0;
  int failures_ = 0;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace cu
