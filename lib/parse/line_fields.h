#pragma once
// What the On-Demand walk keeps of one transcript line (internal to cu_parse). The string views
// point into the line or into the simdjson parser's string buffer: valid until the next line.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/usage_entry.h"

namespace cu {

// One `usage` object: message.usage, or one item of its `iterations` array.
struct RawUsage {
  TokenCounts tokens;  // cache_creation already resolved (5m + 1h when the split is present)
  Speed speed = Speed::kUnset;
};

// An `iterations[]` item of type "advisor_message" with a non-empty model.
struct AdvisorUsage {
  std::string_view model;
  RawUsage usage;
};

// `message` (or `data.message.message` of a progress line): the API response.
struct MessageFields {
  std::string_view id;
  std::string_view model;
  bool has_usage = false;
  RawUsage usage;
  std::vector<AdvisorUsage> advisors;  // in iterations[] order

  void reset() {
    id = {};
    model = {};
    has_usage = false;
    usage = {};
    advisors.clear();  // keeps the capacity for the next line
  }
};

// The fields around a message: the line's top level, or `data.message` of a progress line.
// A field of the wrong type reads as absent.
struct EnvelopeFields {
  std::optional<std::string_view> timestamp;
  std::string_view request_id;
  std::optional<bool> is_sidechain;
  std::optional<double> cost_usd;
  MessageFields message;

  void reset() {
    timestamp.reset();
    request_id = {};
    is_sidechain.reset();
    cost_usd.reset();
    message.reset();
  }
};

struct LineFields {
  EnvelopeFields top;
  EnvelopeFields progress;  // data.message
  std::string_view cwd;

  void reset() {
    top.reset();
    progress.reset();
    cwd = {};
  }
};

// How reading a part of a line ended. kBadUsage: a usage object is present but unusable.
enum class ReadStatus : std::uint8_t { kOk, kBadUsage, kInvalidJson };

}  // namespace cu
