#include "pricing/price_table.h"

#include <functional>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include "pricing/builtin_prices_tsv.h"
#include "pricing/model_name_match.h"

namespace cu {
namespace {

// Bounds on what the memo keeps, so that logs full of garbage model names cannot grow memory
// without limit; lookups past the bound are simply recomputed / not listed.
constexpr std::size_t kMaxMemoizedNames = 4096;
constexpr std::size_t kMaxUnknownNames = 256;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

using Models = std::map<std::string, ModelPrices, std::less<>>;

// One lookup pass: the row whose name equals `name`, else the row with the longest name that
// overlaps `name` on a name boundary (ties: the first in name order). With `dashed`, row names
// are compared after dash_normalized (then `name` must be normalized too).
const ModelPrices* match_pass(const Models& models, std::string_view name, bool dashed) {
  const ModelPrices* best = nullptr;
  std::size_t best_length = 0;
  std::string dashed_known;
  for (const auto& [known, prices] : models) {
    std::string_view key = known;
    if (dashed) key = dashed_known = dash_normalized(known);
    if (key == name) return &prices;
    if (key.size() > best_length && names_overlap(name, key)) {
      best = &prices;
      best_length = key.size();
    }
  }
  return best;
}

bool is_reportable_unknown(std::string_view model) {
  return !model.empty() && model != kSyntheticModel;
}

}  // namespace

struct PriceTable::Memo {
  std::mutex mutex;
  std::unordered_map<std::string, const ModelPrices*, StringHash, std::equal_to<>> resolved;
  std::set<std::string, std::less<>> unknown;
};

PriceTable::PriceTable() : memo_(std::make_unique<Memo>()) {}
PriceTable::~PriceTable() = default;
PriceTable::PriceTable(PriceTable&& other) noexcept = default;
PriceTable& PriceTable::operator=(PriceTable&& other) noexcept = default;

PriceTable::PriceTable(const PriceTable& other)
    : models_(other.models_), memo_(std::make_unique<Memo>()) {
  std::lock_guard lock(other.memo_->mutex);
  memo_->unknown = other.memo_->unknown;
}

PriceTable& PriceTable::operator=(const PriceTable& other) {
  if (this != &other) *this = PriceTable(other);
  return *this;
}

PriceTable PriceTable::builtin() { return from_tsv(builtin_prices_tsv()); }

void PriceTable::set(std::string model, ModelPrices prices) {
  models_.insert_or_assign(std::move(model), prices);
  memo_->resolved.clear();
  std::erase_if(memo_->unknown,
                [this](const std::string& name) { return resolve(name) != nullptr; });
}

const ModelPrices* PriceTable::find(std::string_view logged_model) const {
  std::lock_guard lock(memo_->mutex);
  if (auto it = memo_->resolved.find(logged_model); it != memo_->resolved.end()) return it->second;
  const ModelPrices* prices = resolve(logged_model);
  if (memo_->resolved.size() < kMaxMemoizedNames) memo_->resolved.emplace(logged_model, prices);
  if (!prices && is_reportable_unknown(logged_model) && memo_->unknown.size() < kMaxUnknownNames) {
    memo_->unknown.emplace(logged_model);
  }
  return prices;
}

std::vector<std::string> PriceTable::unknown_models() const {
  std::lock_guard lock(memo_->mutex);
  return {memo_->unknown.begin(), memo_->unknown.end()};
}

// SPEC §5: exact name, else the longest overlapping name on a boundary; then the same again with
// `.` and `@` mapped to `-` on both sides.
const ModelPrices* PriceTable::resolve(std::string_view logged_model) const {
  if (logged_model.empty() || logged_model == kSyntheticModel) return nullptr;
  if (const ModelPrices* prices = match_pass(models_, logged_model, false)) return prices;
  return match_pass(models_, dash_normalized(logged_model), true);
}

}  // namespace cu
