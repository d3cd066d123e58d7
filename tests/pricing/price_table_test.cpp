#include "pricing/price_table.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// One row of SPEC §5's table, USD per million tokens; tier prices are -1 when absent.
struct PerMillionRow {
  const char* model;
  double input, output, cache_write_5m, cache_write_1h, cache_read;
  double input_200k, output_200k, cache_write_5m_200k, cache_write_1h_200k, cache_read_200k;
  double fast;
};

constexpr double kNo = -1;

ModelPrices input_price(double per_token) {
  ModelPrices prices;
  prices.input = per_token;
  return prices;
}

const std::vector<PerMillionRow> kSpecTable = {
    {"claude-opus-4", 15, 75, 18.75, 30, 1.50, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-opus-4-1", 15, 75, 18.75, 30, 1.50, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-3-opus", 15, 75, 18.75, 30, 1.50, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-opus-4-5", 5, 25, 6.25, 10, 0.50, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-opus-4-6", 5, 25, 6.25, 10, 0.50, kNo, kNo, kNo, kNo, kNo, 6},
    {"claude-opus-4-7", 5, 25, 6.25, 10, 0.50, kNo, kNo, kNo, kNo, kNo, 6},
    {"claude-opus-4-8", 5, 25, 6.25, 10, 0.50, kNo, kNo, kNo, kNo, kNo, 2},
    {"claude-opus-5", 5, 25, 6.25, 10, 0.50, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-sonnet-4", 3, 15, 3.75, 6, 0.30, 6, 22.5, 7.5, 12, 0.60, 1},
    {"claude-sonnet-4-5", 3, 15, 3.75, 6, 0.30, 6, 22.5, 7.5, 12, 0.60, 1},
    {"claude-sonnet-4-6", 3, 15, 3.75, 6, 0.30, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-3-7-sonnet", 3, 15, 3.75, 6, 0.30, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-3-5-sonnet", 3, 15, 3.75, 6, 0.30, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-sonnet-5", 2, 10, 2.5, 4, 0.20, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-fable-5", 10, 50, 12.5, 20, 1.00, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-haiku-4-5", 1, 5, 1.25, 2, 0.10, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-3-5-haiku", 0.80, 4, 1.00, 1.6, 0.08, kNo, kNo, kNo, kNo, kNo, 1},
    {"claude-3-haiku", 0.25, 1.25, 0.30, 0.5, 0.03, kNo, kNo, kNo, kNo, kNo, 1},
    {"glm-4.7", 0.60, 2.20, 0, 1.2, 0.11, kNo, kNo, kNo, kNo, kNo, 1},
    {"glm-4.7-flash", 0.06, 0.40, 0, 0.12, 0.01, kNo, kNo, kNo, kNo, kNo, 1},
    {"glm-4.5-air", 0.20, 1.10, 0, 0.4, 0.03, kNo, kNo, kNo, kNo, kNo, 1},
};

void expect_per_million(double per_token, double per_million, const char* field) {
  EXPECT_DOUBLE_EQ(per_token * 1e6, per_million) << field;
}

void expect_tier(const std::optional<double>& per_token, double per_million, const char* field) {
  if (per_million == kNo) {
    EXPECT_FALSE(per_token.has_value()) << field;
  } else {
    ASSERT_TRUE(per_token.has_value()) << field;
    expect_per_million(*per_token, per_million, field);
  }
}

TEST(BuiltinPrices, HoldsExactlyTheSpecModels) {
  const PriceTable table = PriceTable::builtin();
  std::vector<std::string> expected;
  for (const PerMillionRow& row : kSpecTable) expected.emplace_back(row.model);
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> actual;
  for (const auto& entry : table.models()) actual.push_back(entry.first);
  EXPECT_EQ(actual, expected);
}

TEST(BuiltinPrices, EveryRowMatchesTheSpec) {
  const PriceTable table = PriceTable::builtin();
  for (const PerMillionRow& row : kSpecTable) {
    SCOPED_TRACE(row.model);
    const auto it = table.models().find(row.model);
    ASSERT_NE(it, table.models().end());
    const ModelPrices& p = it->second;
    expect_per_million(p.input, row.input, "input");
    expect_per_million(p.output, row.output, "output");
    expect_per_million(p.cache_write_5m, row.cache_write_5m, "cache_write_5m");
    expect_per_million(p.cache_write_1h, row.cache_write_1h, "cache_write_1h");
    expect_per_million(p.cache_read, row.cache_read, "cache_read");
    expect_tier(p.input_above_200k, row.input_200k, "input_above_200k");
    expect_tier(p.output_above_200k, row.output_200k, "output_above_200k");
    expect_tier(p.cache_write_5m_above_200k, row.cache_write_5m_200k, "cache_write_5m_above_200k");
    expect_tier(p.cache_write_1h_above_200k, row.cache_write_1h_200k, "cache_write_1h_above_200k");
    expect_tier(p.cache_read_above_200k, row.cache_read_200k, "cache_read_above_200k");
    EXPECT_EQ(p.fast_multiplier, row.fast);
  }
}

TEST(BuiltinPrices, PerTokenPricesAreTheNearestDoubles) {
  const PriceTable table = PriceTable::builtin();
  EXPECT_EQ(table.models().at("claude-sonnet-4").cache_read, 3e-7);
  EXPECT_EQ(table.models().at("claude-3-5-haiku").input, 8e-7);
  EXPECT_EQ(table.models().at("glm-4.7").cache_read, 1.1e-7);
  EXPECT_EQ(table.models().at("claude-opus-4").cache_write_5m, 1.875e-5);
}

// The row `find` picks for a logged name, or "" when none.
std::string found_row(const PriceTable& table, std::string_view logged) {
  const ModelPrices* found = table.find(logged);
  if (!found) return "";
  for (const auto& [name, prices] : table.models()) {
    if (&prices == found) return name;
  }
  return "<not a row>";
}

struct LookupCase {
  const char* logged;
  const char* row;  // "" = unknown
};

class BuiltinLookup : public ::testing::TestWithParam<LookupCase> {};

TEST_P(BuiltinLookup, FindsTheSpecRow) {
  const PriceTable table = PriceTable::builtin();
  EXPECT_EQ(found_row(table, GetParam().logged), GetParam().row) << GetParam().logged;
}

INSTANTIATE_TEST_SUITE_P(
    Exact, BuiltinLookup,
    ::testing::Values(LookupCase{"claude-opus-4", "claude-opus-4"},
                      LookupCase{"claude-opus-4-1", "claude-opus-4-1"},
                      LookupCase{"claude-opus-4-6", "claude-opus-4-6"},
                      LookupCase{"claude-opus-4-7", "claude-opus-4-7"},
                      LookupCase{"claude-opus-5", "claude-opus-5"},
                      LookupCase{"claude-fable-5", "claude-fable-5"},
                      LookupCase{"claude-sonnet-4-6", "claude-sonnet-4-6"},
                      LookupCase{"glm-4.7", "glm-4.7"},
                      LookupCase{"glm-4.7-flash", "glm-4.7-flash"},
                      LookupCase{"glm-4.5-air", "glm-4.5-air"}));

INSTANTIATE_TEST_SUITE_P(
    Dated, BuiltinLookup,
    ::testing::Values(LookupCase{"claude-opus-4-20250514", "claude-opus-4"},
                      LookupCase{"claude-opus-4-1-20250805", "claude-opus-4-1"},
                      LookupCase{"claude-opus-4-5-20251101", "claude-opus-4-5"},
                      LookupCase{"claude-sonnet-4-20250514", "claude-sonnet-4"},
                      LookupCase{"claude-sonnet-4-5-20250929", "claude-sonnet-4-5"},
                      LookupCase{"claude-haiku-4-5-20251001", "claude-haiku-4-5"},
                      LookupCase{"claude-3-7-sonnet-20250219", "claude-3-7-sonnet"},
                      LookupCase{"claude-3-5-sonnet-20241022", "claude-3-5-sonnet"},
                      LookupCase{"claude-3-5-haiku-20241022", "claude-3-5-haiku"},
                      LookupCase{"claude-3-haiku-20240307", "claude-3-haiku"},
                      LookupCase{"claude-3-opus-20240229", "claude-3-opus"}));

INSTANTIATE_TEST_SUITE_P(
    BedrockAndVertex, BuiltinLookup,
    ::testing::Values(
        LookupCase{"us.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4"},
        LookupCase{"us.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1"},
        LookupCase{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"},
        LookupCase{"eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet"},
        LookupCase{"anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku"},
        LookupCase{"anthropic.claude-opus-4-6-v1", "claude-opus-4-6"},
        LookupCase{"claude-opus-4-1@20250805", "claude-opus-4-1"},
        LookupCase{"claude-sonnet-4@20250514", "claude-sonnet-4"},
        LookupCase{"claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet"},
        LookupCase{"claude-haiku-4-5@20251001", "claude-haiku-4-5"}));

INSTANTIATE_TEST_SUITE_P(
    ContainedInAKnownName, BuiltinLookup,
    ::testing::Values(LookupCase{"opus-4", "claude-opus-4"},
                      LookupCase{"sonnet-4-5", "claude-sonnet-4-5"},
                      LookupCase{"anthropic/claude-haiku-4-5", "claude-haiku-4-5"}));

INSTANTIATE_TEST_SUITE_P(
    AfterMappingDotsAndAts, BuiltinLookup,
    ::testing::Values(LookupCase{"glm-4-7", "glm-4.7"},
                      LookupCase{"glm-4-7-flash", "glm-4.7-flash"},
                      LookupCase{"claude-opus-4.1", "claude-opus-4-1"},
                      LookupCase{"claude-sonnet-4.5-20250929", "claude-sonnet-4-5"}));

INSTANTIATE_TEST_SUITE_P(
    Unknown, BuiltinLookup,
    ::testing::Values(LookupCase{"<synthetic>", ""},
                      LookupCase{"", ""},
                      LookupCase{"claude-opus-4-9", ""},
                      LookupCase{"claude-opus-4-10-20260101", ""},
                      LookupCase{"claude-sonnet-4-7", ""},
                      LookupCase{"claude-opus-45", ""},
                      LookupCase{"claude-opus-4-2025051", ""},
                      LookupCase{"gpt-4o", ""},
                      LookupCase{"glm-4.6", ""},
                      LookupCase{"-", ""}));

TEST(PriceTableFind, MemoizedResultIsStable) {
  const PriceTable table = PriceTable::builtin();
  const ModelPrices* first = table.find("claude-sonnet-4-20250514");
  EXPECT_EQ(table.find("claude-sonnet-4-20250514"), first);
  EXPECT_EQ(first, &table.models().at("claude-sonnet-4"));
}

TEST(PriceTableFind, LongestOverlappingNameWins) {
  PriceTable table;
  table.set("m", input_price(1));
  table.set("m-pro", input_price(2));
  ASSERT_NE(table.find("x.m-pro-20250101"), nullptr);
  EXPECT_EQ(table.find("x.m-pro-20250101")->input, 2);
  EXPECT_EQ(table.find("x.m-lite")->input, 1);
}

TEST(PriceTableFind, ExactNameBeatsALongerOverlap) {
  PriceTable table;
  table.set("m-pro", input_price(1));
  table.set("m-pro-max", input_price(2));
  EXPECT_EQ(table.find("m-pro")->input, 1);
}

TEST(PriceTableUnknown, ListsEachUnknownNameOnceSorted) {
  const PriceTable table = PriceTable::builtin();
  EXPECT_THAT(table.unknown_models(), IsEmpty());
  table.find("zeta-1");
  table.find("<synthetic>");
  table.find("");
  table.find("claude-opus-4-9");
  table.find("zeta-1");
  table.find("claude-opus-4-20250514");
  EXPECT_THAT(table.unknown_models(), ElementsAre("claude-opus-4-9", "zeta-1"));
}

TEST(PriceTableSet, OverrideReplacesARowAndForgetsMemoizedLookups) {
  PriceTable table = PriceTable::builtin();
  EXPECT_EQ(table.find("claude-opus-4-9"), nullptr);
  EXPECT_EQ(table.find("claude-opus-4-20250514")->input, 15e-6);
  table.set("claude-opus-4-9", input_price(1));
  table.set("claude-opus-4", input_price(2));
  ASSERT_NE(table.find("claude-opus-4-9"), nullptr);
  EXPECT_EQ(table.find("claude-opus-4-9")->input, 1);
  EXPECT_EQ(table.find("claude-opus-4-20250514")->input, 2);
  EXPECT_THAT(table.unknown_models(), IsEmpty());
}

TEST(PriceTableSet, KeepsNamesThatAreStillUnknown) {
  PriceTable table = PriceTable::builtin();
  table.find("zeta-1");
  table.set("omega", ModelPrices{});
  EXPECT_THAT(table.unknown_models(), ElementsAre("zeta-1"));
}

TEST(PriceTableValue, CopiesAndMovesKeepPricesAndUnknowns) {
  PriceTable original = PriceTable::builtin();
  original.find("zeta-1");
  const PriceTable copy = original;
  EXPECT_EQ(copy.models(), original.models());
  EXPECT_THAT(copy.unknown_models(), ElementsAre("zeta-1"));
  EXPECT_EQ(copy.find("claude-opus-4-6"), &copy.models().at("claude-opus-4-6"));

  const ModelPrices* before_move = original.find("claude-haiku-4-5-20251001");
  PriceTable moved = std::move(original);
  EXPECT_EQ(moved.find("claude-haiku-4-5-20251001"), before_move);
  EXPECT_EQ(before_move, &moved.models().at("claude-haiku-4-5"));

  PriceTable assigned;
  assigned = copy;
  EXPECT_EQ(assigned.models(), copy.models());
  EXPECT_EQ(assigned.find("claude-opus-4-6"), &assigned.models().at("claude-opus-4-6"));
}

TEST(PriceTableFind, ConcurrentLookupsAgree) {
  const PriceTable table = PriceTable::builtin();
  const std::vector<std::string> names = {"claude-opus-4-20250514", "claude-sonnet-4-5-20250929",
                                          "nope-1", "glm-4.7", "<synthetic>", "nope-2"};
  std::vector<std::vector<const ModelPrices*>> seen(4);
  std::vector<std::thread> threads;
  for (auto& out : seen) {
    threads.emplace_back([&table, &names, &out] {
      for (int round = 0; round < 200; ++round) {
        for (const std::string& name : names) out.push_back(table.find(name));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& out : seen) EXPECT_EQ(out, seen.front());
  EXPECT_THAT(table.unknown_models(), ElementsAre("nope-1", "nope-2"));
}

}  // namespace
}  // namespace cu
