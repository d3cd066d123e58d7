#pragma once
// One pass over every transcript under the configured roots: what `claude-usaged --once` does and
// what the daemon does at startup before it follows the files live.
#include <cstdint>
#include <functional>
#include <vector>

#include "ingest/ingestor.h"
#include "ingest/source_file.h"

namespace cu {

struct BackfillProgress {
  std::int64_t files_done = 0;
  std::int64_t files_total = 0;
  std::int64_t bytes_done = 0;   // file bytes up to where reading stands
  std::int64_t bytes_total = 0;  // sizes of all files when the pass started
};

// Ingests every file in `files` (as discover_sources orders them) to its current end, commits, and
// refreshes the rollups. `on_progress` (optional) is called after each file.
void backfill(Ingestor& ingestor, const std::vector<SourceFile>& files,
              const std::function<void(const BackfillProgress&)>& on_progress = {});

}  // namespace cu
