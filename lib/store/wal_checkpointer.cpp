#include "store/wal_checkpointer.h"

#include <exception>
#include <optional>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "log/log.h"

namespace cu {

WalCheckpointer::WalCheckpointer(const std::filesystem::path& database)
    : thread_([this, database] { run(database); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::request() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

int WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

int WalCheckpointer::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

void WalCheckpointer::run(const std::filesystem::path& database) {
  // No exception leaves the thread: a checkpoint that fails is logged and the load goes on.
  std::optional<SQLite::Database> db;
  try {
    db.emplace(database.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
  } catch (const std::exception& error) {
    log::warning("cannot open {} to checkpoint it during the bulk load: {}", database.string(), error.what());
  }
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    bool failed = db == std::nullopt;
    if (db) {
      try {
        db->exec("PRAGMA wal_checkpoint(PASSIVE)");
      } catch (const std::exception& error) {
        failed = true;
        log::write_limited("wal-checkpoint", LogLevel::kWarning,
                           fmt::format("checkpointing {} failed: {}", database.string(), error.what()));
      }
    }
    lock.lock();
    ++checkpoints_;
    if (failed) ++failures_;
  }
}

}  // namespace cu
