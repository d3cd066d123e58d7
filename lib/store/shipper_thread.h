#pragma once
// Runs a Shipper on a thread of its own, so that nothing on the daemon's event loop waits for the
// network (docs/ARCHITECTURE.md, "Blocking"): not a connection attempt to a server that never
// answers, not a host name lookup inside libpq that nothing bounds, not a statement. The loop
// reads the shipper's status as a snapshot and never waits for the thread beyond the bound it
// gives stop().
//
// The thread owns everything it touches: its own connection to the SQLite database (WAL lets it
// read while the loop's connection writes; its writes are short and wait on the busy timeout),
// its own calendar and price table, the Shipper and its PostgreSQL connection. So a thread still
// stuck in a connection attempt can be left behind to end on its own.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/shipper.h"

namespace cu {

class ShipperThread {
 public:
  struct Setup {
    std::filesystem::path database;  // the local SQLite database, which must exist
    std::string source;
    Calendar calendar;
    PriceTable prices;
    std::chrono::hours block_length{5};
    Shipper::Connector connect;
    ShipperOptions options;
  };

  // Opens the thread's SQLite connection and makes its Shipper on the calling thread (local work
  // only: shipping is turned on and the backlog counted, so status() is right at once), then
  // starts the thread, which ships until stopped. Throws std::runtime_error when the database
  // cannot be opened.
  explicit ShipperThread(Setup setup);
  // stop() without waiting.
  ~ShipperThread();
  ShipperThread(const ShipperThread&) = delete;
  ShipperThread& operator=(const ShipperThread&) = delete;

  // Thread-safe, never waits for the network: the status after the thread's last step (the
  // backlog as counted then; the thread counts again at least every idle_poll).
  ShipperStatus status() const;

  // Stops the thread: cancels the statement it runs, if any, and waits at most `bound` for it to
  // end. A thread still busy then (in a connection attempt or a host name lookup, which nothing
  // interrupts) is detached: it ships nothing more and ends when that attempt does. Returns
  // whether the thread ended within the bound; later calls do nothing and return true.
  bool stop(std::chrono::milliseconds bound);

 private:
  struct State;  // shared with the thread, which may outlive this object
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace cu
