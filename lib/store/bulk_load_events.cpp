#include "store/bulk_load_events.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

namespace cu {
namespace {

constexpr std::int64_t kMax32 = std::numeric_limits<std::uint32_t>::max();

bool fits_32(std::int64_t value) { return value >= 0 && value <= kMax32; }

}  // namespace

std::uint32_t BulkLoadEvents::intern(std::string_view text) {
  if (const auto it = text_ids_.find(text); it != text_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(texts_.size());
  texts_.emplace_back(text);
  text_ids_.emplace(texts_.back(), id);
  return id;
}

template <std::size_t N>
std::uint32_t BulkLoadEvents::intern_tuple(std::vector<std::array<std::uint32_t, N>>& table,
                                           const std::array<std::string_view, N>& parts, std::uint32_t& last) {
  // Consecutive events mostly share their tuples: compare with the last one returned first.
  if (last < table.size()) {
    bool same = true;
    for (std::size_t i = 0; i < N && same; ++i) same = texts_[table[last][i]] == parts[i];
    if (same) return last;
  }
  last = intern_new_tuple(table, parts);
  return last;
}

template <std::size_t N>
std::uint32_t BulkLoadEvents::intern_new_tuple(std::vector<std::array<std::uint32_t, N>>& table,
                                               const std::array<std::string_view, N>& parts) {
  // The tuple is interned as one text (parts joined by NUL) whose own index maps to the table.
  std::string& joined = joined_;
  joined.clear();
  std::array<std::uint32_t, N> ids{};
  for (std::size_t i = 0; i < N; ++i) {
    ids[i] = intern(parts[i]);
    joined.append(parts[i]).push_back('\0');
  }
  joined.push_back(static_cast<char>('0' + N));  // tuples of different arity never collide
  const std::size_t texts_before = texts_.size();
  const std::uint32_t key = intern(joined);
  if (texts_.size() == texts_before) return tuple_ids_.at(key);
  tuple_ids_.emplace(key, static_cast<std::uint32_t>(table.size()));
  table.push_back(ids);
  return static_cast<std::uint32_t>(table.size() - 1);
}

void BulkLoadEvents::add(const UsageEvent& event) {
  const UsageEntry& entry = event.entry;
  const TokenCounts& tokens = entry.tokens;
  Compact compact;
  compact.id = event.id;
  compact.timestamp_ms = entry.timestamp_ms;
  compact.cost_usd = event.cost_usd;
  compact.origin = intern_tuple<3>(origins_, {event.project, event.session_id, event.file}, last_origin_);
  compact.context = intern_tuple<2>(contexts_, {entry.model, entry.cwd}, last_context_);
  compact.flags = static_cast<std::uint8_t>((entry.is_sidechain ? kSidechain : 0) |
                                            (tokens.has_cache_split ? kSplit : 0) |
                                            (static_cast<unsigned>(entry.speed) << kSpeedShift));
  const bool split_is_exact =
      tokens.has_cache_split ? tokens.cache_creation_5m + tokens.cache_creation_1h == tokens.cache_creation
                             : tokens.cache_creation_5m == 0 && tokens.cache_creation_1h == 0;
  const bool narrow = fits_32(tokens.input) && fits_32(tokens.output) && fits_32(tokens.cache_creation) &&
                      fits_32(tokens.cache_read) && fits_32(tokens.cache_creation_5m) && split_is_exact &&
                      fits_32(event.line_offset) && event.entry_index >= 0 &&
                      event.entry_index <= std::numeric_limits<std::uint16_t>::max();
  if (narrow) {
    compact.input = static_cast<std::uint32_t>(tokens.input);
    compact.output = static_cast<std::uint32_t>(tokens.output);
    compact.cache_creation = static_cast<std::uint32_t>(tokens.cache_creation);
    compact.cache_read = static_cast<std::uint32_t>(tokens.cache_read);
    compact.cache_creation_5m = static_cast<std::uint32_t>(tokens.cache_creation_5m);
    compact.line_offset = static_cast<std::uint32_t>(event.line_offset);
    compact.entry_index = static_cast<std::uint16_t>(event.entry_index);
  } else {
    compact.flags |= kWide;
    wide_.emplace(static_cast<std::uint32_t>(events_.size()), Wide{tokens, event.line_offset, event.entry_index});
  }
  if (entry.logged_cost_usd) logged_costs_.emplace(static_cast<std::uint32_t>(events_.size()), *entry.logged_cost_usd);
  events_.push_back(compact);
}

void BulkLoadEvents::remove(std::int64_t id) { removed_.insert(id); }

std::int64_t BulkLoadEvents::size() const {
  return static_cast<std::int64_t>(events_.size()) - static_cast<std::int64_t>(removed_.size());
}

void BulkLoadEvents::clear() { *this = BulkLoadEvents{}; }

UsageEvent BulkLoadEvents::expand(std::uint32_t index, bool with_cwd) const {
  const Compact& compact = events_[index];
  const auto& origin = origins_[compact.origin];
  const auto& context = contexts_[compact.context];
  UsageEvent event;
  UsageEntry& entry = event.entry;
  event.id = compact.id;
  entry.timestamp_ms = compact.timestamp_ms;
  event.project = texts_[origin[0]];
  event.session_id = texts_[origin[1]];
  event.file = texts_[origin[2]];
  entry.model = texts_[context[0]];
  if (with_cwd) entry.cwd = texts_[context[1]];
  event.cost_usd = compact.cost_usd;
  entry.is_sidechain = (compact.flags & kSidechain) != 0;
  entry.speed = static_cast<Speed>(compact.flags >> kSpeedShift);
  if (const auto logged = logged_costs_.find(index); logged != logged_costs_.end()) entry.logged_cost_usd = logged->second;
  if ((compact.flags & kWide) != 0) {
    const Wide& wide = wide_.at(index);
    entry.tokens = wide.tokens;
    event.line_offset = wide.line_offset;
    event.entry_index = wide.entry_index;
    return event;
  }
  TokenCounts& tokens = entry.tokens;
  tokens.input = compact.input;
  tokens.output = compact.output;
  tokens.cache_creation = compact.cache_creation;
  tokens.cache_read = compact.cache_read;
  tokens.has_cache_split = (compact.flags & kSplit) != 0;
  if (tokens.has_cache_split) {
    tokens.cache_creation_5m = compact.cache_creation_5m;
    tokens.cache_creation_1h = tokens.cache_creation - tokens.cache_creation_5m;
  }
  event.line_offset = compact.line_offset;
  event.entry_index = compact.entry_index;
  return event;
}

std::vector<std::uint32_t> BulkLoadEvents::held_indexes() const {
  std::vector<std::uint32_t> held;
  held.reserve(events_.size());
  for (std::uint32_t i = 0; i < events_.size(); ++i) {
    if (!removed_.contains(events_[i].id)) held.push_back(i);
  }
  return held;
}

std::vector<std::uint32_t> BulkLoadEvents::ordered_by_time() const {
  std::vector<std::uint32_t> order = held_indexes();
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(events_[a].timestamp_ms, events_[a].id) < std::tie(events_[b].timestamp_ms, events_[b].id);
  });
  return order;
}

std::vector<std::uint32_t> BulkLoadEvents::ordered_by_session() const {
  std::vector<std::uint32_t> order = held_indexes();
  // Grouping needs equal keys together, not any particular order between groups; interned ids
  // are equal exactly when the texts are.
  auto key = [&](std::uint32_t i) {
    const auto& origin = origins_[events_[i].origin];
    return std::tuple(origin[0], origin[1], events_[i].id);
  };
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return key(a) < key(b); });
  return order;
}

}  // namespace cu
