#pragma once
// Models the prices do not know (SPEC §5, §9): their events cost 0 (unless a logged costUSD decides
// them); each is warned about once, remembered in the database across restarts, and listed in
// `status` with its events and tokens until a price for it re-prices them. Used on the thread that
// uses the store.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "pricing/price_table.h"
#include "store/sqlite_store.h"

namespace cu {

struct UnknownModelUsage {
  std::string model;
  std::int64_t events = 0;
  std::int64_t tokens = 0;

  friend bool operator==(const UnknownModelUsage&, const UnknownModelUsage&) = default;
};

class UnknownModels {
 public:
  // `store` and `prices` must outlive this.
  UnknownModels(SqliteStore& store, const PriceTable& prices);

  // Makes the remembered list the stored models `prices` cannot price (at start and reload, after
  // any re-pricing): forgets those priced now. Returns the newly remembered ones, to warn about.
  std::vector<std::string> reconcile();

  // Remembers the models `prices` failed to price since (the ingest looks each event's model up),
  // without reading the events. Returns the newly remembered ones, to warn about.
  std::vector<std::string> note_new();

  // The remembered models, sorted, with their events and tokens as of the last rollup refresh.
  std::vector<UnknownModelUsage> usage();

 private:
  bool is_unknown(const std::string& model) const;
  std::vector<std::string> remember(const std::vector<std::string>& models);

  SqliteStore& store_;
  const PriceTable& prices_;
  std::set<std::string> remembered_;
};

}  // namespace cu
