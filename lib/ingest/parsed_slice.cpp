#include "ingest/parsed_slice.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace cu {
namespace {

// The length part of a "<length>:<hash>" fingerprint.
std::int64_t fingerprint_length(const std::string& fingerprint) {
  return std::strtoll(fingerprint.c_str(), nullptr, 10);
}

}  // namespace

ParsedSlice parse_slice(OpenFile& file, std::int64_t offset, std::int64_t budget_bytes, LineReader& reader,
                        LineParser& parser) {
  ParsedSlice slice;
  slice.start_offset = offset;
  std::vector<UsageEntry> line_entries;  // reused per line
  slice.read = reader.read(
      file, offset,
      [&](std::string_view line, std::int64_t line_offset) {
        line_entries.clear();
        const ParseOutcome outcome = parser.parse(line, line_entries);
        if (outcome.skipped) {
          slice.skipped.push_back({line_offset, 0, outcome.reason});
          return;
        }
        for (std::size_t i = 0; i < line_entries.size(); ++i) {
          slice.entries.push_back({std::move(line_entries[i]), line_offset, static_cast<std::int32_t>(i)});
        }
      },
      [&](std::int64_t line_offset, std::int64_t length) {
        slice.skipped.push_back({line_offset, length, SkipReason::kTooLarge});
      },
      budget_bytes);
  return slice;
}

std::string read_fingerprint(OpenFile& file, std::int64_t size) {
  std::string head(static_cast<std::size_t>(std::min<std::int64_t>(size, kFingerprintBytes)), '\0');
  const std::int64_t n = file.read_at(head.data(), head.size(), 0);
  head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return fingerprint_bytes(head);
}

bool checkpoint_matches(const Checkpoint& checkpoint, OpenFile& file, const FileStat& stat) {
  return checkpoint.device == stat.device && checkpoint.inode == stat.inode && stat.size >= checkpoint.offset &&
         read_fingerprint(file, fingerprint_length(checkpoint.fingerprint)) == checkpoint.fingerprint;
}

PreparedFile prepare_file(FileSystem& file_system, const SourceFile& file, const Checkpoint* checkpoint,
                          LineReader& reader, LineParser& parser) {
  PreparedFile prepared;
  int error = 0;
  const std::unique_ptr<OpenFile> open = file_system.open(file.path, error);
  const auto stat = open ? open->stat() : std::nullopt;
  if (!stat) {
    prepared.open_error = error != 0 ? error : EIO;
    return prepared;
  }
  prepared.stat = *stat;
  std::int64_t offset = 0;
  if (checkpoint != nullptr) {
    if (checkpoint_matches(*checkpoint, *open, *stat)) {
      offset = checkpoint->offset;
    } else {
      prepared.restarted = true;
    }
  }
  if (checkpoint != nullptr && !prepared.restarted && offset >= stat->size) {
    prepared.slice.start_offset = offset;
    prepared.slice.read.next_offset = offset;
    return prepared;  // nothing new; the checkpoint stands
  }
  prepared.slice = parse_slice(*open, offset, -1, reader, parser);
  prepared.fingerprint = read_fingerprint(*open, stat->size);
  return prepared;
}

}  // namespace cu
