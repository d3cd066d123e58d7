#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pricing/price_table.h"

namespace cu {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kHeader =
    "model\tinput\toutput\tcache_write_5m\tcache_write_1h\tcache_read\tinput_above_200k\t"
    "output_above_200k\tcache_write_5m_above_200k\tcache_write_1h_above_200k\t"
    "cache_read_above_200k\tfast_multiplier\n";

std::string with_header(std::string_view rows) {
  return "# comment\n\n" + std::string(kHeader) + std::string(rows);
}

std::string error_of(const std::string& tsv) {
  try {
    PriceTable::from_tsv(tsv);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(PricesTsv, ParsesPerMillionIntoPerTokenAndTiers) {
  const PriceTable table = PriceTable::from_tsv(
      with_header("m-1\t3\t15\t3.75\t6\t0.30\t6\t22.5\t7.5\t12\t0.60\t1\r\n"
                  "m-2\t0.25\t1.25\t0\t0.5\t0.03\t-\t-\t-\t-\t-\t6\n"));
  ASSERT_EQ(table.models().size(), 2u);
  const ModelPrices& tiered = table.models().at("m-1");
  EXPECT_EQ(tiered.input, 3e-6);
  EXPECT_EQ(tiered.cache_read, 0.3e-6);  // the nearest double, not 0.30 / 1e6 rounded twice
  EXPECT_EQ(tiered.cache_read_above_200k, 0.6e-6);
  EXPECT_EQ(tiered.output_above_200k, 22.5e-6);
  const ModelPrices& flat = table.models().at("m-2");
  EXPECT_EQ(flat.cache_write_5m, 0);
  EXPECT_FALSE(flat.input_above_200k.has_value());
  EXPECT_EQ(flat.fast_multiplier, 6);
}

TEST(PricesTsv, LastLineWithoutNewline) {
  const PriceTable table =
      PriceTable::from_tsv(with_header("m\t1\t1\t1\t1\t1\t-\t-\t-\t-\t-\t1"));
  EXPECT_EQ(table.models().size(), 1u);
}

TEST(PricesTsv, RejectsBadInputNamingTheLine) {
  EXPECT_THAT(error_of(""), HasSubstr("no header"));
  EXPECT_THAT(error_of("model\tinput\n"), HasSubstr("line 1: expected the header"));
  EXPECT_THAT(error_of(with_header("m\t1\t1\n")), HasSubstr("line 4: expected 12"));
  EXPECT_THAT(error_of(with_header("m\t1e3\t1\t1\t1\t1\t-\t-\t-\t-\t-\t1\n")),
              HasSubstr("line 4: bad number \"1e3\" in column input"));
  EXPECT_THAT(error_of(with_header("m\t1\t1\t1\t1\t-1\t-\t-\t-\t-\t-\t1\n")),
              HasSubstr("column cache_read"));
  EXPECT_THAT(error_of(with_header("m\t1\t1\t1\t1\t1\t-\t-\t-\t-\t.5\t1\n")),
              HasSubstr("column cache_read_above_200k"));
  EXPECT_THAT(error_of(with_header("m\t1\t1\t1\t1\t1\t-\t-\t-\t-\t-\t\n")),
              HasSubstr("column fast_multiplier"));
  const std::string too_large(400, '9');
  EXPECT_THAT(error_of(with_header("m\t1\t1\t1\t1\t1\t-\t-\t-\t-\t-\t" + too_large + "\n")),
              HasSubstr("column fast_multiplier"));
  EXPECT_THAT(error_of(with_header("\t1\t1\t1\t1\t1\t-\t-\t-\t-\t-\t1\n")),
              HasSubstr("bad model name"));
  EXPECT_THAT(error_of(with_header("m\t1\t1\t1\t1\t1\t-\t-\t-\t-\t-\t1\n"
                                   "m\t2\t1\t1\t1\t1\t-\t-\t-\t-\t-\t1\n")),
              HasSubstr("line 5: duplicate model \"m\""));
}

}  // namespace
}  // namespace cu
