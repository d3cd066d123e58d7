// Claude Code's official rate-limit readings in the SQLite backend (schema/sqlite/009_rate_limits.sql),
// and the figures of the events the limit estimates sum (SPEC §11).
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "core/time.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;

// The instants stored times can hold in their fixed "YYYY-MM-DDTHH:MM:SS.sssZ" form, whose text
// order is their time order.
constexpr std::int64_t kFirstStorableMs = -62'167'219'200'000;  // 0000-01-01T00:00:00.000Z
constexpr std::int64_t kLastStorableMs = 253'402'300'799'999;   // 9999-12-31T23:59:59.999Z

std::int64_t storable(std::int64_t timestamp_ms) { return std::clamp(timestamp_ms, kFirstStorableMs, kLastStorableMs); }

// The bound of a range as stored text, clamped to what the form holds.
std::string time_bound(std::int64_t timestamp_ms) { return format_timestamp_ms(storable(timestamp_ms)); }

std::vector<RateLimitWindow> windows_of(const RateLimitFilter& filter) {
  if (filter.window) return {*filter.window};
  return {kRateLimitWindows.begin(), kRateLimitWindows.end()};
}

// The stored time in column `i` of the current row, read in place (no string copy): a 7-day
// window of a busy week holds thousands of readings and tens of thousands of events.
std::int64_t time_at(const SQLite::Statement& query, int i) {
  const SQLite::Column column = query.getColumn(i);
  return parse_stored_time(std::string_view(column.getText(), static_cast<std::size_t>(column.getBytes())));
}

// Appends the rows of `query` (captured_at, used_percentage, resets_at), all of `window`, and
// resets it, so that a cached statement holds no read open.
void read_snapshots(SQLite::Statement& query, RateLimitWindow window, std::vector<RateLimitSnapshot>& out) {
  while (query.executeStep()) {
    out.push_back(RateLimitSnapshot{window, time_at(query, 0), query.getColumn(1).getDouble(), time_at(query, 2)});
  }
  query.reset();
}

RateLimitWindow window_named(const std::string& name) {
  const std::optional<RateLimitWindow> window = rate_limit_window_of(name);
  if (!window) throw std::runtime_error(fmt::format("rate_limit_snapshots holds an unknown window '{}'", name));
  return *window;
}

bool captured_before(const RateLimitSnapshot& a, const RateLimitSnapshot& b) {
  return std::tie(a.captured_at_ms, a.window) < std::tie(b.captured_at_ms, b.window);
}

}  // namespace

void SqliteStore::record_rate_limits(const std::vector<RateLimitSnapshot>& snapshots) {
  if (snapshots.empty()) return;
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  const bool ship = d.shipping_on();
  SQLite::Statement& record = d.cached(sql::kRecordRateLimit);
  for (const RateLimitSnapshot& snapshot : snapshots) {
    const std::string window(to_string(snapshot.window));
    const std::int64_t minute = rate_limit_minute(snapshot.captured_at_ms);
    Impl::run_bind(record, d.source, window, minute, format_timestamp_ms(snapshot.captured_at_ms),
                   snapshot.used_percentage, format_timestamp_ms(snapshot.resets_at_ms));
    const bool changed = record.exec() > 0;  // 0: an earlier capture of the minute, ignored
    if (changed && ship) Impl::run(d.cached(sql::kOutboxRateLimit), d.source, minute, window);
  }
  transaction.commit();
}

std::vector<RateLimitSnapshot> SqliteStore::Impl::outbox_rate_limits(std::int64_t after_seq,
                                                                     std::int64_t through_seq) {
  SQLite::Statement query(db, sql::kOutboxRateLimits);
  run_bind(query, source, after_seq, through_seq);
  std::vector<RateLimitSnapshot> snapshots;
  while (query.executeStep()) {
    snapshots.push_back(RateLimitSnapshot{window_named(query.getColumn(0).getString()), time_at(query, 1),
                                          query.getColumn(2).getDouble(), time_at(query, 3)});
  }
  return snapshots;
}

// One query per window, each along an index: the primary key for a time range, the instance index
// for one resets_at.
std::vector<RateLimitSnapshot> SqliteStore::rate_limit_snapshots(const RateLimitFilter& filter) {
  std::vector<RateLimitSnapshot> snapshots;
  if (filter.to_ms <= filter.from_ms) return snapshots;
  Impl& d = *impl_;
  const std::string from = time_bound(filter.from_ms);
  const std::string to = time_bound(filter.to_ms);
  for (const RateLimitWindow window : windows_of(filter)) {
    const std::string name(to_string(window));
    if (filter.resets_at_ms) {
      SQLite::Statement& query = d.cached(sql::kRateLimitsOfInstance);
      Impl::run_bind(query, d.source, name, format_timestamp_ms(*filter.resets_at_ms), from, to);
      read_snapshots(query, window, snapshots);
    } else {
      SQLite::Statement& query = d.cached(sql::kRateLimitsOfMinutes);
      Impl::run_bind(query, d.source, name, rate_limit_minute(storable(filter.from_ms)),
                     rate_limit_minute(storable(filter.to_ms)), from, to);
      read_snapshots(query, window, snapshots);
    }
  }
  std::stable_sort(snapshots.begin(), snapshots.end(), captured_before);
  return snapshots;
}

std::vector<RateLimitSnapshot> SqliteStore::latest_rate_limits() {
  Impl& d = *impl_;
  std::vector<RateLimitSnapshot> latest;
  for (const RateLimitWindow window : kRateLimitWindows) {
    SQLite::Statement& query = d.cached(sql::kLatestRateLimit);
    Impl::run_bind(query, d.source, std::string(to_string(window)));
    read_snapshots(query, window, latest);
  }
  return latest;
}

std::vector<UsagePoint> SqliteStore::usage_points(std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<UsagePoint> points;
  if (to_ms <= from_ms) return points;
  SQLite::Statement& query = impl_->cached(sql::kUsagePoints);
  Impl::run_bind(query, impl_->source, time_bound(from_ms), time_bound(to_ms));
  while (query.executeStep()) {
    points.push_back(UsagePoint{time_at(query, 0), query.getColumn(1).getDouble(), query.getColumn(2).getInt64(),
                                query.getColumn(3).getInt64()});
  }
  query.reset();
  return points;
}

}  // namespace cu
