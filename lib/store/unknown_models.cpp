#include "store/unknown_models.h"

#include <algorithm>
#include <iterator>

namespace cu {

UnknownModels::UnknownModels(SqliteStore& store, const PriceTable& prices) : store_(store), prices_(prices) {
  const std::vector<std::string> warned = store_.warned_models();
  remembered_.insert(warned.begin(), warned.end());
}

bool UnknownModels::is_unknown(const std::string& model) const {
  return !model.empty() && model != kSyntheticModel && prices_.find(model) == nullptr;
}

std::vector<std::string> UnknownModels::reconcile() {
  std::set<std::string> unknown;
  for (std::string& model : store_.stored_models()) {
    if (is_unknown(model)) unknown.insert(std::move(model));
  }
  std::vector<std::string> priced;
  std::set_difference(remembered_.begin(), remembered_.end(), unknown.begin(), unknown.end(),
                      std::back_inserter(priced));
  if (!priced.empty()) store_.forget_warned_models(priced);
  for (const std::string& model : priced) remembered_.erase(model);
  return remember({unknown.begin(), unknown.end()});
}

std::vector<std::string> UnknownModels::note_new() { return remember(prices_.unknown_models()); }

std::vector<std::string> UnknownModels::remember(const std::vector<std::string>& models) {
  std::vector<std::string> added;
  std::copy_if(models.begin(), models.end(), std::back_inserter(added),
               [this](const std::string& model) { return !remembered_.contains(model); });
  if (added.empty()) return added;
  store_.record_warned_models(added);
  remembered_.insert(added.begin(), added.end());
  return added;
}

std::vector<UnknownModelUsage> UnknownModels::usage() {
  std::vector<UnknownModelUsage> rows;
  for (const std::string& model : remembered_) {
    const SqliteStore::ModelUsage used = store_.model_usage(model);
    rows.push_back({model, used.events, used.tokens});
  }
  return rows;
}

}  // namespace cu
