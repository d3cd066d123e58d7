#include "store/bulk_load_events.h"

#include <algorithm>
#include <tuple>

namespace cu {

std::uint32_t BulkLoadEvents::intern(std::string_view text) {
  if (const auto it = text_ids_.find(text); it != text_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(texts_.size());
  texts_.emplace_back(text);
  text_ids_.emplace(texts_.back(), id);
  return id;
}

void BulkLoadEvents::add(const UsageEvent& event) {
  const UsageEntry& entry = event.entry;
  Compact compact;
  compact.id = event.id;
  compact.timestamp_ms = entry.timestamp_ms;
  compact.line_offset = event.line_offset;
  compact.tokens = entry.tokens;
  compact.cost_usd = event.cost_usd;
  compact.has_logged_cost = entry.logged_cost_usd.has_value();
  compact.logged_cost_usd = entry.logged_cost_usd.value_or(0);
  compact.project = intern(event.project);
  compact.session_id = intern(event.session_id);
  compact.model = intern(entry.model);
  compact.cwd = intern(entry.cwd);
  compact.file = intern(event.file);
  compact.entry_index = event.entry_index;
  compact.speed = entry.speed;
  compact.is_sidechain = entry.is_sidechain;
  events_.push_back(compact);
}

void BulkLoadEvents::remove(std::int64_t id) { removed_.insert(id); }

std::int64_t BulkLoadEvents::size() const {
  return static_cast<std::int64_t>(events_.size()) - static_cast<std::int64_t>(removed_.size());
}

void BulkLoadEvents::clear() { *this = BulkLoadEvents{}; }

UsageEvent BulkLoadEvents::expand(const Compact& compact, bool with_cwd) const {
  UsageEvent event;
  UsageEntry& entry = event.entry;
  event.id = compact.id;
  entry.timestamp_ms = compact.timestamp_ms;
  event.project = texts_[compact.project];
  event.session_id = texts_[compact.session_id];
  entry.model = texts_[compact.model];
  entry.tokens = compact.tokens;
  entry.speed = compact.speed;
  if (compact.has_logged_cost) entry.logged_cost_usd = compact.logged_cost_usd;
  event.cost_usd = compact.cost_usd;
  entry.is_sidechain = compact.is_sidechain;
  if (with_cwd) entry.cwd = texts_[compact.cwd];
  event.file = texts_[compact.file];
  event.line_offset = compact.line_offset;
  event.entry_index = compact.entry_index;
  return event;
}

std::vector<std::uint32_t> BulkLoadEvents::ordered_by_time() const {
  std::vector<std::uint32_t> order;
  order.reserve(events_.size());
  for (std::uint32_t i = 0; i < events_.size(); ++i) {
    if (!removed_.contains(events_[i].id)) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(events_[a].timestamp_ms, events_[a].id) < std::tie(events_[b].timestamp_ms, events_[b].id);
  });
  return order;
}

std::vector<std::uint32_t> BulkLoadEvents::ordered_by_session() const {
  std::vector<std::uint32_t> order;
  order.reserve(events_.size());
  for (std::uint32_t i = 0; i < events_.size(); ++i) {
    if (!removed_.contains(events_[i].id)) order.push_back(i);
  }
  // Grouping needs equal keys together, not any particular order between groups; interned ids
  // are equal exactly when the strings are.
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(events_[a].project, events_[a].session_id, events_[a].id) <
           std::tie(events_[b].project, events_[b].session_id, events_[b].id);
  });
  return order;
}

}  // namespace cu
