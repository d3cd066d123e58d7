#pragma once
// Instants as Unix epoch milliseconds: read from the logs' timestamps (SPEC §3), written as the
// stored UTC text (SPEC §7), and taken from the wall clock.
#include <cstdint>
#include <string>
#include <string_view>

namespace cu {

// Parses `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)` (SPEC §3) to Unix epoch milliseconds, digits
// beyond milliseconds truncated. Rejects (returns false, `out_ms` unspecified) any other layout,
// an invalid date (2025-02-30), hour > 23, minute or second > 59 (no leap seconds), offsets
// beyond ±23:59.
bool parse_timestamp_ms(std::string_view text, std::int64_t& out_ms);

// Unix epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.sssZ".
std::string format_timestamp_ms(std::int64_t timestamp_ms);

// Current wall-clock time in Unix epoch milliseconds.
std::int64_t now_ms();

}  // namespace cu
