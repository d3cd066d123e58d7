#pragma once
// Reading and parsing a run of a file's lines, separated from what the Ingestor does with the
// result (deduplication, batching, checkpoints), so that a backfill can read and parse the next
// files on another thread while the Ingestor applies the previous ones. Nothing here touches
// Ingestor state: every function may run on any thread, each with its own reader and parser.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ingest/file_system.h"
#include "ingest/line_reader.h"
#include "ingest/source_file.h"
#include "parse/line_parser.h"
#include "store/store.h"

namespace cu {

struct ParsedEntry {
  UsageEntry entry;
  std::int64_t line_offset = 0;
  std::int32_t entry_index = 0;  // position among the entries of that line
};

// A line that yielded nothing although it should have been a transcript line.
struct SkippedLine {
  std::int64_t offset = 0;
  std::int64_t length = 0;  // set for kTooLarge lines only
  SkipReason reason = SkipReason::kInvalidJson;
};

struct ParsedSlice {
  std::int64_t start_offset = 0;
  LineReadResult read;  // next_offset, lines, read error
  std::vector<ParsedEntry> entries;
  std::vector<SkippedLine> skipped;
};

// Reads the complete lines of `file` from `offset` (at most `budget_bytes` of them, all when
// negative) and parses each one.
ParsedSlice parse_slice(OpenFile& file, std::int64_t offset, std::int64_t budget_bytes, LineReader& reader,
                        LineParser& parser);

// Whether `checkpoint` still describes the open file: same device and inode, not shorter than the
// checkpointed offset, and the same first bytes.
bool checkpoint_matches(const Checkpoint& checkpoint, OpenFile& file, const FileStat& stat);

// The fingerprint of the open file's first bytes (fingerprint_bytes of up to kFingerprintBytes).
std::string read_fingerprint(OpenFile& file, std::int64_t size);

// One whole file read from its checkpoint: what a backfill's reading thread hands to the Ingestor.
struct PreparedFile {
  int open_error = 0;          // errno when the file could not be opened or stat'ed; 0 otherwise
  FileStat stat;               // the open file's identity and size when it was read
  bool restarted = false;      // a checkpoint existed but no longer matched: read from 0
  std::string fingerprint;     // of the file's first bytes, for the new checkpoint
  ParsedSlice slice;
};

// Opens `file` and parses everything beyond `checkpoint` (from 0 when absent or not matching).
PreparedFile prepare_file(FileSystem& file_system, const SourceFile& file, const Checkpoint* checkpoint,
                          LineReader& reader, LineParser& parser);

}  // namespace cu
