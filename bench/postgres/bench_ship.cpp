// Times the Shipper bringing PostgreSQL up to date from a local SQLite database:
//   bench_ship --postgres URL --sqlite PATH --source ID   ships everything PATH holds for ID
//                                                          (a backfill made by claude-usaged --once)
//   bench_ship --postgres URL --synthetic N                commits N events while PostgreSQL is
//                                                          unreachable, then replays the backlog
// Prints one line per run: events, outbox rows, seconds, events/s.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/shipper.h"

namespace {

struct Options {
  std::string postgres_url;
  std::string sqlite_path;
  std::string source = "bench@host";
  std::int64_t synthetic = 0;
  std::size_t batch_rows = 5000;
};

// N events over 90 days in 400 consecutive sessions of 8 projects, several models, as ingest would store them.
void commit_synthetic(cu::SqliteStore& store, std::int64_t count, const cu::RollupSettings& settings) {
  const char* models[] = {"claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101", "claude-haiku-4-5-20251001"};
  std::mt19937_64 random(1);
  const std::int64_t start_ms = 1'767'225'600'000;  // 2026-01-01
  cu::IngestBatch batch;
  for (std::int64_t id = 1; id <= count; ++id) {
    cu::UsageEvent event;
    event.id = id;
    event.entry.message_id = fmt::format("msg_{:016x}", random());
    event.entry.request_id = fmt::format("req_{:016x}", random());
    event.entry.timestamp_ms = start_ms + id * (90LL * 86'400'000 / count);
    event.entry.model = models[id % 3];
    event.entry.tokens = cu::TokenCounts{.input = 3 + id % 50, .output = 200 + id % 900,
                                         .cache_creation = 1000 + id % 7000, .cache_read = 20000 + id % 90000};
    const std::int64_t session = id * 400 / (count + 1);  // consecutive events share a session
    event.entry.cwd = fmt::format("/home/dev/project{}", session % 8);
    event.project = fmt::format("-home-dev-project{}", session % 8);
    event.session_id = fmt::format("{:08x}-session", session * 2654435761 % 4294967296);
    event.file = event.project + "/" + event.session_id + ".jsonl";
    event.line_offset = id * 1000;
    event.cost_usd = 0.0001234567 * static_cast<double>(1 + id % 97);
    batch.inserted.push_back(std::move(event));
    if (batch.inserted.size() == 2000 || id == count) {
      store.commit(batch, settings);
      batch = cu::IngestBatch{};
    }
  }
  store.refresh_rollups(settings);
}

int run(const Options& options) {
  const cu::Calendar calendar("UTC");
  const cu::PriceTable prices = cu::PriceTable::builtin();
  const cu::RollupSettings settings{&calendar, &prices};
  std::filesystem::path path = options.sqlite_path;
  std::filesystem::path scratch;
  if (options.synthetic > 0) {
    scratch = std::filesystem::temp_directory_path() / fmt::format("bench-ship-{}", ::getpid());
    path = scratch / "usage.db";
  }
  std::int64_t events = 0;
  std::int64_t rows = 0;
  double seconds = 0;
  {
    cu::SqliteStore local(path, options.source);
    if (options.synthetic > 0) {
      local.set_shipping(true);  // the outbox records the commits below while nothing ships them
      commit_synthetic(local, options.synthetic, settings);
    }
    cu::PostgresOptions postgres;
    postgres.url = options.postgres_url;
    cu::ShipperOptions shipper_options;
    shipper_options.batch_rows = options.batch_rows;
    cu::Shipper shipper(local, cu::Shipper::connector(postgres, options.source), settings, shipper_options);
    events = local.event_count();
    rows = shipper.status().backlog;
    const auto begin = std::chrono::steady_clock::now();
    if (!shipper.drain()) {
      std::fprintf(stderr, "bench_ship: %s\n", shipper.status().last_error.c_str());
      return 1;
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  }
  if (!scratch.empty()) std::filesystem::remove_all(scratch);
  fmt::print("{} events, {} outbox rows shipped in {:.2f} s: {:.0f} events/s\n", events, rows, seconds,
             static_cast<double>(events) / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_ship: ships a SQLite database's outbox to PostgreSQL and times it"};
  Options options;
  app.add_option("--postgres", options.postgres_url, "PostgreSQL URL")->required();
  app.add_option("--sqlite", options.sqlite_path, "SQLite database to ship (from claude-usaged --once)");
  app.add_option("--source", options.source, "the identity its rows were written under");
  app.add_option("--synthetic", options.synthetic, "commit this many synthetic events first, then replay");
  app.add_option("--batch-rows", options.batch_rows, "outbox rows per PostgreSQL transaction");
  CLI11_PARSE(app, argc, argv);
  if (options.synthetic <= 0 && options.sqlite_path.empty()) {
    std::fprintf(stderr, "bench_ship: give --sqlite PATH or --synthetic N\n");
    return 2;
  }
  try {
    return run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bench_ship: %s\n", error.what());
    return 1;
  }
}
