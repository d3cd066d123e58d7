#pragma once
// The cheap look at every transcript a rescan makes: each regular *.jsonl file below a project
// folder of <root>/projects, with its identity and size, without building a SourceFile for the
// files that turn out unchanged (most of them).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ingest/file_system.h"

namespace cu {

// Which entries of the project folders a walk looks at: `entry` is a name directly in the folder
// `project` (a session's transcript or folder); empty: all of them.
using EntryFilter = std::function<bool(std::string_view project, std::string_view entry)>;
// A transcript the walk found: its path (<root>/projects/<project>/…), and the project folder and
// the entry of it it lies in.
using TranscriptVisitor =
    std::function<void(const std::string& path, std::string_view project, std::string_view entry, const FileStat& stat)>;

// Calls `visit` for each transcript (a regular *.jsonl file, its name more than the suffix, below a
// project folder of <root>/projects) in the entries of the project folders `include` accepts (all
// when empty), in no particular order: what a rescan compares with the checkpoints, and what
// discover_sources lists. Symlinks are not followed; unreadable directories are
// skipped, a root whose projects/ cannot be opened is reported through `errors`.
void walk_transcripts(const std::vector<std::filesystem::path>& roots, const EntryFilter& include,
                      const TranscriptVisitor& visit, std::vector<std::string>* errors = nullptr);

}  // namespace cu
