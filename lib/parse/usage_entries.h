#pragma once
// Turns the fields read from one line into its usage entries (internal to cu_parse).
#include <vector>

#include "parse/line_fields.h"
#include "parse/line_parser.h"
#include "core/usage_entry.h"

namespace cu {

// Appends the entries of a line (SPEC §3), see LineParser::parse for the rules. A line without a
// usage object yields nothing and is not a skip; one whose timestamp is missing or unparseable is
// a kBadTimestamp skip.
ParseOutcome append_usage_entries(const LineFields& fields, std::vector<UsageEntry>& out);

}  // namespace cu
