#pragma once
// Reads the complete lines of a file from a byte offset. Never consumes an unterminated last line:
// the returned offset is always the first byte after the last '\n' handled.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/file_system.h"

namespace cu {

struct LineReadResult {
  std::int64_t next_offset = 0;  // first unconsumed byte
  std::int64_t lines = 0;
  std::int64_t oversized_lines = 0;  // longer than the reader's limit, skipped unread
  int error = 0;  // errno of a failed read, 0 on success
};

class LineReader {
 public:
  // `line` excludes the '\n' and is followed by at least kPadding readable bytes.
  // `offset` is the line's first byte in the file.
  using LineHandler = std::function<void(std::string_view line, std::int64_t offset)>;
  // Called for a line longer than max_line_bytes, which is skipped without being held in memory.
  using OversizeHandler = std::function<void(std::int64_t offset, std::int64_t length)>;

  static constexpr std::size_t kPadding = 64;

  explicit LineReader(std::size_t chunk_bytes = 4u << 20, std::size_t max_line_bytes = 64u << 20);

  // Reads `file` from `offset` to its current end and hands each complete line to `on_line`.
  // Stops early once `budget_bytes` (> 0) were consumed, at a line boundary, so large files can
  // be processed in slices.
  LineReadResult read(OpenFile& file, std::int64_t offset, const LineHandler& on_line,
                      const OversizeHandler& on_oversize, std::int64_t budget_bytes = -1);

  // Memory held between calls (the buffer shrinks back after an unusually long line).
  std::size_t capacity() const { return buffer_.size(); }

 private:
  std::size_t chunk_bytes_;
  std::size_t max_line_bytes_;
  std::vector<char> buffer_;
};

}  // namespace cu
