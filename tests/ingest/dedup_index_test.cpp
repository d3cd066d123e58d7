// Deduplication and replacement rules of SPEC §4.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <random>

#include "ingest/dedup_index.h"
#include "store/event_keys.h"

namespace cu {
namespace {

UsageEvent event(std::int64_t id, std::string message_id, std::string request_id, std::int64_t output,
                 std::string file = "p/a.jsonl", std::int64_t offset = 0) {
  UsageEvent e;
  e.id = id;
  e.entry.message_id = std::move(message_id);
  e.entry.request_id = std::move(request_id);
  e.entry.tokens.input = 10;
  e.entry.tokens.output = output;
  e.file = std::move(file);
  e.line_offset = offset;
  return e;
}

TEST(DedupIndexTest, FirstEntryIsKept) {
  DedupIndex index;
  const auto decision = index.offer(event(1, "msg_1", "req_1", 5));
  EXPECT_TRUE(decision.keep);
  EXPECT_TRUE(decision.replaced.empty());
  EXPECT_EQ(index.size(), 1u);
}

TEST(DedupIndexTest, StreamedLinesKeepTheFinalLargerOutput) {
  DedupIndex index;
  EXPECT_TRUE(index.offer(event(1, "msg_1", "req_1", 1, "p/a.jsonl", 0)).keep);
  const auto second = index.offer(event(2, "msg_1", "req_1", 40, "p/a.jsonl", 100));
  EXPECT_TRUE(second.keep);
  EXPECT_EQ(second.replaced, std::vector<std::int64_t>{1});
  EXPECT_EQ(index.size(), 1u);
}

TEST(DedupIndexTest, SmallerDuplicateIsDropped) {
  DedupIndex index;
  index.offer(event(1, "msg_1", "req_1", 40));
  EXPECT_FALSE(index.offer(event(2, "msg_1", "req_1", 1, "p/a.jsonl", 100)).keep);
}

TEST(DedupIndexTest, EqualEntriesKeepTheFileSortingFirst) {
  DedupIndex index;
  index.offer(event(1, "msg_1", "req_1", 5, "p/b.jsonl"));
  const auto decision = index.offer(event(2, "msg_1", "req_1", 5, "p/a.jsonl"));
  EXPECT_TRUE(decision.keep);
  EXPECT_EQ(decision.replaced, std::vector<std::int64_t>{1});
  EXPECT_FALSE(index.offer(event(3, "msg_1", "req_1", 5, "p/c.jsonl")).keep);
}

TEST(DedupIndexTest, WithinOneFileTheEarlierLineWins) {
  DedupIndex index;
  index.offer(event(1, "msg_1", "req_1", 5, "p/a.jsonl", 500));
  EXPECT_TRUE(index.offer(event(2, "msg_1", "req_1", 5, "p/a.jsonl", 10)).keep);
  EXPECT_FALSE(index.offer(event(3, "msg_1", "req_1", 5, "p/a.jsonl", 900)).keep);
}

// A file read again from 0 takes its kept events out; an entry it held is then new again, and the
// other kept events of the same message id stay.
TEST(DedupIndexTest, AForgottenEventNoLongerCollides) {
  DedupIndex index;
  index.offer(event(1, "msg_1", "req_1", 5, "p/a.jsonl"));
  index.offer(event(2, "msg_1", "req_2", 5, "p/a.jsonl", 100));  // another request: kept beside it
  index.forget(1, "msg_1");
  index.forget(7, "msg_1");  // not kept: nothing happens
  index.forget(1, "msg_9");
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.offer(event(3, "msg_1", "req_1", 5, "p/a.jsonl", 1)).keep);
  EXPECT_FALSE(index.offer(event(4, "msg_1", "req_2", 5, "p/b.jsonl")).keep);
}

TEST(DedupIndexTest, NonSidechainBeatsLargerSidechain) {
  DedupIndex index;
  auto side = event(1, "msg_1", "req_1", 500);
  side.entry.is_sidechain = true;
  index.offer(side);
  EXPECT_TRUE(index.offer(event(2, "msg_1", "req_1", 1)).keep);
  auto side_again = event(3, "msg_1", "req_1", 900);
  side_again.entry.is_sidechain = true;
  EXPECT_FALSE(index.offer(side_again).keep);
}

TEST(DedupIndexTest, SidechainReplayWithAnotherRequestIdCollides) {
  DedupIndex index;
  index.offer(event(1, "msg_1", "req_1", 5));
  auto replay = event(2, "msg_1", "req_2", 50);
  replay.entry.is_sidechain = true;
  EXPECT_FALSE(index.offer(replay).keep);
}

TEST(DedupIndexTest, SameMessageOtherRequestWithoutSidechainIsDistinct) {
  DedupIndex index;
  index.offer(event(1, "msg_1", "req_1", 5));
  EXPECT_TRUE(index.offer(event(2, "msg_1", "req_2", 5)).keep);
  EXPECT_EQ(index.size(), 2u);
}

TEST(DedupIndexTest, MissingRequestIdIsItsOwnKey) {
  DedupIndex index;
  index.offer(event(1, "msg_1", "", 5));
  EXPECT_FALSE(index.offer(event(2, "msg_1", "", 5, "p/z.jsonl")).keep);
  EXPECT_TRUE(index.offer(event(3, "msg_1", "req_1", 5)).keep);
}

TEST(DedupIndexTest, MissingMessageIdIsNeverDeduplicated) {
  DedupIndex index;
  EXPECT_TRUE(index.offer(event(1, "", "req_1", 5)).keep);
  EXPECT_TRUE(index.offer(event(2, "", "req_1", 5)).keep);
}

TEST(DedupIndexTest, HigherCostThenSpeedBreakTokenTies) {
  DedupIndex index;
  auto cheap = event(1, "msg_1", "req_1", 5, "p/a.jsonl");
  auto dear = event(2, "msg_1", "req_1", 5, "p/z.jsonl");
  dear.cost_usd = 1.0;
  index.offer(cheap);
  EXPECT_TRUE(index.offer(dear).keep);

  DedupIndex speed_index;
  auto plain = event(3, "msg_2", "req_2", 5, "p/a.jsonl");
  auto with_speed = event(4, "msg_2", "req_2", 5, "p/z.jsonl");
  with_speed.entry.speed = Speed::kStandard;
  speed_index.offer(plain);
  EXPECT_TRUE(speed_index.offer(with_speed).keep);
}

TEST(DedupIndexTest, RestoredEntriesTakePartInCollisions) {
  DedupIndex index;
  index.restore(7, "msg_1", "req_1", DedupRank::of(event(7, "msg_1", "req_1", 40)));
  EXPECT_FALSE(index.offer(event(8, "msg_1", "req_1", 2, "p/z.jsonl")).keep);
  const auto better = index.offer(event(9, "msg_1", "req_1", 80, "p/z.jsonl"));
  EXPECT_EQ(better.replaced, std::vector<std::int64_t>{7});
}

// The kept set must not depend on the order entries arrive in (files discovered or grown in any
// order give the same result).
TEST(DedupIndexTest, KeptSetIsIndependentOfArrivalOrder) {
  std::vector<UsageEvent> events;
  std::mt19937_64 random(42);
  std::int64_t id = 1;
  for (int message = 0; message < 40; ++message) {
    for (int copy = 0; copy < 5; ++copy) {
      auto e = event(id++, "msg_" + std::to_string(message), "req_" + std::to_string(random() % 2),
                     static_cast<std::int64_t>(random() % 4), "p/" + std::to_string(random() % 3) + ".jsonl",
                     static_cast<std::int64_t>(random() % 5));
      e.entry.is_sidechain = random() % 4 == 0;
      e.entry_index = copy;
      events.push_back(e);
    }
  }
  auto kept_ids = [](const std::vector<UsageEvent>& order) {
    DedupIndex index;
    std::set<std::int64_t> kept;
    for (const auto& e : order) {
      const auto decision = index.offer(e);
      if (!decision.keep) continue;
      for (auto replaced : decision.replaced) kept.erase(replaced);
      kept.insert(e.id);
    }
    return kept;
  };
  const auto expected = kept_ids(events);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(events.begin(), events.end(), random);
    EXPECT_EQ(kept_ids(events), expected);
  }
}

// An index that lets go of its records at random moments and looks them up again in a store (here
// the kept events themselves, as after a commit) keeps exactly what an index holding every record
// keeps, whatever the order.
TEST(DedupIndexTest, ACompactedIndexDecidesAsOneHoldingEveryRecord) {
  std::mt19937_64 random(7);
  std::int64_t id = 1;
  std::vector<UsageEvent> events;
  for (int message = 0; message < 60; ++message) {
    for (int copy = 0; copy < 6; ++copy) {
      auto e = event(id++, "msg_" + std::to_string(message % 45), "req_" + std::to_string(random() % 2),
                     static_cast<std::int64_t>(random() % 4), "p/" + std::to_string(random() % 3) + ".jsonl",
                     static_cast<std::int64_t>(random() % 5));
      e.entry.is_sidechain = random() % 4 == 0;
      e.entry_index = copy;
      events.push_back(e);
    }
  }
  std::shuffle(events.begin(), events.end(), random);
  DedupIndex full;
  DedupIndex compacted;
  std::map<std::int64_t, UsageEvent> stored;  // what compacted's lookup reads
  compacted.set_lookup([&](std::string_view message_id) {
    std::vector<StoredKept> kept;
    for (const auto& [kept_id, e] : stored) {
      if (e.entry.message_id == message_id) kept.push_back({kept_id, e.entry.request_id, DedupRank::of(e)});
    }
    return kept;
  });
  std::int64_t compactions = 0;
  for (const UsageEvent& e : events) {
    const DedupDecision expected = full.offer(e);
    const DedupDecision decision = compacted.offer(e);
    ASSERT_EQ(decision.keep, expected.keep) << "event " << e.id;
    auto replaced = decision.replaced;
    auto expected_replaced = expected.replaced;
    std::sort(replaced.begin(), replaced.end());
    std::sort(expected_replaced.begin(), expected_replaced.end());
    ASSERT_EQ(replaced, expected_replaced) << "event " << e.id;
    for (const std::int64_t gone : decision.replaced) stored.erase(gone);
    if (decision.keep) stored.emplace(e.id, e);
    if (random() % 7 == 0) {
      compacted.compact();
      EXPECT_EQ(compacted.size(), 0u);
      ++compactions;
    }
  }
  EXPECT_GT(compactions, 20);
  EXPECT_GT(compacted.lookups(), 20);
}

// On a store with history a message id without a record held is looked up; one whose lookup
// finds nothing (its events were taken out) starts afresh. With fingerprints taken, only an id
// whose fingerprint matches is looked up.
TEST(DedupIndexTest, AMessageIdNotHeldIsLookedUpOnceTheStoreHasHistory) {
  DedupIndex index;
  int lookups = 0;
  index.set_lookup([&](std::string_view) {
    ++lookups;
    return std::vector<StoredKept>{};
  });
  index.offer(event(1, "msg_0", "req_1", 1));
  EXPECT_EQ(lookups, 0) << "an empty store is never asked";
  index.clear();
  index.note_store_has_events();
  const auto decision = index.offer(event(5, "msg_1", "req_1", 1));
  EXPECT_TRUE(decision.keep);
  EXPECT_TRUE(decision.replaced.empty());
  EXPECT_EQ(lookups, 1);
  EXPECT_FALSE(index.offer(event(6, "msg_1", "req_1", 0, "p/z.jsonl")).keep);
  EXPECT_EQ(lookups, 1) << "the records are held once looked up";
  index.offer(event(7, "msg_2", "req_2", 1));
  EXPECT_EQ(lookups, 2);

  MessageFingerprints stored;
  stored.add("msg_3");
  index.take_fingerprints(std::move(stored));
  EXPECT_TRUE(index.has_fingerprints());
  index.offer(event(8, "msg_3", "req_3", 1));
  EXPECT_EQ(lookups, 3);
  index.offer(event(9, "msg_4", "req_4", 1));
  EXPECT_EQ(lookups, 3) << "an id without a fingerprint is not looked up";
  index.compact();
  EXPECT_FALSE(index.has_fingerprints());
  EXPECT_EQ(index.fingerprints().memory_bytes(), 0u);
  index.offer(event(10, "msg_5", "req_5", 1));
  EXPECT_EQ(lookups, 4) << "after compact() every id not held is looked up";
}

// A backfill into an empty store holds every record until its flush: no new message id (none of
// which the store can hold) sends the index to the store, whose index is deferred during a bulk
// load (a lookup then scanned every event: 3 s of a 5 GB backfill).
TEST(DedupIndexTest, HeldRecordsAreNeverLookedUp) {
  DedupIndex index;
  int lookups = 0;
  index.set_lookup([&](std::string_view) {
    ++lookups;
    return std::vector<StoredKept>{};
  });
  for (int i = 0; i < 300'000; ++i) {
    ASSERT_TRUE(index.offer(event(i + 1, "msg_01" + std::to_string(i), "req_1", 1)).keep);
  }
  EXPECT_EQ(lookups, 0);
  EXPECT_FALSE(index.offer(event(300'001, "msg_0142", "req_1", 0, "p/z.jsonl")).keep);
  EXPECT_EQ(lookups, 0);
  index.compact();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.fingerprints().memory_bytes(), 0u) << "nothing of the history is held";
  index.offer(event(300'002, "msg_0142", "req_1", 0, "p/z.jsonl"));
  EXPECT_EQ(lookups, 1) << "after compact() a copy of a stored message is looked up";
}

TEST(MessageFingerprintsTest, HoldsEveryIdAddedAndFewOthers) {
  MessageFingerprints set;
  std::set<std::uint32_t> distinct;  // ~1 pair of 100,000 ids shares a 32-bit fingerprint
  for (int i = 0; i < 100000; ++i) {
    set.add("msg_01" + std::to_string(i * 7919));
    distinct.insert(MessageFingerprints::fingerprint_of(message_key("msg_01" + std::to_string(i * 7919))));
  }
  ASSERT_EQ(set.size(), distinct.size());
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(set.contains("msg_01" + std::to_string(i * 7919))) << i;
  int false_positives = 0;
  for (int i = 0; i < 100000; ++i) false_positives += set.contains("req_02" + std::to_string(i)) ? 1 : 0;
  EXPECT_LT(false_positives, 20);  // n / 2^32 of them: 2 or 3 expected
  EXPECT_LE(set.memory_bytes(), 100000u * 4 * 16 / 7 + 1);  // at least seven sixteenths full
  set.add("msg_010");
  EXPECT_EQ(set.size(), distinct.size()) << "an id added twice is held once";
  set.clear();
  EXPECT_FALSE(set.contains("msg_010"));
}

}  // namespace
}  // namespace cu
