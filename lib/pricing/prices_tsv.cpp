// PriceTable::from_tsv: the format of lib/pricing/prices.tsv.
//   - '#' lines and blank lines are ignored; fields are separated by one tab;
//   - the first other line is the header, exactly kColumns;
//   - each following line is one model: its name, then prices in USD per million tokens as plain
//     decimals ("3", "0.30", "18.75"), "-" for an absent 200k tier, then the fast multiplier.
#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "pricing/price_table.h"

namespace cu {
namespace {

constexpr std::array<std::string_view, 12> kColumns = {
    "model",
    "input",
    "output",
    "cache_write_5m",
    "cache_write_1h",
    "cache_read",
    "input_above_200k",
    "output_above_200k",
    "cache_write_5m_above_200k",
    "cache_write_1h_above_200k",
    "cache_read_above_200k",
    "fast_multiplier",
};
constexpr std::string_view kNoTier = "-";

[[noreturn]] void fail(int line, const std::string& what) {
  throw std::invalid_argument(fmt::format("prices line {}: {}", line, what));
}

std::vector<std::string_view> split_tabs(std::string_view row) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const std::size_t tab = row.find('\t', start);
    fields.push_back(row.substr(start, tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

// Digits, optionally one '.' followed by digits: no sign, no exponent, no spaces.
bool is_plain_decimal(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view("0") : text.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return all_digits(whole) && all_digits(fraction);
}

// `decimal` × 10^scale_exponent, parsed as one literal ("0.30e-6") so that the result is the
// double nearest the exact per-token price, as a per-token price list would give it.
double parse_decimal(std::string_view decimal, int scale_exponent, int line,
                     std::string_view column) {
  const std::string literal = fmt::format("{}e{}", decimal, scale_exponent);
  double value = 0;
  const char* literal_end = literal.data() + literal.size();
  const auto [end, error] = std::from_chars(literal.data(), literal_end, value);
  if (!is_plain_decimal(decimal) || error != std::errc() || end != literal_end) {
    fail(line, fmt::format("bad number \"{}\" in column {}", decimal, column));
  }
  return value;
}

double per_token(std::string_view per_million, int line, std::string_view column) {
  return parse_decimal(per_million, -6, line, column);
}

std::optional<double> tier_per_token(std::string_view per_million, int line,
                                     std::string_view column) {
  if (per_million == kNoTier) return std::nullopt;
  return per_token(per_million, line, column);
}

ModelPrices parse_prices(const std::vector<std::string_view>& f, int line) {
  ModelPrices p;
  p.input = per_token(f[1], line, kColumns[1]);
  p.output = per_token(f[2], line, kColumns[2]);
  p.cache_write_5m = per_token(f[3], line, kColumns[3]);
  p.cache_write_1h = per_token(f[4], line, kColumns[4]);
  p.cache_read = per_token(f[5], line, kColumns[5]);
  p.input_above_200k = tier_per_token(f[6], line, kColumns[6]);
  p.output_above_200k = tier_per_token(f[7], line, kColumns[7]);
  p.cache_write_5m_above_200k = tier_per_token(f[8], line, kColumns[8]);
  p.cache_write_1h_above_200k = tier_per_token(f[9], line, kColumns[9]);
  p.cache_read_above_200k = tier_per_token(f[10], line, kColumns[10]);
  p.fast_multiplier = parse_decimal(f[11], 0, line, kColumns[11]);
  return p;
}

void check_header(const std::vector<std::string_view>& fields, int line) {
  if (!std::equal(fields.begin(), fields.end(), kColumns.begin(), kColumns.end())) {
    fail(line, fmt::format("expected the header \"{}\"", fmt::join(kColumns, "\\t")));
  }
}

void add_row(PriceTable& table, const std::vector<std::string_view>& fields, int line) {
  if (fields.size() != kColumns.size()) {
    fail(line,
         fmt::format("expected {} tab-separated fields, got {}", kColumns.size(), fields.size()));
  }
  const std::string_view model = fields[0];
  if (model.empty() || model.find_first_of(" \r\v\f") != std::string_view::npos) {
    fail(line, fmt::format("bad model name \"{}\"", model));
  }
  if (table.models().contains(model)) fail(line, fmt::format("duplicate model \"{}\"", model));
  table.set(std::string(model), parse_prices(fields, line));
}

}  // namespace

PriceTable PriceTable::from_tsv(std::string_view tsv_text) {
  PriceTable table;
  bool seen_header = false;
  int line = 0;
  for (std::size_t start = 0; start < tsv_text.size();) {
    const std::size_t end = std::min(tsv_text.find('\n', start), tsv_text.size());
    std::string_view row = tsv_text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (row.ends_with('\r')) row.remove_suffix(1);
    if (row.empty() || row.starts_with('#')) continue;
    const std::vector<std::string_view> fields = split_tabs(row);
    if (!seen_header) {
      check_header(fields, line);
      seen_header = true;
    } else {
      add_row(table, fields, line);
    }
  }
  if (!seen_header) fail(line, "no header row");
  return table;
}

}  // namespace cu
