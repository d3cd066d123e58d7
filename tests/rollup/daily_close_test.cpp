// The daily close on the wall clock: closes at the first poll after a local midnight, however
// that midnight was reached (waiting, a suspend, a clock step), and never waits longer than its
// check interval, so a suspend across midnight is noticed soon after the resume.
#include <gtest/gtest.h>

#include "core/time.h"
#include "parse/line_parser.h"
#include "rollup/daily_close.h"

namespace cu {
namespace {

using std::chrono::milliseconds;

std::int64_t ms(const char* text) {
  std::int64_t value = 0;
  EXPECT_TRUE(parse_timestamp_ms(text, value)) << text;
  return value;
}

// A wall clock that moves only when told: set() is a suspend, a resume or a clock step.
class FakeWallClock final : public WallClock {
 public:
  explicit FakeWallClock(std::int64_t now) : now_(now) {}
  std::int64_t now_ms() const override { return now_; }
  void set(std::int64_t now) { now_ = now; }
  void advance(milliseconds by) { now_ += by.count(); }

 private:
  std::int64_t now_;
};

TEST(DailyCloseTest, ClosesOnceAtTheFirstPollAfterMidnight) {
  const Calendar berlin("Europe/Berlin");
  FakeWallClock clock(ms("2026-05-04T21:59:59.000Z"));  // 23:59:59 CEST
  DailyClose close(berlin, clock);
  EXPECT_EQ(close.poll(), std::nullopt);
  EXPECT_EQ(close.next_check(), milliseconds(1001));
  clock.advance(close.next_check());
  EXPECT_EQ(close.poll(), "2026-05-05");
  EXPECT_EQ(close.poll(), std::nullopt);
}

TEST(DailyCloseTest, ASuspendAcrossMidnightClosesAtTheNextTick) {
  const Calendar berlin("Europe/Berlin");
  FakeWallClock clock(ms("2026-05-04T18:00:00.000Z"));  // 20:00: midnight is four hours away
  DailyClose close(berlin, clock, milliseconds(60'000));
  // The wait is bounded by the check interval, not the time to midnight: the steady clock that
  // times it stops while the machine sleeps.
  EXPECT_EQ(close.next_check(), milliseconds(60'000));
  EXPECT_EQ(close.poll(), std::nullopt);
  clock.set(ms("2026-05-05T05:30:00.000Z"));  // resumed at 07:30 the next morning
  EXPECT_EQ(close.poll(), "2026-05-05");
  EXPECT_EQ(close.poll(), std::nullopt);
}

TEST(DailyCloseTest, SeveralDaysAsleepMakeOneClose) {
  const Calendar utc("UTC");
  FakeWallClock clock(ms("2026-05-04T12:00:00.000Z"));
  DailyClose close(utc, clock);
  clock.set(ms("2026-05-08T09:00:00.000Z"));
  EXPECT_EQ(close.poll(), "2026-05-08");
  EXPECT_EQ(close.poll(), std::nullopt);
}

TEST(DailyCloseTest, AClockSetBackDoesNotCloseAndClosesAgainAtTheNextMidnight) {
  const Calendar utc("UTC");
  FakeWallClock clock(ms("2026-05-05T00:10:00.000Z"));
  DailyClose close(utc, clock);
  clock.set(ms("2026-05-04T23:59:00.000Z"));
  EXPECT_EQ(close.poll(), std::nullopt);
  clock.set(ms("2026-05-05T00:00:00.500Z"));
  EXPECT_EQ(close.poll(), "2026-05-05");
}

TEST(DailyCloseTest, FollowsDstDays) {
  const Calendar berlin("Europe/Berlin");
  // 2026-03-29 has 23 hours: its midnight is 22:00 UTC (CEST), the day before's 23:00 UTC (CET).
  FakeWallClock clock(ms("2026-03-29T21:59:59.900Z"));
  DailyClose close(berlin, clock);
  EXPECT_EQ(close.next_check(), milliseconds(101));
  clock.advance(milliseconds(99));  // 23:59:59.999
  EXPECT_EQ(close.poll(), std::nullopt);
  clock.advance(milliseconds(1));  // midnight itself begins the day
  EXPECT_EQ(close.poll(), "2026-03-30");
  // 2026-10-25 has 25 hours: 01:00 CEST..02:00 CET is lived twice, without a close in between.
  clock.set(ms("2026-10-24T23:30:00.000Z"));  // 01:30 CEST on the 25th
  EXPECT_EQ(close.poll(), "2026-10-25");
  clock.set(ms("2026-10-25T00:30:00.000Z"));  // 02:30 CEST, then 02:30 CET an hour later
  EXPECT_EQ(close.poll(), std::nullopt);
  clock.set(ms("2026-10-25T01:30:00.000Z"));
  EXPECT_EQ(close.poll(), std::nullopt);
  clock.set(ms("2026-10-25T22:59:59.000Z"));  // 23:59:59 CET
  EXPECT_EQ(close.next_check(), milliseconds(1001));
  clock.advance(close.next_check());
  EXPECT_EQ(close.poll(), "2026-10-26");
}

TEST(DailyCloseTest, AMidnightSkippedByDstClosesAtTheTransition) {
  // Sao Paulo, 2018-11-04: clocks went from 00:00 to 01:00, so that day began at 01:00 (-02).
  const Calendar sao_paulo("America/Sao_Paulo");
  FakeWallClock clock(ms("2018-11-04T02:59:59.500Z"));  // 23:59:59.5 on the 3rd (-03)
  DailyClose close(sao_paulo, clock);
  EXPECT_EQ(close.next_check(), milliseconds(501));
  clock.advance(close.next_check());
  EXPECT_EQ(close.poll(), "2018-11-04");
}

}  // namespace
}  // namespace cu
