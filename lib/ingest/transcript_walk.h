#pragma once
// The cheap look at every transcript a rescan makes: each regular *.jsonl file below a project
// folder of <root>/projects, with its identity and size, without building a SourceFile for the
// files that turn out unchanged (most of them).
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/file_system.h"

namespace cu {

// Which project folders (names directly in <root>/projects) a walk looks into; empty: all of them.
// A folder left out is not even listed: in the idle daemon, listing the folders took more of a
// rescan's time than the stat of their files (ext4 hashes every name of a folder on each listing).
using ProjectFilter = std::function<bool(std::string_view project)>;
// A transcript the walk found: its path (<root>/projects/<project>/…), and the project folder and
// the entry of it it lies in.
using TranscriptVisitor =
    std::function<void(const std::string& path, std::string_view project, std::string_view entry, const FileStat& stat)>;

// Calls `visit` for each transcript (a regular *.jsonl file, its name more than the suffix, below a
// project folder of <root>/projects) in the project folders `include` accepts (all when empty), in
// no particular order: what a rescan compares with the checkpoints, and what discover_sources
// lists. Symlinks are not followed; unreadable directories are skipped, a root whose projects/
// cannot be opened is reported through `errors`.
void walk_transcripts(const std::vector<std::filesystem::path>& roots, const ProjectFilter& include,
                      const TranscriptVisitor& visit, std::vector<std::string>* errors = nullptr);

// Which of `buckets` parts a project folder falls in, for walking the tree a part at a time (the
// safety rescan): stable for a name, spread by its hash.
int project_bucket(std::string_view project, int buckets);

}  // namespace cu
