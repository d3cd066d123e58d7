#pragma once
// Events and comparisons shared by the store tests.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "core/usage_event.h"
#include "store/store.h"

namespace cu {

// Rate-limit rows as test failures print them.
std::ostream& operator<<(std::ostream& out, const RateLimitSnapshot& snapshot);
std::ostream& operator<<(std::ostream& out, const UsagePoint& point);

}  // namespace cu

namespace cu::test {

// A Sonnet 4 event of project -home-ana-api at `timestamp` (ISO UTC) with 64-bit cache counts.
UsageEvent sample_event(std::int64_t id, const std::string& timestamp, const std::string& session,
                        std::int64_t output);

// Every event `store` holds (up to 2100), in id order.
std::vector<UsageEvent> all_events(Store& store);

// Expects every table of `source_of_truth` (events, checkpoints, daily, model, cache, sessions,
// session models, blocks, rate-limit snapshots) to equal `copy`'s, money within 1e-6 $
// (PostgreSQL stores NUMERIC(20,10)).
void expect_same_tables(Store& source_of_truth, Store& copy);

// The derived tables alone (daily, model, cache, sessions, session models, blocks), as above.
void expect_same_rollups(Store& source_of_truth, Store& copy);

}  // namespace cu::test
