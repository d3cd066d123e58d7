// What one look at every transcript costs, as the Follower's safety rescan makes it: walking the
// project folders and comparing each file with its checkpoint (walk_transcripts + has_unread),
// and the same through discover_sources, the backfill's sorted list of SourceFiles; then one
// whole cycle of the safety rescan's steps (each walking the project folders of one bucket).
// Run it on a corpus already ingested into DATABASE (claude-usaged --once), so that every file
// has a checkpoint:
//   bench_scan --root CORPUS --database DB [--identity ID (default bench@scan)] [--rounds N]
//              [--steps N (default 10, the Follower's rescan_steps)]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "ingest/ingestor.h"
#include "ingest/transcript_walk.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"

int main(int argc, char** argv) {
  CLI::App app{"Time one walk of every transcript and its checkpoint comparison"};
  std::string root, database, identity = "bench@scan";
  int rounds = 5, steps = 10;
  app.add_option("--root", root, "Claude root holding projects/")->required();
  app.add_option("--database", database, "SQLite database of an --once run over the root")->required();
  app.add_option("--identity", identity, "the database's identity (the config's `identity`)");
  app.add_option("--rounds", rounds, "walks to time");
  app.add_option("--steps", steps, "steps of a safety rescan cycle")->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  cu::SqliteStore store(database, identity);
  const cu::Calendar calendar("UTC");
  const cu::PriceTable prices = cu::PriceTable::builtin();
  cu::Ingestor ingestor(store, prices, cu::RollupSettings{&calendar, &prices}, cu::IngestOptions{});
  ingestor.load();
  using Clock = std::chrono::steady_clock;
  const auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  std::vector<double> rescan_ms, discover_ms, cycle_ms;
  std::size_t files = 0, unread = 0, discovered = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto start = Clock::now();
    files = unread = 0;
    cu::walk_transcripts({root}, {}, [&](const std::string& path, std::string_view, std::string_view, const cu::FileStat& stat) {
      ++files;
      if (ingestor.has_unread(path, stat)) ++unread;
    });
    const auto walked = Clock::now();
    const auto found = cu::discover_sources({root});
    discovered = static_cast<std::size_t>(std::count_if(found.begin(), found.end(), [&](const cu::SourceFile& file) {
      return ingestor.has_unread(file);
    }));
    const auto done = Clock::now();
    for (int step = 0; step < steps; ++step) {
      cu::walk_transcripts(
          {root}, [&](std::string_view project) { return cu::project_bucket(project, steps) == step; },
          [&](const std::string& path, std::string_view, std::string_view, const cu::FileStat& stat) {
            if (ingestor.has_unread(path, stat)) ++unread;
          });
    }
    const auto cycled = Clock::now();
    rescan_ms.push_back(std::chrono::duration<double, std::milli>(walked - start).count());
    discover_ms.push_back(std::chrono::duration<double, std::milli>(done - walked).count());
    cycle_ms.push_back(std::chrono::duration<double, std::milli>(cycled - done).count());
  }
  const double rescan = median(rescan_ms), discover = median(discover_ms), cycle = median(cycle_ms);
  fmt::print("{} files, {} unread ({} by discovery): rescan walk {:.1f} ms ({:.2f} us per file); discover_sources + "
             "has_unread {:.1f} ms ({:.2f} us per file); a rescan cycle of {} steps {:.1f} ms; medians of {}\n",
             files, unread, discovered, rescan, rescan * 1000.0 / static_cast<double>(files), discover,
             discover * 1000.0 / static_cast<double>(files), steps, cycle, rounds);
  return 0;
}
