// Claude Code's official rate-limit readings in the PostgreSQL backend
// (schema/postgres/004_rate_limits.sql), and the figures of the events the limit estimates sum.
#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "store/postgres_sql.h"
#include "store/postgres_store_impl.h"
#include "store/postgres_values.h"

namespace cu {
namespace {

namespace sql = postgres_sql;
using OptionalText = std::optional<std::string>;

// The instants bounds are sent for: years 1 to 9999 (pg_time's four-digit form).
constexpr std::int64_t kFirstBoundMs = -62'135'596'800'000;  // 0001-01-01T00:00:00.000Z
constexpr std::int64_t kLastBoundMs = 253'402'300'799'999;   // 9999-12-31T23:59:59.999Z

// The lower and upper bound of a range as parameters: NULL (open) beyond the years sent.
OptionalText lower_bound(std::int64_t from_ms) {
  return from_ms < kFirstBoundMs ? std::nullopt : OptionalText(pg_time(std::min(from_ms, kLastBoundMs)));
}
OptionalText upper_bound(std::int64_t to_ms) {
  return to_ms > kLastBoundMs ? std::nullopt : OptionalText(pg_time(std::max(to_ms, kFirstBoundMs)));
}

RateLimitWindow window_named(const std::string& name) {
  const std::optional<RateLimitWindow> window = rate_limit_window_of(name);
  if (!window) throw PostgresError(fmt::format("rate_limit_snapshots holds an unknown window '{}'", name));
  return *window;
}

// Rows selected with CU_PG_RATE_LIMIT_COLUMNS.
std::vector<RateLimitSnapshot> read_snapshots(const pqxx::result& rows) {
  std::vector<RateLimitSnapshot> snapshots;
  snapshots.reserve(rows.size());
  for (const pqxx::row& row : rows) {
    snapshots.push_back(RateLimitSnapshot{window_named(pg_text(row[0])), row[1].as<std::int64_t>(),
                                          row[2].as<double>(), row[3].as<std::int64_t>()});
  }
  return snapshots;
}

// One snapshot per (window, minute), as recording them one after the other would leave it: one
// upsert cannot touch a row twice.
std::vector<RateLimitSnapshot> one_per_minute(const std::vector<RateLimitSnapshot>& snapshots) {
  std::map<std::pair<RateLimitWindow, std::int64_t>, RateLimitSnapshot> kept;
  for (const RateLimitSnapshot& snapshot : snapshots) {
    const auto [slot, inserted] =
        kept.try_emplace({snapshot.window, rate_limit_minute(snapshot.captured_at_ms)}, snapshot);
    if (!inserted && snapshot.captured_at_ms >= slot->second.captured_at_ms) slot->second = snapshot;
  }
  std::vector<RateLimitSnapshot> unique;
  unique.reserve(kept.size());
  for (const auto& entry : kept) unique.push_back(entry.second);
  return unique;
}

}  // namespace

void PostgresStore::Impl::write_rate_limits(pqxx::work& t, const std::vector<RateLimitSnapshot>& snapshots,
                                            bool shipped) {
  if (snapshots.empty()) return;
  PgArray windows, minutes, captured, percentages, resets;
  for (const RateLimitSnapshot& snapshot : one_per_minute(snapshots)) {
    windows.add(to_string(snapshot.window));
    minutes.add(rate_limit_minute(snapshot.captured_at_ms));
    captured.add(pg_time(snapshot.captured_at_ms));
    percentages.add(snapshot.used_percentage);
    resets.add(pg_time(snapshot.resets_at_ms));
  }
  if (shipped) {
    t.exec_params(sql::kShipRateLimits, source, windows.str(), minutes.str(), captured.str(), percentages.str(),
                  resets.str());
  } else {
    t.exec_params(sql::kRecordRateLimits, source, windows.str(), minutes.str(), captured.str(), percentages.str(),
                  resets.str());
  }
}

void PostgresStore::record_rate_limits(const std::vector<RateLimitSnapshot>& snapshots) {
  if (snapshots.empty()) return;
  pqxx::work t(impl_->connection, "rate_limits");
  impl_->write_rate_limits(t, snapshots, /*shipped=*/false);
  t.commit();
}

std::vector<RateLimitSnapshot> PostgresStore::rate_limit_snapshots(const RateLimitFilter& filter) {
  if (filter.to_ms <= filter.from_ms) return {};
  const OptionalText window = filter.window ? OptionalText(std::string(to_string(*filter.window))) : std::nullopt;
  const OptionalText resets_at = filter.resets_at_ms ? OptionalText(pg_time(*filter.resets_at_ms)) : std::nullopt;
  pqxx::nontransaction t(impl_->connection);
  return read_snapshots(t.exec_params(sql::kRateLimitRows, impl_->source, window, resets_at,
                                      lower_bound(filter.from_ms), upper_bound(filter.to_ms)));
}

std::vector<RateLimitSnapshot> PostgresStore::latest_rate_limits() {
  PgArray windows;
  for (const RateLimitWindow window : kRateLimitWindows) windows.add(to_string(window));
  pqxx::nontransaction t(impl_->connection);
  return read_snapshots(t.exec_params(sql::kLatestRateLimits, impl_->source, windows.str()));
}

std::vector<UsagePoint> PostgresStore::usage_points(std::int64_t from_ms, std::int64_t to_ms) {
  if (to_ms <= from_ms) return {};
  pqxx::nontransaction t(impl_->connection);
  std::vector<UsagePoint> points;
  for (const pqxx::row& row :
       t.exec_params(sql::kUsagePoints, impl_->source, lower_bound(from_ms), upper_bound(to_ms))) {
    points.push_back(UsagePoint{row[0].as<std::int64_t>(), row[1].as<double>(), row[2].as<std::int64_t>(),
                                row[3].as<std::int64_t>()});
  }
  return points;
}

}  // namespace cu
