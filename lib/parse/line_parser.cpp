#include "parse/line_parser.h"

#include <new>

#include <simdjson.h>

#include "parse/line_fields.h"
#include "parse/line_fields_reader.h"
#include "parse/line_prefilter.h"
#include "parse/usage_entries.h"

namespace cu {

static_assert(LineParser::kPadding == simdjson::SIMDJSON_PADDING,
              "the reader's buffer padding must be what simdjson reads past a document");

namespace {

// A parser grows to the largest line it has seen; above this it is replaced after the line, so
// one huge tool result does not pin tens of MB for the life of the daemon.
constexpr std::size_t kRetainedParserCapacity = 4u << 20;

ParseOutcome skipped(SkipReason reason) { return {.skipped = true, .reason = reason}; }

SkipReason reason_for_iterate_error(simdjson::error_code error) {
  switch (error) {
    case simdjson::UTF8_ERROR:
      return SkipReason::kInvalidUtf8;
    case simdjson::MEMALLOC:
    case simdjson::CAPACITY:
      return SkipReason::kTooLarge;
    default:
      return SkipReason::kInvalidJson;
  }
}

}  // namespace

std::string_view to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::kInvalidJson:
      return "invalid_json";
    case SkipReason::kInvalidUtf8:
      return "invalid_utf8";
    case SkipReason::kBadUsage:
      return "bad_usage";
    case SkipReason::kBadTimestamp:
      return "bad_timestamp";
    case SkipReason::kTooLarge:
      return "too_large";
    case SkipReason::kCount_:
      break;
  }
  return "unknown";
}

struct LineParser::Impl {
  simdjson::ondemand::parser parser;
  LineFields fields;  // reused: keeps its vectors' capacity across lines

  // Parses a trimmed line that looks like an object and may carry usage. Appends nothing when it
  // is skipped.
  ParseOutcome parse_json(std::string_view body, std::vector<UsageEntry>& out) {
    const std::size_t old_size = out.size();
    ParseOutcome outcome;
    try {
      outcome = parse_document(body, out);
    } catch (const std::bad_alloc&) {  // only the entries' strings allocate here
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(old_size), out.end());
      outcome = skipped(SkipReason::kTooLarge);
    }
    release_large_buffers();
    return outcome;
  }

 private:
  ParseOutcome parse_document(std::string_view body, std::vector<UsageEntry>& out) {
    simdjson::ondemand::document document;
    simdjson::error_code error =
        parser.iterate(body.data(), body.size(), body.size() + kPadding).get(document);
    if (error) return skipped(reason_for_iterate_error(error));
    switch (read_line_fields(document, fields)) {
      case ReadStatus::kInvalidJson:
        return skipped(SkipReason::kInvalidJson);
      case ReadStatus::kBadUsage:
        return skipped(SkipReason::kBadUsage);
      case ReadStatus::kOk:
        break;
    }
    return append_usage_entries(fields, out);
  }

  void release_large_buffers() {
    if (parser.capacity() > kRetainedParserCapacity) parser = simdjson::ondemand::parser{};
  }
};

LineParser::LineParser() : impl_(std::make_unique<Impl>()) {}
LineParser::~LineParser() = default;

ParseOutcome LineParser::parse(std::string_view line, std::vector<UsageEntry>& out) {
  if (line.size() > kMaxLineBytes) return skipped(SkipReason::kTooLarge);
  // Trimming only shortens the line, so the padding after it stays readable.
  const std::string_view body = trim_json_whitespace(line);
  if (body.empty()) return {};
  if (!looks_like_object(body)) return skipped(SkipReason::kInvalidJson);
  if (!contains_usage_marker(body)) {
    return simdjson::validate_utf8(body) ? ParseOutcome{} : skipped(SkipReason::kInvalidUtf8);
  }
  return impl_->parse_json(body, out);
}

}  // namespace cu
