#pragma once
// The orders in which rollups visit events. A floating-point sum depends on the order of its
// terms: these are ccusage's orders, so that sums are reproducible and equal ccusage's to the bit.
// Both return pointers into `events`, which must outlive them; the event id breaks any tie left.
#include <span>
#include <vector>

#include "core/usage_event.h"

namespace cu {

// By timestamp; ties in log order, as ccusage's stable sort leaves the events it read in log
// order. Its blocks (and so ours) sum in this order.
std::vector<const UsageEvent*> time_ordered(std::span<const UsageEvent> events);

// Log order: file path below projects/ (byte order), then position in the file. ccusage's daily
// report sums each day and model in this order.
std::vector<const UsageEvent*> log_ordered(std::span<const UsageEvent> events);

}  // namespace cu
