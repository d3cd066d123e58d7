#pragma once
// Reads transcripts from their checkpoints, parses, prices and deduplicates their usage entries,
// and commits kept events together with the checkpoints that cover them (SPEC §4, §9).
// One thread drives an Ingestor; ingest_files alone runs threads of its own (reading ahead,
// committing) and returns only once they are idle.
#include <array>
#include <future>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "ingest/checkpoint_map.h"
#include "ingest/dedup_index.h"
#include "ingest/file_system.h"
#include "ingest/line_reader.h"
#include "ingest/parsed_slice.h"
#include "ingest/source_file.h"
#include "parse/line_parser.h"
#include "pricing/price_table.h"
#include "store/store.h"

namespace cu {

struct IngestStats {
  std::int64_t files_read = 0;
  std::int64_t bytes_consumed = 0;
  std::int64_t lines = 0;
  std::int64_t entries = 0;     // usage entries parsed
  std::int64_t kept = 0;        // entries kept (new or replacing)
  std::int64_t replaced = 0;    // previously kept events displaced by better duplicates
  std::int64_t replaced_stored = 0;  // ... of them already committed (deleted from the store)
  std::int64_t duplicates = 0;  // entries dropped as duplicates
  std::int64_t restarts = 0;    // files read again from 0 (truncated or replaced)
  std::int64_t read_errors = 0;
  std::int64_t newest_event_ms = 0;  // latest timestamp among kept entries
  // Entries of days retention froze (Store::retention): counted, not applied.
  std::int64_t late_events = 0;
  std::array<std::int64_t, kSkipReasonCount> skipped{};

  std::int64_t skipped_total() const;
};

struct IngestOptions {
  CostMode cost_mode = CostMode::kAuto;
  std::int64_t slice_bytes = 16 << 20;      // read at most this much of one file per step
  std::int64_t batch_events = 2000;         // commit when the pending batch holds this many
  std::int64_t batch_bytes = 64 << 20;      // ... or covers this many bytes
  std::size_t max_open_files = 256;         // descriptors kept open across slices (LRU)
};

class Ingestor {
 public:
  // `store`, `prices`, `settings.calendar` and `file_system` must outlive the Ingestor.
  Ingestor(Store& store, const PriceTable& prices, RollupSettings settings, IngestOptions options,
           FileSystem& file_system = real_file_system());
  ~Ingestor();

  // Loads checkpoints and the dedup index from the store. Call once before ingesting.
  void load();

  // Reads the days retention froze (Store::retention) and the stored events' count again, after
  // the store froze more days: entries of frozen days are counted as late and not applied. load()
  // does this too. Call with nothing pending.
  void note_retention();

  // Forgets all uncommitted state and loads again from the store (after a failed commit).
  void reload();

  // True when `file` has bytes beyond its checkpoint, or is not the checkpointed file any more.
  bool has_unread(const SourceFile& file) const;
  // The same for the file at `path` whose stat is `current` (a rescan's walk_transcripts).
  bool has_unread(const std::string& path, const FileStat& current) const;

  // Consumes the complete lines of `file` beyond its checkpoint, at most `options.slice_bytes`.
  // Returns true when the file may have more to read. Never throws for problems of the file.
  // The file stays open between calls: when its path is renamed, replaced or deleted, what was
  // appended to the open file is read to its end first, then the new file at the path (if any)
  // is read from its start. Reading a file from its start again (a new inode, other first bytes,
  // shorter than its checkpoint) replaces the events it gave before, in the same commit as its
  // new ones. A slice that consumes nothing (an unterminated last line) records nothing.
  bool ingest_slice(const SourceFile& file);

  // Consumes everything `file` has now.
  void ingest_file(const SourceFile& file);

  // Consumes everything each of `files` has now, in order, with the same result as ingest_file
  // on each: the files are read and parsed on two other threads, ahead of the one deduplicated on
  // the calling thread, and full batches commit on a fourth while the next one is built (the
  // store is used by that thread alone meanwhile). `file_system` must allow the reading threads'
  // open/read/stat calls concurrently with the caller's. On a store with history it takes the
  // stored message ids' fingerprints once new ids' lookups have cost about as much (DedupIndex),
  // until the flush. A failed commit throws from here once the other threads are idle; reload()
  // before going on.
  void ingest_files(const std::vector<SourceFile>& files);

  // Commits the pending batch (events and checkpoints), then refreshes the rollups.
  void flush();

  // Closes every file held open (they reopen when read next). At the end of a backfill: its
  // descriptors are of whatever history files it read last, which would otherwise stay open
  // (deleted ones keeping their disk space) until as many others were read.
  void close_files();
  std::size_t open_files() const { return handles_.size(); }

  // True when something was recorded since the last flush (bytes consumed, events replaced): only
  // then does flush() have anything to commit or refresh.
  bool unflushed() const { return unflushed_; }

  const IngestStats& stats() const { return stats_; }
  const DedupIndex& dedup() const { return dedup_; }
  // Events in the store as of the last commit (the store's count at load, kept current since).
  std::int64_t stored_events() const { return stored_events_; }
  std::size_t pending_events() const { return batch_.inserted.size(); }

 private:
  struct Handle {
    std::unique_ptr<OpenFile> file;
    FileStat identity;
    std::uint64_t last_use = 0;
  };
  Handle* open_handle(const std::string& path);
  bool read_next_slice(const SourceFile& file);
  bool read_slice(const SourceFile& file, Handle& handle);
  std::int64_t resume_offset(const SourceFile& file, OpenFile& open, const FileStat& stat);
  void note_restart(const SourceFile& file, const FileStat& stat);
  void replace_events_of(const SourceFile& file);
  bool take_out_events_of(const SourceFile& file);
  std::vector<StoredKept> stored_kept_of(std::string_view message_id);
  void load_fingerprints();
  void reread_same_path_elsewhere(const SourceFile& file);
  void reread_project_siblings(const SourceFile& file);
  bool hold_checkpointed(const std::string& path, const Checkpoint& checkpoint);
  void reread_from_start(Checkpoint checkpoint, const SourceFile& file);
  void read_rereads();
  void remove_stored(std::int64_t id);
  bool checkpoint_stands(const std::string& path, const FileStat& stat, std::int64_t offset) const;
  void note_open_error(const std::string& path, int error);
  void apply_prepared(const SourceFile& file, PreparedFile&& prepared, const std::optional<Checkpoint>& basis);
  void apply_slice(const SourceFile& file, const FileStat& stat, std::string fingerprint, ParsedSlice&& slice);
  void take_entry(const SourceFile& file, ParsedEntry&& parsed);
  void keep(UsageEvent&& event, const DedupDecision& decision);
  void commit_if_full();
  // Commits the pending batch (false when there is none): on writer_ when set, else here; with
  // `refresh`, here, in one transaction with the rollups' refresh.
  bool commit_batch(bool refresh = false);
  // Waits for the batch committing on writer_ (if any) and counts its events as stored.
  void finish_commit();

  Store& store_;
  FileSystem& file_system_;
  std::unordered_map<std::string, Handle> handles_;  // by path
  std::uint64_t use_counter_ = 0;
  const PriceTable& prices_;
  RollupSettings settings_;
  IngestOptions options_;
  LineParser parser_;
  // The loop's reader (ingest_slice): appends are small, and what it holds stays held, so 256 KiB
  // chunks (a 4 MiB buffer was an eighth of the idle daemon's memory).
  LineReader reader_{256u << 10};
  DedupIndex dedup_;
  std::int64_t next_event_id_ = 1;
  std::int64_t frozen_before_ms_ = std::numeric_limits<std::int64_t>::min();  // note_retention
  CheckpointMap checkpoints_;  // by absolute path
  IngestBatch batch_;
  std::int64_t stored_events_ = 0;
  std::int64_t batch_first_id_ = 1;  // ids from here on are in batch_.inserted, not in the store
  std::unordered_set<std::int64_t> pending_dropped_;  // ids of batch_.inserted displaced before the commit
  std::unordered_set<std::int64_t> pending_removed_;  // the ids in batch_.removed_ids
  // Files to read again from 0 because one just read again from 0 may have held what they hold:
  // the same relative path under another root, the project's other files.
  std::vector<SourceFile> rereads_;
  bool rereading_ = false;  // reading rereads_: their path's events are already taken out
  bool unflushed_ = false;
  std::int64_t batch_bytes_ = 0;
  // Set during ingest_files: batches commit on this thread while the next one is built.
  boost::asio::thread_pool* writer_ = nullptr;
  std::future<void> committing_;        // the batch committing on writer_
  std::int64_t committing_delta_ = 0;   // what it changes in stored_events_
  IngestStats stats_;
};

}  // namespace cu
