#pragma once
// The team database as the program sees it: a Store that also applies what the Shipper brings
// from the local outbox. PostgreSQL implements it (postgres_store.h), in a module the daemon loads
// only when storage.postgres_url is set (postgres_module.h); nothing here needs libpq.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "store/ship_batch.h"
#include "store/store.h"

namespace cu {

// The team database cannot be reached or used; the message never holds a password.
class PostgresError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The source's rows in the team database were shipped from another local database (another
// origin): two machines share an identity, or the local database was recreated.
class ShipConflict : public PostgresError {
 public:
  using PostgresError::PostgresError;
};

// The team database refused the data of a statement: SQLSTATE class 22 (data exception, e.g. a
// numeric field overflow) or 23 (integrity constraint violation). Sending the same data again
// fails the same way; the connection stays usable.
class PostgresRefused : public PostgresError {
 public:
  using PostgresError::PostgresError;
};

class TeamStore : public Store {
 public:
  // The highest outbox seq of this source already applied here (0: none). Throws ShipConflict
  // when the source was shipped from a database other than `origin`.
  virtual std::int64_t shipped_seq(const std::string& origin) = 0;

  // Applies `batch` and records batch.last_seq as shipped, in one transaction, unless that seq is
  // already recorded (returns false: nothing applied). With `refresh`, the rollups are refreshed
  // in the same transaction; otherwise their keys stay marked dirty for a later refresh.
  // Throws ShipConflict as shipped_seq() does, and PostgresRefused when the database refuses the
  // batch's data (the transaction is rolled back).
  virtual bool apply_shipment(const ShipBatch& batch, const RollupSettings& settings, bool refresh) = 0;

  // Thread-safe (the one member that is): asks the server to cancel the statement this
  // connection is running, if any; that statement then fails. Never throws.
  virtual void cancel() noexcept = 0;
};

}  // namespace cu
