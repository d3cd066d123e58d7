// claude-usaged: follows Claude Code transcripts and keeps the usage database current.
// Wiring only: every behaviour lives in lib/.
#include <csignal>
#include <cstdio>
#include <exception>
#include <future>
#include <iostream>
#include <memory>
#include <optional>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.h"
#include "config/daemon_command_line.h"
#include "config/listen_address.h"
#include "core/time.h"
#include "ctl/command_registry.h"
#include "ctl/control_server.h"
#include "ctl/protocol.h"
#include "ctl/rate_limit_recorder.h"
#include "ctl/store_report_source.h"
#include "embedded_file.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "http/token.h"
#include "ingest/backfill.h"
#include "ingest/ingestor.h"
#include "ingest/subagent_types.h"
#include "log/log.h"
#include "log/systemd_notifier.h"
#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "rollup/daily_close.h"
#include "rollup/retention.h"
#include "store/postgres_connection.h"
#include "store/postgres_module.h"
#include "store/shipper.h"
#include "store/shipper_thread.h"
#include "store/sqlite_store.h"
#include "store/unknown_models.h"
#include "store/writer_lock.h"
#include "tail/follower.h"

// jemalloc's settings (claude-usaged links it; CMakeLists.txt): one arena, so that what any of a
// backfill's threads frees is reused by all of them (peak RSS of a 5 GB backfill: 185 MB instead
// of 196 MB, same speed); freed pages returned to the kernel after 1 s instead of 10 s. A backfill
// reuses what it frees for its whole read (returning pages after 10 ms, as before the PostgreSQL
// module took 5.5 MB of libraries off the peak, made it fault them back in: 500 MB `--once`,
// medians of 20 alternating runs, 0.51 → 0.46 s for a peak of 29.5 → 32.6 MB), and the follower
// returns everything free once the startup pass is done (Follower, release_free_memory).
extern "C" {
const char* malloc_conf = "narenas:1,dirty_decay_ms:1000";
}

namespace {

namespace asio = boost::asio;

// How long SIGTERM waits for the shipping thread once its statement is cancelled.
constexpr std::chrono::milliseconds kShipperStopBound{2000};

using Options = cu::DaemonOptions;

cu::Config load(const Options& options) {
  const cu::Environment env = cu::Environment::current();
  const bool explicit_path = !options.config_path.empty();
  const auto path = explicit_path ? std::filesystem::path(options.config_path) : cu::default_config_path(env);
  return cu::load_config(path, env, explicit_path);
}

cu::PostgresOptions postgres_options(const cu::Config& config) {
  cu::PostgresOptions options;
  options.url = config.postgres_url;
  options.password_file = config.postgres_password_file;
  return options;
}

// The PostgreSQL module when storage.postgres_url is set (nullptr when not), once it has read the
// URL and the password file: a bad one, or an installation without PostgreSQL support, is a config
// error (at start and for --check-config).
const cu::PostgresBackend* check_postgres(const cu::Config& config) {
  if (config.postgres_url.empty()) return nullptr;
  try {
    const cu::PostgresBackend& backend = cu::load_postgres_backend();
    backend.conninfo(postgres_options(config));
    return &backend;
  } catch (const cu::PostgresConfigError& error) {
    throw cu::ConfigError(error.what());
  }
}

// Everything that depends on the configuration; rebuilt on reload.
struct Pipeline {
  cu::Config config;
  cu::Calendar calendar;
  cu::PriceTable prices;
  // Subagent types from the transcripts' .meta.json, for reports that break usage down by them.
  cu::SubagentTypes subagent_types;
  std::shared_ptr<cu::WriterLock> writer_lock;  // one writing process per database
  std::unique_ptr<cu::SqliteStore> store;
  std::optional<cu::PostgresOptions> postgres;  // storage.postgres_url, when configured
  const cu::PostgresBackend* postgres_backend = nullptr;  // the PostgreSQL module, then
  // The daemon's: forwards the local outbox to PostgreSQL on a thread of its own (start_shipping).
  std::unique_ptr<cu::ShipperThread> shipper;
  std::unique_ptr<cu::Ingestor> ingestor;
  std::unique_ptr<cu::UnknownModels> unknown_models;  // priced at 0, warned once, listed in status
  std::optional<cu::RetentionState> retention;  // the days frozen, as of the last retention step
  bool retention_waiting = false;               // the last step waited for the outbox to empty

  explicit Pipeline(cu::Config loaded)
      : config(std::move(loaded)),
        calendar(config.timezone),
        prices(cu::make_price_table(config)),
        subagent_types(config.claude_dirs, cu::real_file_system(), cu::SteadyClock::instance()),
        writer_lock(cu::WriterLock::acquire(config.sqlite_path)),
        store(std::make_unique<cu::SqliteStore>(config.sqlite_path, config.identity)) {
    if (const auto change = store->adopt_identity()) {
      cu::log::write(change->kept ? cu::LogLevel::kWarning : cu::LogLevel::kNotice, cu::describe(*change));
    }
    postgres_backend = check_postgres(config);
    if (postgres_backend == nullptr) {
      store->set_shipping(false);
    } else {
      postgres = postgres_options(config);
      store->set_shipping(true);  // before a rebuild, which queues itself for PostgreSQL
    }
    const auto change = store->rebuild_if_settings_changed(settings());
    if (change) {
      cu::log::info("time zone, block length or prices changed: {} events re-priced, derived tables rebuilt",
                    change.repriced);
    }
    // A kill between a commit and its refresh left dirty marks; no new data may come to clear them.
    if (const std::int64_t keys = store->refresh_rollups(settings()); keys > 0) {
      cu::log::info("refreshed {} rollup keys left pending by an interrupted run", keys);
    }
    unknown_models = std::make_unique<cu::UnknownModels>(*store, prices);
    warn_unknown(unknown_models->reconcile());
    ingestor = std::make_unique<cu::Ingestor>(*store, prices, settings(),
                                              cu::IngestOptions{.cost_mode = config.pricing_mode});
    ingestor->load();
    retention = store->retention();
  }

  // One step of retention (retention.raw_events_months; SPEC §13): freezes one more day, so that
  // no transaction holds the database (and the loop) for long. Returns whether another
  // step is due now. Call only with nothing uncommitted in the ingestor: its pending events could
  // belong to the days being frozen.
  bool retention_step() {
    if (config.raw_events_months == 0) return false;
    const std::string target = cu::retention_cutoff(calendar.date_of(cu::now_ms()), config.raw_events_months);
    const std::optional<std::string> from = retention ? std::optional(retention->frozen_before)
                                                      : store->first_event_date(calendar);
    const std::vector<std::string> steps = cu::freeze_steps(from, target);
    if (steps.empty()) return false;
    const auto started = std::chrono::steady_clock::now();
    const cu::SqliteStore::FreezeResult result = store->freeze_before(steps.front(), settings());
    if (result.waiting_for_outbox) {
      retention_waiting = true;
      return false;
    }
    retention_waiting = false;
    retention = store->retention();
    ingestor->note_retention();
    if (result.frozen) {
      const auto took =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      cu::log::info(
          "retention: the days before {} are frozen; {} raw events dropped ({} sessions keep their rows) in {} ms",
          steps.front(), result.dropped_events, result.frozen_sessions, took.count());
    }
    return steps.size() > 1;
  }

  nlohmann::json retention_json() const {
    const cu::IngestStats& stats = ingestor->stats();
    return {{"raw_events_months", config.raw_events_months},
            {"frozen_before", retention ? nlohmann::json(retention->frozen_before) : nlohmann::json(nullptr)},
            {"waiting_for_postgres", retention_waiting},
            {"late_events", stats.late_events}};
  }

  cu::ShipperStatus shipping_status() const { return shipper ? shipper->status() : cu::ShipperStatus{}; }
  cu::Shipper::Connector connector() const {
    return cu::Shipper::connector(*postgres, config.identity, *postgres_backend);
  }
  // Starts the daemon's shipping thread, when PostgreSQL is configured and it is not running. When
  // its SQLite connection cannot be opened, the outbox keeps the rows for the next start.
  void start_shipping() {
    if (!postgres || shipper) return;
    try {
      shipper = std::make_unique<cu::ShipperThread>(cu::ShipperThread::Setup{
          config.sqlite_path, config.identity, calendar, prices, std::chrono::hours(config.block_hours), connector(), {}});
    } catch (const std::exception& error) {
      cu::log::error("cannot start shipping to PostgreSQL; changes wait in SQLite: {}", error.what());
    }
  }
  cu::RollupSettings settings() const {
    return cu::RollupSettings{&calendar, &prices, std::chrono::hours(config.block_hours), 0, config.pricing_mode};
  }

  // Warns once about each model the ingest met that has no price (SPEC §5).
  void note_unknown_models() { warn_unknown(unknown_models->note_new()); }
  static void warn_unknown(const std::vector<std::string>& models) {
    for (const std::string& model : models) {
      cu::log::warning("unknown model \"{}\": its events cost $0 until pricing.overrides or pricing.file prices it",
                       model);
    }
  }
  nlohmann::json unknown_models_json() {
    note_unknown_models();
    nlohmann::json list = nlohmann::json::array();
    for (const cu::UnknownModelUsage& row : unknown_models->usage()) {
      list.push_back({{"model", row.model}, {"events", row.events}, {"tokens", row.tokens}});
    }
    return list;
  }
};

std::string describe_follower(const cu::FollowerStatus& status);

// The STATUS= line systemd shows.
std::string describe(const cu::FollowerStatus& status, const cu::ShipperStatus& shipping) {
  std::string text = describe_follower(status);
  if (shipping.backend != "sqlite" && shipping.backend != "postgres") {
    text += fmt::format("; {} with {} changes waiting", shipping.backend, shipping.backlog);
  }
  return text;
}

std::string describe_follower(const cu::FollowerStatus& status) {
  if (status.backfilling) {
    const auto& b = status.backfill;
    const double percent = b.bytes_total > 0 ? 100.0 * static_cast<double>(b.bytes_done) /
                                                   static_cast<double>(b.bytes_total)
                                             : 100.0;
    return fmt::format("backfill {:.0f}% — {:.1f} MB of {:.1f} MB", std::min(percent, 100.0),
                       static_cast<double>(b.bytes_done) / 1e6, static_cast<double>(b.bytes_total) / 1e6);
  }
  return fmt::format("watching {} files{}, last event {}", status.files_known,
                     status.polling ? " (polling)" : "",
                     status.last_event_ms > 0 ? cu::format_timestamp_ms(status.last_event_ms) : "none");
}

// `status`'s "roots": each configured root and its state.
nlohmann::json roots_json(const std::vector<cu::RootStatus>& roots) {
  nlohmann::json list = nlohmann::json::array();
  for (const cu::RootStatus& root : roots) {
    list.push_back({{"path", root.path.string()}, {"state", cu::to_string(root.state)}});
  }
  return list;
}

// The `status` command's answer (docs/PROTOCOL.md, "Status").
nlohmann::json status_json(Pipeline& pipeline, const cu::FollowerStatus& follower,
                           const cu::ctl::RateLimitRecorder& rate_limits, std::chrono::steady_clock::time_point started) {
  const cu::IngestStats& stats = pipeline.ingestor->stats();
  nlohmann::json skipped = nlohmann::json::object();
  for (std::size_t i = 0; i < cu::kSkipReasonCount; ++i) {
    if (stats.skipped[i] > 0) skipped[std::string(cu::to_string(static_cast<cu::SkipReason>(i)))] = stats.skipped[i];
  }
  const auto& b = follower.backfill;
  const cu::ShipperStatus shipping = pipeline.shipping_status();
  nlohmann::json status = {
      {"version", CU_VERSION},
      {"pid", ::getpid()},
      {"uptime_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()},
      {"state", follower.backfilling ? "backfilling" : "watching"},
      {"backfill", {{"files_done", b.files_done}, {"files_total", b.files_total},
                    {"bytes_done", b.bytes_done}, {"bytes_total", b.bytes_total}}},
      {"backend", shipping.backend},
      {"backlog_events", shipping.backlog},
      {"watch_mode", follower.polling ? "polling" : "inotify"},
      {"files_watched", follower.files_known},
      {"roots", roots_json(follower.roots)},
      {"events", pipeline.ingestor->stored_events()},  // a COUNT(*) took 30 ms at 444k events
      {"parse_errors", stats.skipped_total()},
      {"skipped_lines", skipped},
      {"unknown_models", pipeline.unknown_models_json()},
      {"retention", pipeline.retention_json()},
      {"rate_limits", rate_limits.status()},
      {"store_failures", follower.store_failures},
      {"last_store_error", follower.last_store_error.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(follower.last_store_error)},
      {"last_event", follower.last_event_ms > 0 ? nlohmann::json(cu::format_timestamp_ms(follower.last_event_ms))
                                                : nlohmann::json(nullptr)},
      {"timezone", pipeline.config.timezone},
      {"source", pipeline.config.identity},
  };
  if (pipeline.shipper) {
    status["postgres"] = {{"url", cu::redact_postgres_url(pipeline.config.postgres_url)},
                          {"last_error", shipping.last_error},
                          {"last_write", shipping.last_success_ms > 0
                                             ? nlohmann::json(cu::format_timestamp_ms(shipping.last_success_ms))
                                             : nlohmann::json(nullptr)},
                          {"shipped_rows", shipping.shipped_rows},
                          {"quarantined_rows", shipping.quarantined_rows},
                          {"failures", shipping.failures}};
  }
  return status;
}

int run_once(const Options& options) {
  cu::Config config = load(options);
  // The transcripts are listed on another thread while the store opens (a new database's schema,
  // the time zone database): at 500 MB the two took ~10 and ~25 ms, one after the other.
  std::vector<std::string> errors;
  auto listing = std::async(std::launch::async, [roots = cu::effective_claude_roots(config), &errors] {
    return cu::discover_sources(roots, &errors);
  });
  Pipeline pipeline(std::move(config));
  cu::log::init(pipeline.config.log_level);
  if (options.rebuild) pipeline.store->rebuild_rollups(pipeline.settings());
  const auto files = listing.get();
  for (const std::string& error : errors) cu::log::warning("{}", error);
  cu::backfill(*pipeline.ingestor, files);
  pipeline.note_unknown_models();
  std::optional<cu::Shipper> shipper;
  if (pipeline.postgres) shipper.emplace(*pipeline.store, pipeline.connector(), pipeline.settings());
  // Retention waits for an empty outbox: ship, freeze a day, ship the freeze, and so on; with
  // PostgreSQL away the days wait for the next run.
  for (bool more = true; more;) {
    if (shipper && !shipper->drain()) break;
    more = pipeline.retention_step() || pipeline.retention_waiting;
  }
  if (shipper) {
    if (!shipper->drain()) {
      const cu::ShipperStatus& shipping = shipper->status();
      cu::log::warning("PostgreSQL not reached ({}); {} changes wait in SQLite for the next run",
                       shipping.last_error, shipping.backlog);
    }
  }
  const cu::IngestStats& stats = pipeline.ingestor->stats();
  cu::log::info("ingested {} files ({} bytes, {} lines): {} usage entries, {} kept, {} duplicates, "
                "{} replaced ({} of them already stored), {} lines skipped; {} events stored",
                files.size(), stats.bytes_consumed, stats.lines, stats.entries, stats.kept,
                stats.duplicates, stats.replaced, stats.replaced_stored, stats.skipped_total(),
                pipeline.ingestor->stored_events());
  return 0;
}

// The live daemon: one io_context runs the follower, signals and timers (SPEC §8, §9).
class Daemon {
 public:
  explicit Daemon(Options options)
      : options_(std::move(options)), signals_(io_, SIGINT, SIGTERM, SIGHUP), status_timer_(io_),
        watchdog_timer_(io_), block_timer_(io_), midnight_timer_(io_) {}

  int run() {
    start(std::make_unique<Pipeline>(load(options_)));
    start_control();
    wait_for_signal();
    arm_status();
    arm_block_status();
    arm_midnight();
    if (const auto interval = notifier_.watchdog_interval()) arm_watchdog(*interval / 2);
    notifier_.ready();
    io_.run();
    return 0;
  }

 private:
  void start(std::unique_ptr<Pipeline> pipeline) {
    cu::log::init(pipeline->config.log_level);
    pipeline_ = std::move(pipeline);
    ++pipelines_started_;
    pipeline_->start_shipping();  // its SQLite connection opens before the follower commits
    follower_ = std::make_unique<cu::Follower>(io_, *pipeline_->ingestor,
                                               cu::configured_claude_roots(pipeline_->config),
                                               cu::FollowerOptions{});
    follower_->start();
    if (pipeline_->shipper) {
      cu::log::info("shipping to PostgreSQL at {}", cu::redact_postgres_url(pipeline_->config.postgres_url));
    }
    refresh_block_status();  // also the close of any midnight passed while the daemon was down
    cu::log::info("following {} into {} as {}", cu::describe_roots(follower_->status().roots),
                  pipeline_->config.sqlite_path.string(), pipeline_->config.identity);
  }

  cu::StoredPricing stored_pricing() const { return {&pipeline_->prices, pipeline_->config.pricing_mode}; }

  // The control socket lives as long as the daemon; reloads retarget what it reads.
  void start_control() {
    reports_ = std::make_unique<cu::StoreReportSource>(*pipeline_->store, pipeline_->calendar,
                                                       std::chrono::hours(pipeline_->config.block_hours),
                                                       pipeline_->config.limits, stored_pricing(),
                                                       pipeline_->config.project_groups);
    reports_->set_subagent_types([this](std::string_view file) { return pipeline_->subagent_types.type_of(file); });
    rate_limits_ = std::make_unique<cu::ctl::RateLimitRecorder>(*pipeline_->store);
    cu::ctl::ControlHooks hooks;
    hooks.status = [this] { return status_json(*pipeline_, follower_->status(), *rate_limits_, started_); };
    hooks.record_rate_limits = [this](const cu::RateLimitReading& reading) { rate_limits_->record(reading); };
    // Every commit of the follower and every pipeline (start, reload) may change what reports show.
    hooks.data_generation = [this] {
      return (pipelines_started_ << 32) + static_cast<std::uint64_t>(follower_->status().commits) + freezes_;
    };
    hooks.rescan = [this] {
      follower_->rescan();
      return cu::ctl::ActionResult::success("rescan started");
    };
    hooks.reload = [this] {
      try {
        load(options_);  // validate first, so that the caller learns what is wrong
      } catch (const std::exception& error) {
        return cu::ctl::ActionResult::failure(error.what());
      }
      asio::post(io_, [this] { reload(); });
      return cu::ctl::ActionResult::success("reloading");
    };
    cu::ctl::ControlServerOptions options;
    options.socket_path = pipeline_->config.ctl_socket;
    if (!pipeline_->config.ctl_group.empty()) options.group = pipeline_->config.ctl_group;  // 0660 for it
    hooks.web = [this] { return web_json(); };
    hooks_ = hooks;
    control_ = std::make_unique<cu::ctl::ControlServer>(io_, *reports_, std::move(hooks), options);
    start_http();
  }

  // The HTTP listener of http.listen (SPEC §12), or none when it is empty. A listener that cannot
  // start (the port taken, a bad token file) is logged and left off: following the logs goes on.
  void start_http() {
    const cu::Config& config = pipeline_->config;
    http_.reset();
    http_settings_ = {config.http_listen, config.http_token_file};
    if (config.http_listen.empty()) return;
    try {
      std::string problem;
      const auto address = cu::parse_listen_address(config.http_listen, problem);
      if (!address) throw std::runtime_error(problem);
      std::string token = cu::http::load_or_create_token(config.http_token_file);
      cu::http::RouterContext context;
      context.token = token;
      context.ask = [this](std::string_view line) {
        return cu::ctl::handle_request_line(line, *reports_, hooks_, &http_cache_);
      };
      context.metrics = [this] { return metrics_text(); };
      context.dashboard_html = cu::embedded::dashboard.front().text;
      http_ = std::make_unique<cu::http::HttpServer>(io_, std::move(context), cu::http::HttpServerOptions{*address});
      http_url_ = fmt::format("http://{}/", cu::url_authority(*address));
      http_token_ = std::move(token);
      cu::log::info("dashboard, /metrics and /api on {}{}", http_url_,
                    cu::is_loopback(*address) ? "" : " (not loopback: reachable from the network, behind the token)");
    } catch (const std::exception& error) {
      http_.reset();
      cu::log::error("HTTP listener off: {}", error.what());
    }
  }

  // /metrics, kept until the data changes (a scrape every 15 s must not sum the history each time).
  std::string metrics_text() {
    const std::uint64_t generation = hooks_.data_generation ? hooks_.data_generation() : 0;
    if (!metrics_cache_ || metrics_cache_->first != generation) {
      const auto data = cu::http::metrics_data_of(*reports_, hooks_.status());
      metrics_cache_.emplace(generation, cu::http::render_metrics(data));
    }
    return metrics_cache_->second;
  }

  // `claude-usagectl web`: the dashboard's URL with the token.
  nlohmann::json web_json() const {
    if (!http_) {
      throw cu::ctl::ProtocolError(cu::ctl::ErrorCode::kUnavailable,
                                   pipeline_->config.http_listen.empty()
                                       ? "the HTTP listener is off: http.listen is empty"
                                       : "the HTTP listener is off: it could not start (see the daemon's log)");
    }
    return {{"url", fmt::format("{}?token={}", http_url_, http_token_)}, {"listen", pipeline_->config.http_listen}};
  }

  void wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        reload();
        wait_for_signal();
        return;
      }
      notifier_.stopping();
      cu::log::info("stopping");
      if (control_) control_->stop();
      if (http_) http_->stop();
      // The outbox persists; the next start ships the rest. Waits for a cancelled statement, not
      // for a connection attempt beyond the bound.
      if (pipeline_->shipper) pipeline_->shipper->stop(kShipperStopBound);
      follower_->stop();
      io_.stop();
    });
  }

  // Re-reads the config; an invalid one (or one whose database cannot be opened) is logged and
  // the running pipeline kept.
  void reload() {
    notifier_.reloading();
    std::unique_ptr<Pipeline> next;
    pipeline_->shipper.reset();  // stopped without waiting; start() runs a new one
    try {
      cu::Config config = load(options_);
      follower_->stop();  // commits what the old pipeline read, so the new one resumes after it
      next = std::make_unique<Pipeline>(std::move(config));  // rebuilds when the zone changed
    } catch (const std::exception& error) {
      cu::log::error("reload failed, keeping the running configuration: {}", error.what());
    }
    const bool reloaded = next != nullptr;
    follower_.reset();
    if (reloaded) pipeline_ = std::move(next);
    start(std::move(pipeline_));
    if (reports_) {
      reports_->retarget(*pipeline_->store, pipeline_->calendar, std::chrono::hours(pipeline_->config.block_hours),
                         pipeline_->config.limits, stored_pricing(), pipeline_->config.project_groups);
    }
    if (rate_limits_) rate_limits_->retarget(*pipeline_->store);
    if (control_ && http_settings_ != std::pair{pipeline_->config.http_listen, pipeline_->config.http_token_file}) {
      start_http();
    }
    arm_midnight();  // the zone may have changed
    arm_status();    // back to every 2 s: a new root's backfill may begin
    retention_due_ = true;  // retention.raw_events_months may have changed
    if (reloaded) cu::log::info("configuration reloaded");
    notifier_.ready();
  }

  // The STATUS= line every 2 s while it changes (a backfill's progress, new events); once it has
  // stayed the same, the wait doubles up to 32 s, so that an idle daemon seldom wakes for it.
  void arm_status(std::chrono::seconds wait = std::chrono::seconds(2)) {
    status_timer_.expires_after(wait);
    status_timer_.async_wait([this, wait](const boost::system::error_code& ec) {
      if (ec) return;
      pipeline_->note_unknown_models();
      std::string text = describe(follower_->status(), pipeline_->shipping_status());
      const bool changed = text != status_text_;
      if (changed) {
        notifier_.status(text);
        status_text_ = std::move(text);
      }
      arm_status(changed ? std::chrono::seconds(2) : std::min(wait * 2, std::chrono::seconds(32)));
    });
  }

  // Blocks turn from active to completed as time passes, without any new event.
  void arm_block_status() {
    block_timer_.expires_after(std::chrono::minutes(1));
    block_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      refresh_block_status();
      arm_block_status();
    });
  }

  void refresh_block_status() {
    try {
      pipeline_->store->refresh_block_status(pipeline_->settings());
    } catch (const std::exception& error) {
      cu::log::warning("block status refresh failed: {}", error.what());
    }
  }

  // The daily close at local midnight of the configured zone, on the wall clock: DailyClose is
  // polled just after midnight and at least every DailyClose::kCheckEvery, so a suspend across
  // midnight (the steady clock stops meanwhile) closes the day within that bound of the resume.
  // Called at start and after a reload (the zone may have changed).
  void arm_midnight() {
    daily_close_ = std::make_unique<cu::DailyClose>(pipeline_->calendar, wall_clock_);
    wait_for_midnight();
  }

  void wait_for_midnight() {
    midnight_timer_.expires_after(daily_close_->next_check());
    midnight_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      if (const auto day = daily_close_->poll()) {
        refresh_block_status();
        cu::log::info("daily close: {} begins", *day);
        retention_due_ = true;
      }
      run_retention();
      wait_for_midnight();
    });
  }

  // Retention steps, one per turn of the loop, while one is due (at start, after a reload, at each
  // daily close) and the follower has nothing uncommitted; retried at the next check (at least
  // every DailyClose::kCheckEvery) while the backfill runs, the ingestor holds events, or the
  // outbox must empty first.
  void run_retention() {
    if (!retention_due_ || pipeline_->config.raw_events_months == 0) return;
    if (follower_->status().backfilling || pipeline_->ingestor->unflushed()) return;
    try {
      const bool more = pipeline_->retention_step();
      if (!pipeline_->retention_waiting) retention_due_ = more;
      ++freezes_;
      if (more) asio::post(io_, [this] { run_retention(); });
    } catch (const std::exception& error) {
      cu::log::warning("retention step failed (retried at the next check): {}", error.what());
    }
  }

  void arm_watchdog(std::chrono::microseconds period) {
    watchdog_timer_.expires_after(period);
    watchdog_timer_.async_wait([this, period](const boost::system::error_code& ec) {
      if (ec) return;
      notifier_.watchdog();
      arm_watchdog(period);
    });
  }

  Options options_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer status_timer_;
  std::string status_text_;  // the STATUS= line last sent
  asio::steady_timer watchdog_timer_;
  asio::steady_timer block_timer_;
  asio::steady_timer midnight_timer_;
  cu::SystemWallClock wall_clock_;
  std::unique_ptr<cu::DailyClose> daily_close_;  // follows pipeline_->calendar
  cu::SystemdNotifier notifier_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::unique_ptr<Pipeline> pipeline_;
  std::uint64_t pipelines_started_ = 0;  // the high half of ControlHooks::data_generation
  std::uint64_t freezes_ = 0;            // retention steps: added to it (event reports' ranges change)
  bool retention_due_ = true;            // a retention step may be due (run_retention)
  std::unique_ptr<cu::Follower> follower_;
  std::unique_ptr<cu::StoreReportSource> reports_;
  std::unique_ptr<cu::ctl::RateLimitRecorder> rate_limits_;  // statusline readings; counts since the start
  std::unique_ptr<cu::ctl::ControlServer> control_;
  cu::ctl::ControlHooks hooks_;  // the control server's, shared with the HTTP API
  std::unique_ptr<cu::http::HttpServer> http_;
  std::pair<std::string, std::filesystem::path> http_settings_;  // what http_ was started with
  std::string http_url_;
  std::string http_token_;
  cu::ctl::ResponseCache http_cache_;
  std::optional<std::pair<std::uint64_t, std::string>> metrics_cache_;  // data generation, text
};

}  // namespace

int main(int argc, char** argv) {
  // A closed stderr or stdout (a pipe whose reader went away) makes writes fail with EPIPE instead
  // of killing the daemon; log lines that cannot be written are lost, nothing else is.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app;
  Options options;
  cu::define_daemon_command_line(app, options);
  CLI11_PARSE(app, argc, argv);

  try {
    if (options.check_config) {
      const cu::Config config = load(options);
      check_postgres(config);
      std::cout << cu::render_config(config);
      return 0;
    }
    if (options.once || options.rebuild) return run_once(options);
    return Daemon(options).run();
  } catch (const cu::ConfigError& error) {
    std::fprintf(stderr, "claude-usaged: %s\n", error.what());
    return cu::kExitConfigError;
  } catch (const cu::DatabaseLocked& error) {
    std::fprintf(stderr, "claude-usaged: %s\n", error.what());
    return cu::kExitDatabaseLocked;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "claude-usaged: %s\n", error.what());
    return 1;
  }
}
