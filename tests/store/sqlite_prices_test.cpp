// Prices in the SQLite backend: stored events re-priced when the prices or the cost mode change
// (their outbox rows included), and the unknown models remembered across restarts.
#include <gtest/gtest.h>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/sample_events.h"
#include "store/sqlite_store.h"
#include "store/unknown_models.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;

constexpr const char* kMystery = "claude-mystery-9";

ModelPrices mystery_prices() {
  ModelPrices prices;
  prices.input = 2e-6;
  prices.output = 10e-6;
  prices.cache_write_5m = 2.5e-6;
  prices.cache_write_1h = 4e-6;
  prices.cache_read = 0.2e-6;
  return prices;
}

// A kMystery event priced as an unknown model is: its logged cost, else 0.
UsageEvent mystery_event(std::int64_t id, std::optional<double> logged_cost = std::nullopt) {
  UsageEvent event = sample_event(id, "2026-02-01T10:00:00.000Z", "s1", 500);
  event.entry.model = kMystery;
  event.entry.logged_cost_usd = logged_cost;
  event.cost_usd = logged_cost.value_or(0);
  return event;
}

class SqlitePricesTest : public ::testing::Test {
 protected:
  SqlitePricesTest() : calendar_("UTC"), store_(dir_.path() / "usage.db", "me@host") {
    priced_.set(kMystery, mystery_prices());
  }

  RollupSettings settings(const PriceTable& prices, CostMode mode = CostMode::kAuto) {
    return RollupSettings{&calendar_, &prices, std::chrono::hours(5), 0, mode};
  }
  void commit(std::vector<UsageEvent> events) {
    store_.commit(IngestBatch{{}, std::move(events), {}}, settings(builtin_));
    store_.refresh_rollups(settings(builtin_));
  }
  double cost_of(std::int64_t id) {
    for (const UsageEvent& event : store_.events_between(0, 4102444800000)) {
      if (event.id == id) return event.cost_usd;
    }
    ADD_FAILURE() << "no event " << id;
    return -1;
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable builtin_ = PriceTable::builtin();
  PriceTable priced_ = PriceTable::builtin();
  SqliteStore store_;
};

TEST_F(SqlitePricesTest, RepricingRecomputesFromStoredTokensAndKeepsLoggedCostsInAutoMode) {
  commit({mystery_event(1), mystery_event(2, 0.5), sample_event(3, "2026-02-01T11:00:00.000Z", "s1", 5)});
  const double sonnet_cost = cost_of(3);
  EXPECT_EQ(store_.reprice_events(settings(priced_)), 2);  // 1 newly priced; 3 set by hand, now computed
  EXPECT_EQ(cost_of(1), entry_cost(mystery_event(1).entry, priced_, CostMode::kAuto));
  EXPECT_GT(cost_of(1), 0);
  EXPECT_EQ(cost_of(2), 0.5);
  EXPECT_NE(cost_of(3), sonnet_cost);
  EXPECT_EQ(store_.reprice_events(settings(priced_)), 0);
  EXPECT_EQ(store_.reprice_events(settings(priced_, CostMode::kCalculate)), 1);  // the logged one
  EXPECT_EQ(cost_of(2), cost_of(1));
}

TEST_F(SqlitePricesTest, RepricedEventsGoToTheOutboxAsACommitsDo) {
  commit({mystery_event(1), mystery_event(2, 0.5)});
  store_.set_shipping(true);
  store_.discard_shipped(store_.read_ship_batch(0, 100).last_seq);
  ASSERT_EQ(store_.outbox_size(), 0);
  store_.reprice_events(settings(priced_));
  const ShipBatch batch = store_.read_ship_batch(0, 100);
  ASSERT_EQ(batch.changes.inserted.size(), 1u);
  EXPECT_EQ(batch.changes.inserted[0].id, 1);
  EXPECT_EQ(batch.changes.inserted[0].cost_usd, cost_of(1));
}

TEST_F(SqlitePricesTest, ChangedPricesRepriceAndRebuildOncePerChange) {
  commit({mystery_event(1), mystery_event(2, 0.5)});
  EXPECT_TRUE(store_.rebuild_if_settings_changed(settings(builtin_)));  // prices never recorded
  EXPECT_FALSE(store_.rebuild_if_settings_changed(settings(builtin_)));
  EXPECT_EQ(store_.daily_summaries().at(0).cost_usd, 0.5);

  const auto change = store_.rebuild_if_settings_changed(settings(priced_));
  EXPECT_TRUE(change.rebuilt);
  EXPECT_EQ(change.repriced, 1);
  EXPECT_DOUBLE_EQ(store_.daily_summaries().at(0).cost_usd, 0.5 + cost_of(1));
  EXPECT_DOUBLE_EQ(store_.model_daily().at(0).cost_usd, 0.5 + cost_of(1));
  EXPECT_FALSE(store_.rebuild_if_settings_changed(settings(priced_)));

  EXPECT_EQ(store_.rebuild_if_settings_changed(settings(priced_, CostMode::kCalculate)).repriced, 1);
  EXPECT_DOUBLE_EQ(store_.daily_summaries().at(0).cost_usd, 2 * cost_of(1));
}

TEST_F(SqlitePricesTest, UnknownModelsAreRememberedAcrossRestartsUntilPriced) {
  commit({mystery_event(1), mystery_event(2, 0.5), sample_event(3, "2026-02-01T11:00:00.000Z", "s1", 5)});
  {
    UnknownModels unknown(store_, builtin_);
    EXPECT_EQ(unknown.reconcile(), std::vector<std::string>{kMystery});
    EXPECT_EQ(unknown.reconcile(), std::vector<std::string>{});
    const std::int64_t tokens = mystery_event(1).entry.tokens.total();
    EXPECT_EQ(unknown.usage(), (std::vector<UnknownModelUsage>{{kMystery, 2, 2 * tokens}}));
  }
  UnknownModels restarted(store_, builtin_);
  EXPECT_EQ(restarted.reconcile(), std::vector<std::string>{});
  EXPECT_EQ(restarted.usage().size(), 1u);

  UnknownModels repriced(store_, priced_);
  EXPECT_EQ(repriced.reconcile(), std::vector<std::string>{});
  EXPECT_EQ(repriced.usage(), std::vector<UnknownModelUsage>{});
  EXPECT_EQ(store_.warned_models(), std::vector<std::string>{});
}

TEST_F(SqlitePricesTest, ModelsTheIngestMeetsAreNotedOnce) {
  const PriceTable prices = PriceTable::builtin();
  UnknownModels unknown(store_, prices);
  EXPECT_EQ(unknown.note_new(), std::vector<std::string>{});
  prices.find("claude-new-1");  // what pricing an ingested event does
  prices.find("<synthetic>");
  EXPECT_EQ(unknown.note_new(), std::vector<std::string>{"claude-new-1"});
  EXPECT_EQ(unknown.note_new(), std::vector<std::string>{});
  EXPECT_EQ(UnknownModels(store_, prices).note_new(), std::vector<std::string>{});  // remembered
}

}  // namespace
}  // namespace cu
