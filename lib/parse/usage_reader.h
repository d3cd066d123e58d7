#pragma once
// Reads a `usage` object (SPEC §3) from a simdjson On-Demand value (internal to cu_parse).
#include <vector>

#include <simdjson.h>

#include "parse/line_fields.h"

namespace cu {

// Reads the members of a usage object in any order into `out`; its `iterations[]` items of type
// "advisor_message" with a non-empty model go to `advisors` (cleared first), in array order.
//
// Counts are non-negative integers up to 2^53 (sums must not overflow); an integral float such as 5.0 or 1e3 is accepted
// as the same integer (the logs are written by JavaScript, whose numbers have no integer type).
// input_tokens and output_tokens are required; the cache counts and the 5m/1h split default to
// 0, and `null` reads as absent. A negative, fractional, out-of-range or non-number count, or a
// missing required count, gives kBadUsage. `speed` other than "fast"/"standard" reads as unset.
// When the `cache_creation` object is present, tokens.cache_creation is its 5m + 1h sum (what
// ccusage bills), otherwise cache_creation_input_tokens.
//
// An unusable iterations[] item (or an `iterations` that is not an array) drops all advisor
// entries of the line but not the line itself, as in ccusage.
ReadStatus read_usage(simdjson::ondemand::object& object, RawUsage& out,
                      std::vector<AdvisorUsage>& advisors);

}  // namespace cu
