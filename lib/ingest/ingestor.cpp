#include "ingest/ingestor.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <optional>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>


#include "log/log.h"

namespace cu {
namespace {

// How far ingest_files reads and parses ahead of the file it applies (which does not count): enough
// to keep the reading threads busy while the applying thread waits for a commit or for one large
// file (a 43 MB transcript takes one thread 0.2 s), little enough to bound what is held (the parsed
// entries of 16 MB of typical logs take ~1.5 MB).
constexpr std::size_t kFilesReadAhead = 4096;
constexpr std::int64_t kBytesReadAhead = 16 << 20;
// Reading and parsing is the largest part of a backfill; two threads share it (files are applied
// in order whichever finishes first), each reading in 256 KiB chunks (1 MiB ones, held by each
// thread for the whole backfill, were 1.5 MB of a 500 MB backfill's peak and no faster).
constexpr std::size_t kReadingThreads = 2;
constexpr std::size_t kReadingChunkBytes = 256 << 10;

// A bulk read on a store with history takes the stored message ids' fingerprints once it has
// spent on looking new ids up about what taking them costs, so that a long read pays at most
// twice the better of the two. On a 5 GB database (444k events, schema/sqlite/014) a lookup of a
// new id took 4.4 us (of a stored one 7.5 us), reading a stored message key for its fingerprint
// 0.08 us (all of them in 0.034 s, from usage_events_message alone).
constexpr std::int64_t kLookupCostInIdReads = 64;

}  // namespace

std::int64_t IngestStats::skipped_total() const {
  std::int64_t total = 0;
  for (const std::int64_t count : skipped) total += count;
  return total;
}

Ingestor::Ingestor(Store& store, const PriceTable& prices, RollupSettings settings,
                   IngestOptions options, FileSystem& file_system)
    : store_(store), file_system_(file_system), prices_(prices), settings_(settings), options_(options) {
  dedup_.set_lookup([this](std::string_view message_id) { return stored_kept_of(message_id); });
}

Ingestor::~Ingestor() = default;

void Ingestor::load() {
  for (const Checkpoint& checkpoint : store_.load_checkpoints()) checkpoints_.set(checkpoint.path, checkpoint);
  // Nothing of the stored events: the records of a message id are looked up when an entry with
  // that id turns up (stored_kept_of).
  next_event_id_ = store_.max_event_id() + 1;
  batch_first_id_ = next_event_id_;
  note_retention();
  if (stored_events_ > 0) dedup_.note_store_has_events();
}

// For the rest of a bulk read: a new message id is looked up only when its fingerprint matches
// one of the store's. Held until the flush's compact().
void Ingestor::load_fingerprints() {
  using Clock = std::chrono::steady_clock;
  finish_commit();  // the store's connection is the writer's until then
  const Clock::time_point loading = Clock::now();
  MessageFingerprints stored;
  store_.load_message_keys([&stored](std::int64_t key) { stored.add_key(key); });
  dedup_.take_fingerprints(std::move(stored));  // only once complete: a partial set would say "new"
  log::write(LogLevel::kInfo,
             fmt::format("took the fingerprints of {} stored message ids in {:.2f} s, after {} lookups",
                         dedup_.fingerprints().size(), std::chrono::duration<double>(Clock::now() - loading).count(),
                         dedup_.lookups()));
}

void Ingestor::note_retention() {
  const std::optional<RetentionState> frozen = store_.retention();
  frozen_before_ms_ = frozen ? frozen->frozen_before_ms : std::numeric_limits<std::int64_t>::min();
  stored_events_ = store_.event_count();
}

void Ingestor::reload() {
  dedup_.clear();
  checkpoints_.clear();
  batch_ = IngestBatch{};
  pending_dropped_.clear();
  pending_removed_.clear();
  rereads_.clear();
  rereading_ = false;
  batch_bytes_ = 0;
  unflushed_ = false;
  load();
}

bool Ingestor::has_unread(const SourceFile& file) const {
  const std::string& path = file.path;
  const auto current = file_system_.stat(file.path);
  if (!current) return !checkpoints_.contains(path);  // gone: unread only when never read
  return !checkpoints_.holds(path, current->device, current->inode, current->size);
}

bool Ingestor::has_unread(const std::string& path, const FileStat& current) const {
  return !checkpoints_.holds(path, current.device, current.inode, current.size);
}

// Where to continue reading: the checkpoint's offset when it still describes this file
// (checkpoint_matches); 0 when it was truncated or replaced, and then its earlier events are
// replaced by what it holds now.
std::int64_t Ingestor::resume_offset(const SourceFile& file, OpenFile& open, const FileStat& stat) {
  const auto checkpoint = checkpoints_.find(file.path);
  if (!checkpoint) return 0;
  if (checkpoint_matches(*checkpoint, open, stat)) return checkpoint->offset;
  note_restart(file, stat);
  return 0;
}

// `file` is read again from its start: counted, logged, and its earlier events replaced.
void Ingestor::note_restart(const SourceFile& file, const FileStat& stat) {
  ++stats_.restarts;
  log::write_limited(file.path, LogLevel::kNotice,
                     "file was truncated or replaced; reading it again from the start",
                     {{"CLAUDE_FILE", file.path}, {"CLAUDE_INODE", std::to_string(stat.inode)}});
  replace_events_of(file);
}

// The store's kept events of `message_id`, for the dedup index, which holds no record of them:
// after the commit in flight (the store is this thread's again), and without those the pending
// batch deletes.
std::vector<StoredKept> Ingestor::stored_kept_of(std::string_view message_id) {
  finish_commit();
  std::vector<StoredKept> kept;
  for (StoredIdentity& identity : store_.identities_of_message(std::string(message_id))) {
    if (pending_removed_.contains(identity.id)) continue;
    kept.push_back({identity.id, std::move(identity.request_id),
                    DedupRank{identity.is_sidechain, identity.tokens, identity.cost_usd, identity.has_speed,
                              std::move(identity.file), identity.line_offset, identity.entry_index}});
  }
  return kept;
}

// Takes the events `file` gave out of the dedup index now and out of the store with the next
// commit (which marks their days, sessions and blocks dirty); pending ones are dropped. Its
// checkpoint is forgotten, so that the read from 0 records a new one even when it finds nothing.
// Events of the same relative path under another root cannot be told from these: they go too,
// and those files are read again from 0 (read_rereads). When some of them had a message.id, the
// project's other files are read again as well (reread_project_siblings).
void Ingestor::replace_events_of(const SourceFile& file) {
  checkpoints_.erase(file.path);
  unflushed_ = true;
  if (rereading_) return;  // the path's events went when the rereads were queued
  finish_commit();         // the store is this thread's again, with every earlier batch in it
  const bool had_message_ids = take_out_events_of(file);
  reread_same_path_elsewhere(file);
  if (had_message_ids) reread_project_siblings(file);
}

// Takes `file`'s stored and pending events out (see replace_events_of); returns whether any of
// them had a message.id, and so may have been kept over a duplicate elsewhere.
bool Ingestor::take_out_events_of(const SourceFile& file) {
  bool had_message_ids = false;
  for (const StoredEventKey& key : store_.events_of_file(file.project, file.session_id, file.relative)) {
    had_message_ids = had_message_ids || !key.message_id.empty();
    dedup_.forget(key.id, key.message_id);
    remove_stored(key.id);
  }
  for (const UsageEvent& event : batch_.inserted) {
    if (event.file != file.relative || pending_dropped_.contains(event.id)) continue;
    had_message_ids = had_message_ids || !event.entry.message_id.empty();
    dedup_.forget(event.id, event.entry.message_id);
    pending_dropped_.insert(event.id);
  }
  return had_message_ids;
}

// A message `file` held may have been kept over its copy in another file of the project (a
// subagent's lines repeated in its session's transcript, a resumed session's copied history); that
// copy was dropped, not stored. So every other file of the project under the same root is read
// again from 0, its events replaced by what it holds now: where `file` no longer holds a message,
// its other copy counts again. A sibling is held open (hold_checkpointed) before its events are
// taken out, so that one deleted meanwhile is read whole through its descriptor; one already gone
// keeps its events (history outlives the transcripts), and one replaced by another file is left to
// its own read, which starts it again. Rare (a file rewritten other than by appending) and bounded
// by the project's size.
void Ingestor::reread_project_siblings(const SourceFile& file) {
  const std::string& own = file.path;
  if (!own.ends_with(file.relative)) return;
  const std::string projects_dir = own.substr(0, own.size() - file.relative.size());  // ends in '/'
  const std::string prefix = projects_dir + file.project + "/";
  for (auto& [path, checkpoint] :
       checkpoints_.where([&](std::string_view other) { return other != own && other.starts_with(prefix); })) {
    const auto sibling = classify_source(projects_dir.substr(0, projects_dir.size() - 1), path.substr(projects_dir.size()));
    if (!sibling || !hold_checkpointed(path, checkpoint)) continue;
    take_out_events_of(*sibling);
    reread_from_start(checkpoint, *sibling);
  }
}

// True when the file `checkpoint` describes (same device and inode) is open as `path`'s handle,
// opening it when needed; false when it is gone or `path` now names another file.
bool Ingestor::hold_checkpointed(const std::string& path, const Checkpoint& checkpoint) {
  Handle* handle = open_handle(path);
  if (handle == nullptr) return false;
  handle->last_use = ++use_counter_;  // the last one closed when more are open than allowed
  return handle->identity.inode == checkpoint.inode &&
         handle->identity.device == checkpoint.device;
}

// Records `checkpoint` as "nothing read" (same file, offset 0, a fingerprint of no bytes), here and
// in the batch that removes `file`'s events, and queues `file` for reading from 0 (read_rereads).
void Ingestor::reread_from_start(Checkpoint checkpoint, const SourceFile& file) {
  checkpoint.offset = 0;
  checkpoint.fingerprint = fingerprint_bytes({});
  checkpoint.path = file.path;
  checkpoints_.set(checkpoint.path, checkpoint);
  batch_.checkpoints.push_back(std::move(checkpoint));
  rereads_.push_back(file);
}

// Queues `file`'s relative path under the other roots for reading from 0: their events cannot be
// told from `file`'s and are gone with them. Each is opened afresh now, so that whatever the path
// names now is read, even when it is deleted before the read.
void Ingestor::reread_same_path_elsewhere(const SourceFile& file) {
  const std::string& own = file.path;
  const std::string suffix = "/projects/" + file.relative;
  for (auto& [path, checkpoint] :
       checkpoints_.where([&](std::string_view other) { return other != own && other.ends_with(suffix); })) {
    handles_.erase(path);
    open_handle(path);
    reread_from_start(checkpoint, SourceFile{path, file.relative, file.project, file.session_id});
  }
}

// Reads the files queued by reread_same_path_elsewhere to their end.
void Ingestor::read_rereads() {
  if (rereading_ || rereads_.empty()) return;
  rereading_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{rereading_};
  while (!rereads_.empty()) {
    const SourceFile file = std::move(rereads_.back());
    rereads_.pop_back();
    ingest_file(file);
  }
}

// Queues the stored event `id` for deletion with the next commit (once).
void Ingestor::remove_stored(std::int64_t id) {
  if (pending_removed_.insert(id).second) batch_.removed_ids.push_back(id);
}

void Ingestor::close_files() { decltype(handles_)().swap(handles_); }

// The open file for `path`, opening it when needed and closing the least recently used one beyond
// options_.max_open_files; nullptr when it cannot be opened.
Ingestor::Handle* Ingestor::open_handle(const std::string& path) {
  if (const auto it = handles_.find(path); it != handles_.end()) return &it->second;
  int error = 0;
  auto opened = file_system_.open(path, error);
  const auto identity = opened ? opened->stat() : std::nullopt;
  if (!identity) {
    note_open_error(path, error);
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
  const bool more = read_next_slice(file);
  read_rereads();
  return more;
}

bool Ingestor::read_next_slice(const SourceFile& file) {
  const std::string& path = file.path;
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
  const auto stat = handle.file->stat();
  if (!stat) {
    ++stats_.read_errors;
    return false;
  }
  const std::int64_t offset = resume_offset(file, *handle.file, *stat);
  if (offset >= stat->size && checkpoints_.contains(file.path)) return false;
  ParsedSlice slice = parse_slice(*handle.file, offset, options_.slice_bytes, reader_, parser_);
  const LineReadResult result = slice.read;
  apply_slice(file, *stat, read_fingerprint(*handle.file, stat->size), std::move(slice));
  return result.error == 0 && result.next_offset > offset && result.next_offset < stat->size;
}

void Ingestor::ingest_file(const SourceFile& file) {
  while (ingest_slice(file)) {
  }
}

void Ingestor::ingest_files(const std::vector<SourceFile>& files) {
  struct Ahead {
    std::future<PreparedFile> prepared;
    std::int64_t bytes = 0;  // the file's size when submitted
    std::optional<Checkpoint> basis;  // the checkpoint it is read from
  };
  std::deque<Ahead> ahead;  // files [done, submitted) in order
  const std::int64_t lookups_before = dedup_.lookups();
  std::size_t submitted = 0;
  std::int64_t bytes_ahead = 0;
  // Last, so that they are joined first: running tasks use `files` and this Ingestor.
  boost::asio::thread_pool pool(kReadingThreads);
  boost::asio::thread_pool writer(1);
  // Batches commit on `writer` while the next one is built here; every commit has finished when
  // this returns, also when it throws (the pending one's own error is then dropped).
  writer_ = &writer;
  struct StopWriting {
    Ingestor& ingestor;
    ~StopWriting() {
      if (ingestor.committing_.valid()) ingestor.committing_.wait();
      ingestor.committing_ = {};
      ingestor.writer_ = nullptr;
    }
  } stop_writing{*this};

  auto submit = [&] {
    const SourceFile& file = files[submitted++];
    // Looked up here, not in the task: this thread updates checkpoints_ while tasks run.
    std::optional<Checkpoint> checkpoint = checkpoints_.find(file.path);
    std::packaged_task<PreparedFile()> task([&, &file = file, checkpoint] {
      // Each reading thread's own reader and parser, reused for every file it reads.
      thread_local LineReader reader(kReadingChunkBytes);
      thread_local LineParser parser;
      return prepare_file(file_system_, file, checkpoint ? &*checkpoint : nullptr, reader, parser);
    });
    const auto stat = file_system_.stat(file.path);
    ahead.push_back({task.get_future(), stat ? stat->size : 0, checkpoint});
    bytes_ahead += ahead.back().bytes;
    boost::asio::post(pool, std::move(task));
  };
  for (std::size_t done = 0; done < files.size(); ++done) {
    // The file applied next does not count: behind a large one, the other threads read on.
    while (submitted < files.size() &&
           (ahead.empty() || (ahead.size() < kFilesReadAhead && bytes_ahead - ahead.front().bytes < kBytesReadAhead))) {
      submit();
    }
    PreparedFile prepared = ahead.front().prepared.get();
    bytes_ahead -= ahead.front().bytes;
    const std::optional<Checkpoint> basis = std::move(ahead.front().basis);
    ahead.pop_front();
    apply_prepared(files[done], std::move(prepared), basis);
    if (!dedup_.has_fingerprints() &&
        (dedup_.lookups() - lookups_before) * kLookupCostInIdReads >= std::max<std::int64_t>(stored_events_, 1024)) {
      load_fingerprints();
    }
  }
  finish_commit();
}

// A file that vanished since it was listed is no error; anything else is counted and logged.
void Ingestor::note_open_error(const std::string& path, int error) {
  if (error == ENOENT) return;
  ++stats_.read_errors;
  log::write_limited(path, LogLevel::kWarning, fmt::format("cannot read {}: {}", path, std::strerror(error)),
                     {{"CLAUDE_FILE", path}});
}

// Applies what a reading thread prepared from the checkpoint `basis`; when that checkpoint changed
// meanwhile (the same path under another root was read again from 0), reads the file here instead.
void Ingestor::apply_prepared(const SourceFile& file, PreparedFile&& prepared, const std::optional<Checkpoint>& basis) {
  if (checkpoints_.find(file.path) != basis) {
    ingest_file(file);
    return;
  }
  if (prepared.open_error != 0) {
    note_open_error(file.path, prepared.open_error);
    return;
  }
  if (prepared.restarted) note_restart(file, prepared.stat);
  if (prepared.slice.start_offset >= prepared.stat.size && checkpoints_.contains(file.path)) return;
  apply_slice(file, prepared.stat, std::move(prepared.fingerprint), std::move(prepared.slice));
  read_rereads();
}

// True when the checkpoint of `path` already says `offset` of this file: recording it again
// would write nothing new.
bool Ingestor::checkpoint_stands(const std::string& path, const FileStat& stat, std::int64_t offset) const {
  return checkpoints_.holds(path, stat.device, stat.inode, offset);
}

// Takes what a slice of `file` yielded: skips are counted and logged, entries deduplicated into
// the pending batch, and the checkpoint moved past the slice, all as one unit of the next commit.
void Ingestor::apply_slice(const SourceFile& file, const FileStat& stat, std::string fingerprint,
                           ParsedSlice&& slice) {
  const std::string& path = file.path;
  for (const SkippedLine& skip : slice.skipped) {
    ++stats_.skipped[static_cast<std::size_t>(skip.reason)];
    const std::string message =
        skip.reason == SkipReason::kTooLarge
            ? fmt::format("skipped a {} byte line at offset {} of {}", skip.length, skip.offset, path)
            : fmt::format("skipped line at offset {} of {}: {}", skip.offset, path, to_string(skip.reason));
    log::write_limited(path, LogLevel::kWarning, message, {{"CLAUDE_FILE", path}});
  }
  for (ParsedEntry& parsed : slice.entries) take_entry(file, std::move(parsed));
  const LineReadResult& result = slice.read;
  if (result.error != 0) {
    ++stats_.read_errors;
    log::write_limited(path, LogLevel::kWarning, fmt::format("read error in {}: {}", path, std::strerror(result.error)),
                       {{"CLAUDE_FILE", path}});
  }
  const std::int64_t consumed = result.next_offset - slice.start_offset;
  if (consumed == 0 && checkpoint_stands(path, stat, result.next_offset)) return;  // an unterminated last line
  stats_.lines += result.lines;
  stats_.bytes_consumed += consumed;
  batch_bytes_ += consumed;
  if (slice.start_offset == 0) ++stats_.files_read;

  batch_.checkpoints.push_back(Checkpoint{path, stat.device, stat.inode, std::move(fingerprint), result.next_offset});
  checkpoints_.set(path, batch_.checkpoints.back());
  unflushed_ = true;
  commit_if_full();
}

void Ingestor::take_entry(const SourceFile& file, ParsedEntry&& parsed) {
  ++stats_.entries;
  if (parsed.entry.timestamp_ms < frozen_before_ms_) {
    ++stats_.late_events;
    return;
  }
  UsageEvent event;
  event.entry = std::move(parsed.entry);
  event.id = next_event_id_++;
  event.file = file.relative;
  event.line_offset = parsed.line_offset;
  event.entry_index = parsed.entry_index;
  event.cost_usd = entry_cost(event.entry, prices_, options_.cost_mode);
  const DedupDecision decision = dedup_.offer(event);
  if (!decision.keep) {
    ++stats_.duplicates;
    return;
  }
  stats_.newest_event_ms = std::max(stats_.newest_event_ms, event.entry.timestamp_ms);
  event.project = file.project;  // only now: most duplicates never need these copies
  event.session_id = file.session_id;
  keep(std::move(event), decision);
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
      remove_stored(id);
    }
  }
  batch_.inserted.push_back(std::move(event));
}

void Ingestor::commit_if_full() {
  const auto events = static_cast<std::int64_t>(batch_.inserted.size() + batch_.removed_ids.size());
  if (events >= options_.batch_events || batch_bytes_ >= options_.batch_bytes) commit_batch();
}

bool Ingestor::commit_batch(bool refresh) {
  if (batch_.empty()) return false;
  std::erase_if(batch_.inserted,
                [&](const UsageEvent& event) { return pending_dropped_.contains(event.id); });
  const std::int64_t stored_delta =
      static_cast<std::int64_t>(batch_.inserted.size()) - static_cast<std::int64_t>(batch_.removed_ids.size());
  // The previous batch first: batches commit in order, and a failure surfaces here.
  finish_commit();
  if (writer_ != nullptr && !refresh) {
    auto batch = std::make_shared<IngestBatch>(std::move(batch_));
    std::packaged_task<void()> task([this, batch] { store_.commit(*batch, settings_); });
    committing_ = task.get_future();
    committing_delta_ = stored_delta;
    boost::asio::post(*writer_, std::move(task));
  } else if (refresh) {
    store_.commit_and_refresh(batch_, settings_);
    stored_events_ += stored_delta;
  } else {
    store_.commit(batch_, settings_);
    stored_events_ += stored_delta;
  }
  batch_ = IngestBatch{};
  batch_first_id_ = next_event_id_;
  pending_dropped_.clear();
  pending_removed_.clear();
  batch_bytes_ = 0;
  return true;
}

void Ingestor::finish_commit() {
  if (!committing_.valid()) return;
  std::future<void> committing = std::move(committing_);
  committing.get();  // rethrows the commit's exception
  stored_events_ += committing_delta_;
}

void Ingestor::flush() {
  finish_commit();
  // The last batch and the refresh in one transaction; without a batch, what earlier commits
  // marked.
  if (!commit_batch(/*refresh=*/true)) store_.refresh_rollups(settings_);
  unflushed_ = false;
  // Every kept event is in the store now: the dedup index lets go of their records and of any
  // fingerprints (memory that does not grow with the history).
  dedup_.compact();
}

}  // namespace cu
