#include "store/shipper_thread.h"

#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

#include "log/log.h"

namespace cu {

struct ShipperThread::State {
  explicit State(Setup&& given)
      : setup(std::move(given)),
        local(setup.database, setup.source),
        shipper(local, setup.connect,
                RollupSettings{&setup.calendar, &setup.prices, setup.block_length}, setup.options),
        status(shipper.status()) {}

  // The thread: one ship_some() after another, as far apart as each says, until stopping.
  void run();
  bool step_and_wait();

  Setup setup;
  SqliteStore local;
  Shipper shipper;
  std::mutex mutex;
  std::condition_variable wake;  // stopping was set, or done
  bool stopping = false;
  bool done = false;
  ShipperStatus status;
};

void ShipperThread::State::run() {
  while (step_and_wait()) {
  }
  std::lock_guard lock(mutex);
  done = true;
  wake.notify_all();
}

// One step, its status published; then waits as long as the step asked or until stopped.
// Returns whether to go on.
bool ShipperThread::State::step_and_wait() {
  std::chrono::milliseconds next{1000};
  ShipperStatus current;
  try {
    next = shipper.ship_some().next;
    current = shipper.status();
  } catch (const std::exception& error) {  // ship_some() catches its failures; this is a bug's
    log::write_limited("shipper", LogLevel::kError, fmt::format("shipping failed: {}", error.what()));
    current = status;
  }
  std::unique_lock lock(mutex);
  status = std::move(current);
  return !wake.wait_for(lock, next, [this] { return stopping; });
}

ShipperThread::ShipperThread(Setup setup) : state_(std::make_shared<State>(std::move(setup))) {
  thread_ = std::thread([state = state_] { state->run(); });
}

ShipperThread::~ShipperThread() { stop(std::chrono::milliseconds(0)); }

ShipperStatus ShipperThread::status() const {
  std::lock_guard lock(state_->mutex);
  return state_->status;
}

bool ShipperThread::stop(std::chrono::milliseconds bound) {
  if (!thread_.joinable()) return true;
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->shipper.cancel();
  std::unique_lock lock(state_->mutex);
  const bool ended = state_->wake.wait_for(lock, bound, [this] { return state_->done; });
  lock.unlock();
  if (ended) {
    thread_.join();
  } else {
    thread_.detach();  // it holds `state_` and ends with its attempt
  }
  return ended;
}

}  // namespace cu
