#include "config/config.h"

namespace cu {

PriceTable make_price_table(const Config& config) {
  PriceTable table = PriceTable::builtin();
  for (const auto& [model, prices] : config.pricing_overrides) table.set(model, prices);
  return table;
}

}  // namespace cu
