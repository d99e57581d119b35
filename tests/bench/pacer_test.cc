// RatePacer: the schedule math of open-loop pacing (no wall-clock timing is asserted).
#include "bench/load/pacer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

namespace tern::load {
namespace {

using Clock = RatePacer::Clock;
using std::chrono::microseconds;
using std::chrono::nanoseconds;

const Clock::time_point kStart = Clock::time_point() + std::chrono::hours(1);

TEST(RatePacer, SlotKIsDueAtStartPlusKOverRate) {
  RatePacer p(10000, kStart);  // one every 100 µs
  ASSERT_TRUE(p.paced());
  EXPECT_EQ(p.SlotTime(0), kStart);
  EXPECT_EQ(p.SlotTime(1), kStart + microseconds(100));
  EXPECT_EQ(p.SlotTime(10000), kStart + std::chrono::seconds(1));
  // Computed from k, not accumulated: no drift after a billion slots.
  EXPECT_EQ(p.SlotTime(1000000000), kStart + std::chrono::seconds(100000));
}

TEST(RatePacer, FractionalIntervalsRoundToTheNearestNanosecond) {
  RatePacer p(3, kStart);  // 333,333,333.3 ns
  EXPECT_EQ(p.SlotTime(1), kStart + nanoseconds(333333333));
  EXPECT_EQ(p.SlotTime(2), kStart + nanoseconds(666666667));
  EXPECT_EQ(p.SlotTime(3), kStart + std::chrono::seconds(1));
}

TEST(RatePacer, ClaimsAreConsecutiveAndDueAtTheirSlot) {
  RatePacer p(1000, kStart);
  for (uint64_t k = 0; k < 5; ++k) {
    const RatePacer::Claim c = p.Next();
    EXPECT_EQ(c.first_slot, k);
    EXPECT_EQ(c.slots, 1u);
    EXPECT_EQ(c.due, kStart + std::chrono::milliseconds(k));
  }
  EXPECT_EQ(p.claimed(), 5u);
}

TEST(RatePacer, ABatchIsDueWhenItsLastMessageIs) {
  RatePacer p(1000, kStart);
  const RatePacer::Claim a = p.Next(64);
  EXPECT_EQ(a.first_slot, 0u);
  EXPECT_EQ(a.slots, 64u);
  EXPECT_EQ(a.due, kStart + std::chrono::milliseconds(63));
  const RatePacer::Claim b = p.Next(64);
  EXPECT_EQ(b.first_slot, 64u);
  EXPECT_EQ(b.due, kStart + std::chrono::milliseconds(127));
}

TEST(RatePacer, UnpacedHandsOutSlotsWithNoSchedule) {
  RatePacer p(0, kStart);
  EXPECT_FALSE(p.paced());
  const RatePacer::Claim c = p.Next(3);
  EXPECT_EQ(c.first_slot, 0u);
  EXPECT_EQ(c.due, Clock::time_point::min());
  EXPECT_EQ(p.Next().first_slot, 3u);
}

TEST(RatePacer, ALateSenderFindsItsSlotsAlreadyDue) {
  // Coordinated omission: the schedule does not move when a sender stalls, so after a stall
  // the next claims are all in the past (sent at once, latency counted from their slot).
  RatePacer p(1000, kStart);
  const Clock::time_point after_stall = kStart + std::chrono::milliseconds(50);
  int overdue = 0;
  for (int i = 0; i < 60; ++i) overdue += p.Next().due < after_stall ? 1 : 0;
  EXPECT_EQ(overdue, 50);
}

TEST(RatePacer, ConcurrentClaimsNeverShareASlot) {
  RatePacer p(1e6, kStart);
  constexpr int kThreads = 4;
  constexpr int kClaims = 20000;
  std::vector<std::vector<uint64_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&p, &got, t] {
      for (int i = 0; i < kClaims; ++i) got[t].push_back(p.Next(t + 1).first_slot);
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // [first, first + n)
  for (int t = 0; t < kThreads; ++t) {
    for (uint64_t first : got[t]) ranges.push_back({first, first + t + 1});
  }
  std::sort(ranges.begin(), ranges.end());
  uint64_t next = 0;
  for (const auto& [first, end] : ranges) {
    EXPECT_EQ(first, next);
    next = end;
  }
  EXPECT_EQ(next, p.claimed());
}

TEST(SleepUntil, ReturnsAtOnceForAPastTimeAndFalseWhenStopped) {
  std::atomic<bool> stop{false};
  EXPECT_TRUE(SleepUntil(Clock::now() - std::chrono::seconds(1), stop));
  stop.store(true);
  EXPECT_FALSE(SleepUntil(Clock::now() + std::chrono::hours(1), stop));
}

}  // namespace
}  // namespace tern::load
