#pragma once
// Which files are transcripts, and what their path says about project and session (SPEC §2).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cu {

struct SourceFile {
  // As found: <root>/projects/<relative>. Text rather than a std::filesystem::path, which also
  // keeps a list of its components on the heap: a backfill holds every transcript's SourceFile
  // (16,419 at 5 GB), and each path's components took ~500 bytes.
  std::string path;
  std::string relative;        // path below projects/, '/'-separated; orders files for dedup ties
  std::string project;         // first segment below projects/
  std::string session_id;      // path-derived session id

  friend bool operator==(const SourceFile&, const SourceFile&) = default;
};

// Describes `relative` (a path below projects/, '/'-separated) as a transcript, or nullopt when it
// is not one (no ".jsonl" suffix, or directly in projects/ without a project folder).
std::optional<SourceFile> classify_source(const std::filesystem::path& projects_dir,
                                          std::string_view relative);

// Every transcript below <root>/projects for each root (walk_transcripts: regular *.jsonl files in
// project folders, symlinks not followed), ordered by `relative` (byte order), then by root order.
// Unreadable directories are skipped; a root whose projects/ cannot be opened is reported through
// `errors` when given.
std::vector<SourceFile> discover_sources(const std::vector<std::filesystem::path>& roots,
                                         std::vector<std::string>* errors = nullptr);

}  // namespace cu
