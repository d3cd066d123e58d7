#pragma once
// One pass over every transcript under the configured roots: what `claude-usaged --once` does.
// (The live daemon's startup pass is the Follower's, in slices on its event loop.)
#include <cstdint>
#include <vector>

#include "ingest/ingestor.h"
#include "ingest/source_file.h"

namespace cu {

// How far a startup pass has come (the Follower's status).
struct BackfillProgress {
  std::int64_t files_done = 0;
  std::int64_t files_total = 0;
  std::int64_t bytes_done = 0;   // file bytes up to where reading stands
  std::int64_t bytes_total = 0;  // sizes of all files when the pass started
};

// Ingests every file in `files` (as discover_sources orders them) to its current end with
// Ingestor::ingest_files, commits, refreshes the rollups, and logs how long each part took.
void backfill(Ingestor& ingestor, const std::vector<SourceFile>& files);

}  // namespace cu
