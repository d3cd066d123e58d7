#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/config.h"

namespace cu {
namespace {

ConfigError file_error(const std::filesystem::path& path, const std::string& problem) {
  return ConfigError(fmt::format("pricing.file: {}: {}", path.string(), problem));
}

std::string read_price_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw file_error(path, fmt::format("cannot read: {}", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw file_error(path, "cannot read");
  return text.str();
}

PriceTable base_table(const Config& config) {
  if (config.pricing_file.empty()) return PriceTable::builtin();
  try {
    return PriceTable::from_litellm_json(read_price_file(config.pricing_file));
  } catch (const std::invalid_argument& bad) {
    throw file_error(config.pricing_file, bad.what());
  }
}

}  // namespace

PriceTable make_price_table(const Config& config) {
  PriceTable table = base_table(config);
  for (const auto& [model, prices] : config.pricing_overrides) table.set(model, prices);
  return table;
}

}  // namespace cu
