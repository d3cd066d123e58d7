#pragma once
// A usage entry placed in its file, priced, and given its identity: what usage_events stores.
#include <cstdint>
#include <string>

#include "core/usage_entry.h"

namespace cu {

struct UsageEvent {
  std::int64_t id = 0;  // assigned by the ingest core, unique per source database
  UsageEntry entry;
  std::string project;
  std::string session_id;
  std::string file;              // path below projects/ (SourceFile::relative)
  std::int64_t line_offset = 0;  // byte offset of the line in its file
  std::int32_t entry_index = 0;  // position among the entries of that line (advisor entries)
  double cost_usd = 0;

  friend bool operator==(const UsageEvent&, const UsageEvent&) = default;
};

}  // namespace cu
