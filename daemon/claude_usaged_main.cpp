// claude-usaged: follows Claude Code transcripts and keeps the usage database current.
// Wiring only: every behaviour lives in lib/.
#include <cstdio>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "config/config.h"
#include "ingest/backfill.h"
#include "ingest/ingestor.h"
#include "log/log.h"
#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"

namespace {

struct Options {
  std::string config_path;
  bool once = false;
  bool check_config = false;
  bool rebuild = false;
};

int run_once(const cu::Config& config, bool rebuild) {
  const cu::Calendar calendar(config.timezone);
  const cu::PriceTable prices = cu::make_price_table(config);
  cu::SqliteStore store(config.sqlite_path, config.identity);
  const cu::RollupSettings settings{&calendar};
  if (rebuild) store.rebuild_rollups(settings);

  cu::Ingestor ingestor(store, prices, settings, cu::IngestOptions{.cost_mode = config.pricing_mode});
  ingestor.load();
  std::vector<std::string> errors;
  const auto files = cu::discover_sources(cu::effective_claude_roots(config), &errors);
  for (const std::string& error : errors) cu::log::warning("{}", error);
  cu::backfill(ingestor, files);

  const cu::IngestStats& stats = ingestor.stats();
  cu::log::info("ingested {} files ({} bytes, {} lines): {} usage entries, {} kept, {} duplicates, "
                "{} replaced, {} lines skipped; {} events stored",
                files.size(), stats.bytes_consumed, stats.lines, stats.entries, stats.kept,
                stats.duplicates, stats.replaced, stats.skipped_total(), store.event_count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"claude-usaged: keeps a usage database of Claude Code sessions current"};
  Options options;
  app.add_option("-c,--config", options.config_path, "configuration file (YAML)");
  app.add_flag("--once", options.once, "ingest everything present, update every table, and exit");
  app.add_flag("--check-config", options.check_config, "validate and print the effective configuration");
  app.add_flag("--rebuild", options.rebuild, "recompute every derived table from usage_events");
  app.set_version_flag("--version", std::string("claude-usaged ") + CU_VERSION);
  CLI11_PARSE(app, argc, argv);

  try {
    const cu::Environment env = cu::Environment::current();
    const bool explicit_path = !options.config_path.empty();
    const auto path = explicit_path ? std::filesystem::path(options.config_path)
                                    : cu::default_config_path(env);
    const cu::Config config = cu::load_config(path, env, explicit_path);
    cu::log::init(config.log_level);
    if (options.check_config) {
      std::cout << cu::render_config(config);
      return 0;
    }
    if (options.once || options.rebuild) return run_once(config, options.rebuild);
    cu::log::error("live mode is not available in this build; run with --once");
    return 2;
  } catch (const cu::ConfigError& error) {
    std::fprintf(stderr, "claude-usaged: %s\n", error.what());
    return 78;  // EX_CONFIG
  } catch (const std::exception& error) {
    std::fprintf(stderr, "claude-usaged: %s\n", error.what());
    return 1;
  }
}
