#pragma once
// Model prices and the cost of one usage entry (SPEC §5). Pure: no I/O.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/usage_entry.h"

namespace cu {

// USD per token. A field's `*_above_200k` price applies, per entry and per field, to the part of
// that field's count above 200,000 tokens; unset means no tier.
struct ModelPrices {
  double input = 0;
  double output = 0;
  double cache_write_5m = 0;
  double cache_write_1h = 0;
  double cache_read = 0;
  std::optional<double> input_above_200k;
  std::optional<double> output_above_200k;
  std::optional<double> cache_write_5m_above_200k;
  std::optional<double> cache_write_1h_above_200k;
  std::optional<double> cache_read_above_200k;
  double fast_multiplier = 1;

  friend bool operator==(const ModelPrices&, const ModelPrices&) = default;
};

// ccusage's cost modes. auto: a logged costUSD where present, else computed from the tokens;
// calculate: always computed; display: the logged costUSD only (0 where none was logged). Stored
// costs follow pricing.mode (auto or calculate); display exists for a query's --mode.
enum class CostMode { kAuto, kCalculate, kDisplay };

// "auto", "calculate" or "display".
std::string_view cost_mode_name(CostMode mode);

class PriceTable {
 public:
  PriceTable();
  ~PriceTable();
  // Copies hold the same prices and unknown names with a fresh memo. A moved-from table may only
  // be destroyed or assigned to.
  PriceTable(const PriceTable& other);
  PriceTable& operator=(const PriceTable& other);
  PriceTable(PriceTable&& other) noexcept;
  PriceTable& operator=(PriceTable&& other) noexcept;

  // The table shipped in the binary (lib/pricing/prices.tsv, compiled in).
  static PriceTable builtin();

  // Parses prices.tsv's format (header row, then one row per model, USD per million tokens).
  // Throws std::invalid_argument naming the 1-based line on bad input.
  static PriceTable from_tsv(std::string_view tsv_text);

  // Parses LiteLLM's model_prices_and_context_window.json (the price list ccusage embeds; see
  // litellm_prices.cpp for the keys read). Rows without both token prices are left out. Throws
  // std::invalid_argument naming the model and key on bad input, or when no row is left.
  static PriceTable from_litellm_json(std::string_view json_text);

  // Adds or replaces one model's prices (config `pricing.overrides`). Not thread-safe: call before
  // the table is shared. Forgets memoized lookups, which the new row may change.
  void set(std::string model, ModelPrices prices);

  // Prices for a logged model name by SPEC §5's lookup rules, or nullptr when unknown.
  // Thread-safe; results are memoized per distinct name. The pointer points into `models()`: it
  // stays valid while the table (or the table it was moved into) lives; `set` updates rows in
  // place.
  const ModelPrices* find(std::string_view logged_model) const;

  // The distinct names `find` could not price, sorted; "<synthetic>" and "" are never listed.
  // Thread-safe. Lets callers warn once per unknown model (SPEC §5).
  std::vector<std::string> unknown_models() const;

  const std::map<std::string, ModelPrices, std::less<>>& models() const { return models_; }

 private:
  struct Memo;  // lookup cache and unknown names, behind one mutex

  const ModelPrices* resolve(std::string_view logged_model) const;

  std::map<std::string, ModelPrices, std::less<>> models_;
  std::unique_ptr<Memo> memo_;
};

// The entry's cost in USD (SPEC §5). Unknown models and "<synthetic>" cost 0 (unless a costUSD
// was logged and mode is auto).
double entry_cost(const UsageEntry& entry, const PriceTable& prices, CostMode mode);

// Identifies the effective prices and cost mode: equal for equal tables and mode, different (but
// for a 64-bit hash collision) otherwise. Stored with the events' costs (rollup_settings), so
// that a change of prices between two runs re-prices them. "<mode>:<models>:<hex hash>".
std::string price_fingerprint(const PriceTable& prices, CostMode mode);

// The model name reports use: "<model>-fast" for fast entries, the logged name otherwise.
std::string reported_model(const UsageEntry& entry);

}  // namespace cu
