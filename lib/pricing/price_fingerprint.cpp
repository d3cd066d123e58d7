#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "pricing/price_table.h"

namespace cu {
namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = kFnvOffset;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

// Exact: hexadecimal floating point keeps every bit.
std::string exact(double value) { return fmt::format("{:a}", value); }
std::string exact(const std::optional<double>& value) { return value ? exact(*value) : "-"; }

std::string canonical_row(const std::string& model, const ModelPrices& p) {
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", model, exact(p.input), exact(p.output),
                     exact(p.cache_write_5m), exact(p.cache_write_1h), exact(p.cache_read),
                     exact(p.input_above_200k), exact(p.output_above_200k), exact(p.cache_write_5m_above_200k),
                     exact(p.cache_write_1h_above_200k), exact(p.cache_read_above_200k), exact(p.fast_multiplier));
}

}  // namespace

std::string price_fingerprint(const PriceTable& prices, CostMode mode) {
  std::string text = fmt::format("{}\n", cost_mode_name(mode));
  for (const auto& [model, row] : prices.models()) text += canonical_row(model, row);
  return fmt::format("{}:{}:{:016x}", cost_mode_name(mode), prices.models().size(), fnv1a(text));
}

}  // namespace cu
