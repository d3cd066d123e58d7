#include "ingest/line_reader.h"

#include <algorithm>
#include <cstring>


namespace cu {

LineReader::LineReader(std::size_t chunk_bytes, std::size_t max_line_bytes)
    : chunk_bytes_(chunk_bytes), max_line_bytes_(max_line_bytes) {}

LineReadResult LineReader::read(OpenFile& file, std::int64_t offset, const LineHandler& on_line,
                                const OversizeHandler& on_oversize, std::int64_t budget_bytes) {
  LineReadResult result;
  result.next_offset = offset;
  if (buffer_.size() > chunk_bytes_ + kPadding) {
    buffer_.resize(chunk_bytes_ + kPadding);
    buffer_.shrink_to_fit();
  }
  if (buffer_.size() < chunk_bytes_ + kPadding) buffer_.resize(chunk_bytes_ + kPadding);

  std::size_t held = 0;             // bytes in buffer_ not yet handed out; they start at next_offset
  std::int64_t read_offset = offset;  // next file byte to read
  std::int64_t discarding_since = -1;  // start of an oversized line being skipped

  while (budget_bytes < 0 || result.next_offset - offset < budget_bytes) {
    if (buffer_.size() - kPadding - held < chunk_bytes_ / 2) {
      // Not enough room for a useful read: the pending line is long. Grow up to the limit, then
      // drop what is held and skip the rest of that line.
      if (held + chunk_bytes_ <= max_line_bytes_ + 1) {
        buffer_.resize(held + chunk_bytes_ + kPadding);
      } else {
        if (discarding_since < 0) discarding_since = result.next_offset;
        held = 0;
      }
    }
    const std::size_t room = buffer_.size() - kPadding - held;
    const std::int64_t n = file.read_at(buffer_.data() + held, room, read_offset);
    if (n < 0) {
      result.error = static_cast<int>(-n);
      break;
    }
    if (n == 0) break;  // end of file: whatever is held is an unterminated line
    read_offset += n;
    const std::size_t filled = held + static_cast<std::size_t>(n);
    std::size_t start = 0;
    while (start < filled) {
      const char* nl = static_cast<const char*>(std::memchr(buffer_.data() + start, '\n', filled - start));
      if (nl == nullptr) break;
      const std::size_t end = static_cast<std::size_t>(nl - buffer_.data());
      if (discarding_since >= 0) {
        const std::int64_t line_end = read_offset - static_cast<std::int64_t>(filled - end);
        on_oversize(discarding_since, line_end - discarding_since);
        ++result.oversized_lines;
        result.next_offset = line_end + 1;
        discarding_since = -1;
      } else {
        on_line(std::string_view(buffer_.data() + start, end - start), result.next_offset);
        result.next_offset += static_cast<std::int64_t>(end - start + 1);
      }
      ++result.lines;
      start = end + 1;
      if (budget_bytes >= 0 && result.next_offset - offset >= budget_bytes) break;
    }
    held = filled - start;
    if (held > 0 && start > 0) std::memmove(buffer_.data(), buffer_.data() + start, held);
    if (budget_bytes >= 0 && result.next_offset - offset >= budget_bytes) break;
  }
  return result;
}

}  // namespace cu
