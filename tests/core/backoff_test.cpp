#include "core/backoff.h"

#include <gtest/gtest.h>

namespace cu {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesWithJitterUpToTheCap) {
  Backoff backoff(milliseconds(1000), milliseconds(60000), 42);
  std::int64_t ceiling = 1000;
  for (int failure = 1; failure <= 12; ++failure) {
    const milliseconds delay = backoff.next_delay();
    EXPECT_GE(delay.count(), ceiling / 2) << "failure " << failure;
    EXPECT_LE(delay.count(), ceiling) << "failure " << failure;
    ceiling = std::min<std::int64_t>(ceiling * 2, 60000);
  }
  EXPECT_EQ(backoff.failures(), 12);
}

TEST(BackoffTest, ResetStartsOver) {
  Backoff backoff(milliseconds(1000), milliseconds(60000), 7);
  for (int i = 0; i < 8; ++i) backoff.next_delay();
  backoff.reset();
  EXPECT_LE(backoff.next_delay().count(), 1000);
}

TEST(BackoffTest, JitterSpreadsRetries) {
  Backoff a(milliseconds(1000), milliseconds(60000), 1);
  Backoff b(milliseconds(1000), milliseconds(60000), 2);
  bool differ = false;
  for (int i = 0; i < 6; ++i) differ = differ || a.next_delay() != b.next_delay();
  EXPECT_TRUE(differ);
}

}  // namespace
}  // namespace cu
