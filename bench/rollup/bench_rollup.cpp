// bench_rollup: the cost of one 1,000-event batch (commit + rollup refresh) as history grows. The
// batch lands on the newest day, as live usage does; with 10k, 100k and 1M events of history the
// time must stay flat (the refresh touches only the days, sessions and blocks of the batch).
// Usage: bench_rollup [--history 10000,100000,1000000] [--work DIR]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"

namespace {

constexpr std::int64_t kStartMs = 1756684800000LL;  // 2025-09-01T00:00:00Z
constexpr std::int64_t kMinuteMs = 60'000;

cu::UsageEvent make_event(std::int64_t id, std::int64_t timestamp_ms) {
  cu::UsageEvent event;
  event.id = id;
  event.entry.message_id = "msg_" + std::to_string(id);
  event.entry.request_id = "req_" + std::to_string(id);
  event.entry.timestamp_ms = timestamp_ms;
  event.entry.model = id % 3 == 0 ? "claude-opus-4-6" : "claude-sonnet-4-5-20250929";
  event.entry.tokens = cu::TokenCounts{.input = 10, .output = 300, .cache_creation = 2000, .cache_read = 40000};
  event.project = "-home-bench-p" + std::to_string(id / 5000 % 20);
  event.session_id = "s" + std::to_string(id / 400);
  event.file = event.project + "/" + event.session_id + ".jsonl";
  event.line_offset = id;
  event.cost_usd = 0.01;
  return event;
}

double batch_ms(std::int64_t history, const std::filesystem::path& work) {
  std::filesystem::remove_all(work);
  const cu::Calendar utc("UTC");
  const cu::PriceTable prices = cu::PriceTable::builtin();
  const cu::RollupSettings settings{&utc, &prices};
  cu::SqliteStore store(work / "usage.db", "bench@host");
  // History: one event a minute from kStartMs, committed in large batches.
  constexpr std::int64_t kChunk = 50'000;
  for (std::int64_t first = 0; first < history; first += kChunk) {
    cu::IngestBatch batch;
    for (std::int64_t id = first; id < std::min(history, first + kChunk); ++id) {
      batch.inserted.push_back(make_event(id + 1, kStartMs + id * kMinuteMs));
    }
    store.commit(batch, settings);
  }
  store.refresh_rollups(settings);
  // The measured batch: 1,000 events right after the history.
  cu::IngestBatch batch;
  for (std::int64_t id = history; id < history + 1000; ++id) {
    batch.inserted.push_back(make_event(id + 1, kStartMs + history * kMinuteMs + (id - history) * 1000));
  }
  const auto start = std::chrono::steady_clock::now();
  store.commit(batch, settings);
  store.refresh_rollups(settings);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::int64_t> histories{10'000, 100'000, 1'000'000};
  std::filesystem::path work = "/tmp/cu-bench-rollup";
  CLI::App app{"bench_rollup: time of a 1,000-event batch as history grows"};
  app.add_option("--history", histories)->delimiter(',');
  app.add_option("--work", work);
  CLI11_PARSE(app, argc, argv);
  std::printf("| history events | 1,000-event batch (commit + refresh) |\n|---|---|\n");
  for (const std::int64_t history : histories) {
    std::printf("| %lld | %.1f ms |\n", static_cast<long long>(history), batch_ms(history, work));
    std::fflush(stdout);
  }
  std::filesystem::remove_all(work);
  return 0;
}
