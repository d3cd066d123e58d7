#include "ingest/ingestor.h"

#include <algorithm>
#include <cerrno>
#include <cstring>


#include "log/log.h"

namespace cu {
namespace {

std::string read_fingerprint(OpenFile& file, std::int64_t size) {
  std::string head(static_cast<std::size_t>(std::min<std::int64_t>(size, kFingerprintBytes)), '\0');
  const std::int64_t n = file.read_at(head.data(), head.size(), 0);
  head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return fingerprint_bytes(head);
}

// The length part of a "<length>:<hash>" fingerprint.
std::int64_t fingerprint_length(const std::string& fingerprint) {
  return std::strtoll(fingerprint.c_str(), nullptr, 10);
}

}  // namespace

std::int64_t IngestStats::skipped_total() const {
  std::int64_t total = 0;
  for (const std::int64_t count : skipped) total += count;
  return total;
}

Ingestor::Ingestor(Store& store, const PriceTable& prices, RollupSettings settings,
                   IngestOptions options, FileSystem& file_system)
    : store_(store), file_system_(file_system), prices_(prices), settings_(settings), options_(options) {}

Ingestor::~Ingestor() = default;

void Ingestor::load() {
  for (Checkpoint& checkpoint : store_.load_checkpoints()) {
    std::string path = checkpoint.path;
    checkpoints_.emplace(std::move(path), std::move(checkpoint));
  }
  const std::int64_t max_id = store_.load_identities([this](StoredIdentity&& identity) {
    dedup_.restore(identity.id, std::move(identity.message_id), std::move(identity.request_id),
                   DedupRank{identity.is_sidechain, identity.tokens, identity.cost_usd,
                             identity.has_speed, std::move(identity.file), identity.line_offset,
                             identity.entry_index});
  });
  next_event_id_ = max_id + 1;
  batch_first_id_ = next_event_id_;
  stored_events_ = store_.event_count();
}

void Ingestor::reload() {
  dedup_.clear();
  checkpoints_.clear();
  batch_ = IngestBatch{};
  pending_dropped_.clear();
  batch_bytes_ = 0;
  load();
}

bool Ingestor::has_unread(const SourceFile& file) const {
  const auto it = checkpoints_.find(file.path.string());
  if (it == checkpoints_.end()) return true;
  const auto current = file_system_.stat(file.path);
  if (!current) return false;
  const Checkpoint& checkpoint = it->second;
  return checkpoint.offset != current->size || checkpoint.inode != current->inode ||
         checkpoint.device != current->device;
}

// Where to continue reading: the checkpoint's offset when it still describes this file (same
// device and inode, same first bytes, not shorter than the offset); 0 when it was truncated or
// replaced, which deduplication makes safe to read again.
std::int64_t Ingestor::resume_offset(const SourceFile& file, OpenFile& open, const FileStat& stat) {
  const auto it = checkpoints_.find(file.path.string());
  if (it == checkpoints_.end()) return 0;
  const Checkpoint& checkpoint = it->second;
  const bool same_file = checkpoint.device == stat.device && checkpoint.inode == stat.inode &&
                         stat.size >= checkpoint.offset &&
                         read_fingerprint(open, fingerprint_length(checkpoint.fingerprint)) ==
                             checkpoint.fingerprint;
  if (same_file) return checkpoint.offset;
  ++stats_.restarts;
  log::write_limited(file.path.string(), LogLevel::kNotice,
                     "file was truncated or replaced; reading it again from the start",
                     {{"CLAUDE_FILE", file.path.string()}, {"CLAUDE_INODE", std::to_string(stat.inode)}});
  return 0;
}

// The open file for `path`, opening it when needed and closing the least recently used one beyond
// options_.max_open_files; nullptr when it cannot be opened.
Ingestor::Handle* Ingestor::open_handle(const std::string& path) {
  if (const auto it = handles_.find(path); it != handles_.end()) return &it->second;
  int error = 0;
  auto opened = file_system_.open(path, error);
  const auto identity = opened ? opened->stat() : std::nullopt;
  if (!identity) {
    if (error != ENOENT) {
      ++stats_.read_errors;
      log::write_limited(path, LogLevel::kWarning, fmt::format("cannot read {}: {}", path, std::strerror(error)),
                         {{"CLAUDE_FILE", path}});
    }
    return nullptr;
  }
  if (handles_.size() >= options_.max_open_files) {
    const auto oldest = std::min_element(handles_.begin(), handles_.end(), [](const auto& a, const auto& b) {
      return a.second.last_use < b.second.last_use;
    });
    handles_.erase(oldest);
  }
  return &handles_.emplace(path, Handle{std::move(opened), *identity, 0}).first->second;
}

bool Ingestor::ingest_slice(const SourceFile& file) {
  const std::string path = file.path.string();
  const auto current = file_system_.stat(file.path);
  if (const auto it = handles_.find(path); it != handles_.end()) {
    const FileStat& open_identity = it->second.identity;
    const bool moved = !current || current->inode != open_identity.inode || current->device != open_identity.device;
    if (moved) {
      // Renamed, replaced or deleted: first finish what was appended to the file we hold open.
      if (read_slice(file, it->second)) return true;
      handles_.erase(it);
      if (!current) return false;
    }
  }
  if (!current) return false;
  Handle* handle = open_handle(path);
  return handle != nullptr && read_slice(file, *handle);
}

bool Ingestor::read_slice(const SourceFile& file, Handle& handle) {
  handle.last_use = ++use_counter_;
  const std::string path = file.path.string();
  const auto stat = handle.file->stat();
  if (!stat) {
    ++stats_.read_errors;
    return false;
  }
  const std::int64_t offset = resume_offset(file, *handle.file, *stat);
  if (offset >= stat->size && checkpoints_.contains(path)) return false;

  const LineReadResult result = reader_.read(
      *handle.file, offset,
      [&](std::string_view line, std::int64_t line_offset) { take_line(file, line, line_offset); },
      [&](std::int64_t line_offset, std::int64_t length) {
        ++stats_.skipped[static_cast<std::size_t>(SkipReason::kTooLarge)];
        log::write_limited(path, LogLevel::kWarning,
                           fmt::format("skipped a {} byte line at offset {} of {}", length, line_offset, path),
                           {{"CLAUDE_FILE", path}});
      },
      options_.slice_bytes);
  if (result.error != 0) {
    ++stats_.read_errors;
    log::write_limited(path, LogLevel::kWarning, fmt::format("read error in {}: {}", path, std::strerror(result.error)),
                       {{"CLAUDE_FILE", path}});
  }
  stats_.lines += result.lines;
  const std::int64_t consumed = result.next_offset - offset;
  stats_.bytes_consumed += consumed;
  batch_bytes_ += consumed;
  if (offset == 0) ++stats_.files_read;

  Checkpoint checkpoint{path, stat->device, stat->inode, read_fingerprint(*handle.file, stat->size),
                        result.next_offset};
  checkpoints_[path] = checkpoint;
  batch_.checkpoints.push_back(std::move(checkpoint));
  commit_if_full();
  return result.error == 0 && consumed > 0 && result.next_offset < stat->size;
}

void Ingestor::ingest_file(const SourceFile& file) {
  while (ingest_slice(file)) {
  }
}

void Ingestor::take_line(const SourceFile& file, std::string_view line, std::int64_t offset) {
  entries_.clear();
  const ParseOutcome outcome = parser_.parse(line, entries_);
  if (outcome.skipped) {
    ++stats_.skipped[static_cast<std::size_t>(outcome.reason)];
    const std::string path = file.path.string();
    log::write_limited(path, LogLevel::kWarning,
                       fmt::format("skipped line at offset {} of {}: {}", offset, path, to_string(outcome.reason)),
                       {{"CLAUDE_FILE", path}});
    return;
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    ++stats_.entries;
    UsageEvent event;
    event.entry = std::move(entries_[i]);
    event.id = next_event_id_++;
    event.file = file.relative;
    event.line_offset = offset;
    event.entry_index = static_cast<std::int32_t>(i);
    event.cost_usd = entry_cost(event.entry, prices_, options_.cost_mode);
    const DedupDecision decision = dedup_.offer(event);
    if (!decision.keep) {
      ++stats_.duplicates;
      continue;
    }
    stats_.newest_event_ms = std::max(stats_.newest_event_ms, event.entry.timestamp_ms);
    event.project = file.project;  // only now: most duplicates never need these copies
    event.session_id = file.session_id;
    keep(std::move(event), decision);
  }
}

// Records a kept event in the pending batch. Displaced events that are still pending are dropped
// from the batch; the others are deleted from the store when the batch commits.
void Ingestor::keep(UsageEvent&& event, const DedupDecision& decision) {
  ++stats_.kept;
  for (const std::int64_t id : decision.replaced) {
    ++stats_.replaced;
    if (id >= batch_first_id_) {
      pending_dropped_.insert(id);
    } else {
      ++stats_.replaced_stored;
      batch_.removed_ids.push_back(id);
    }
  }
  batch_.inserted.push_back(std::move(event));
}

void Ingestor::commit_if_full() {
  const auto events = static_cast<std::int64_t>(batch_.inserted.size() + batch_.removed_ids.size());
  if (events >= options_.batch_events || batch_bytes_ >= options_.batch_bytes) commit_batch();
}

void Ingestor::commit_batch() {
  if (batch_.empty()) return;
  std::erase_if(batch_.inserted,
                [&](const UsageEvent& event) { return pending_dropped_.contains(event.id); });
  store_.commit(batch_, settings_);
  stored_events_ += static_cast<std::int64_t>(batch_.inserted.size()) - static_cast<std::int64_t>(batch_.removed_ids.size());
  batch_ = IngestBatch{};
  batch_first_id_ = next_event_id_;
  pending_dropped_.clear();
  batch_bytes_ = 0;
}

void Ingestor::flush() {
  commit_batch();
  store_.refresh_rollups(settings_);
}

}  // namespace cu
