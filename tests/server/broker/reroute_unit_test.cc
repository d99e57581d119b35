// The pure pieces of message re-routing: which sends are delayed and how, property edits, the
// timer wheel, the timer progress record, the op-record body.
#include <gtest/gtest.h>

#include "server/broker/delay_route.h"
#include "server/broker/reput.h"
#include "server/broker/timer_wheel.h"
#include "server/broker/transaction_service.h"
#include "tests/server/broker/reroute_test_util.h"

namespace tern::broker {
namespace {

using testing::Props;
using Kind = DelayDecision::Kind;

constexpr int64_t kNow = 1700000000000;
constexpr int64_t kHorizon = 3 * 24 * 3600 * 1000LL;

DelayDecision Classify(const std::string& props) {
  absl::StatusOr<DelayDecision> d = ClassifyDelay(props, kNow, 18, kHorizon);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : DelayDecision{};
}

TEST(ClassifyDelay, DelayLevelsAreClampedAndWinOverTimers) {
  EXPECT_EQ(Classify(Props({{"DELAY", "3"}})).level, 3);
  EXPECT_EQ(Classify(Props({{"DELAY", "3"}})).kind, Kind::kLevel);
  EXPECT_EQ(Classify(Props({{"DELAY", "99"}})).level, 18);
  EXPECT_EQ(Classify(Props({{"DELAY", "0"}})).kind, Kind::kNone);
  EXPECT_EQ(Classify(Props({{"DELAY", "-1"}})).kind, Kind::kNone);
  EXPECT_EQ(Classify(Props({{"TIMER_DELAY_SEC", "5"}, {"DELAY", "2"}})).kind, Kind::kLevel);
  EXPECT_EQ(Classify(Props({{"TAGS", "A"}})).kind, Kind::kNone);
  EXPECT_EQ(Classify("").kind, Kind::kNone);
}

TEST(ClassifyDelay, TimerPropertiesGiveAnAbsoluteTime) {
  DelayDecision d = Classify(Props({{"TIMER_DELAY_SEC", "5"}}));
  EXPECT_EQ(d.kind, Kind::kTimer);
  EXPECT_EQ(d.deliver_ms, kNow + 5000);
  d = Classify(Props({{"TIMER_DELIVER_MS", std::to_string(kNow + 1234)}}));
  EXPECT_EQ(d.kind, Kind::kTimer);
  EXPECT_EQ(d.deliver_ms, kNow + 1234);
  d = Classify(Props({{"__STARTDELIVERTIME", std::to_string(kNow + 60000)}}));
  EXPECT_EQ(d.kind, Kind::kTimer);
  EXPECT_EQ(d.deliver_ms, kNow + 60000);
  // TIMER_DELAY_SEC, then TIMER_DELIVER_MS, then __STARTDELIVERTIME.
  d = Classify(Props({{"__STARTDELIVERTIME", std::to_string(kNow + 60000)},
                      {"TIMER_DELIVER_MS", std::to_string(kNow + 2000)},
                      {"TIMER_DELAY_SEC", "1"}}));
  EXPECT_EQ(d.deliver_ms, kNow + 1000);
}

TEST(ClassifyDelay, DueTimesAndDeliveredTimerMessagesAreNotDelayed) {
  EXPECT_EQ(Classify(Props({{"TIMER_DELIVER_MS", std::to_string(kNow)}})).kind, Kind::kNone);
  EXPECT_EQ(Classify(Props({{"__STARTDELIVERTIME", "1"}})).kind, Kind::kNone);
  EXPECT_EQ(Classify(Props({{"TIMER_DELAY_SEC", "0"}})).kind, Kind::kNone);
  EXPECT_EQ(Classify(Props({{"TIMER_DELAY_SEC", "-5"}})).kind, Kind::kNone);
  EXPECT_EQ(Classify(Props({{"TIMER_DELAY_SEC", "5"}, {"TIMER_OUT_MS", "1"}})).kind, Kind::kNone);
}

TEST(ClassifyDelay, RefusesGarbageAndTimesBeyondTheHorizon) {
  for (const std::string& p :
       {Props({{"DELAY", "x"}}), Props({{"DELAY", "99999999999"}}),
        Props({{"TIMER_DELAY_SEC", "1.5"}}), Props({{"TIMER_DELIVER_MS", "soon"}}),
        Props({{"TIMER_DELAY_SEC", std::to_string(kHorizon / 1000 + 1)}}),
        Props({{"TIMER_DELAY_SEC", "9223372036854775807"}}),
        Props({{"__STARTDELIVERTIME", std::to_string(kNow + kHorizon + 1)}})}) {
    absl::StatusOr<DelayDecision> d = ClassifyDelay(p, kNow, 18, kHorizon);
    EXPECT_TRUE(absl::IsInvalidArgument(d.status())) << p;
  }
  EXPECT_EQ(Classify(Props({{"__STARTDELIVERTIME", std::to_string(kNow + kHorizon)}})).kind,
            Kind::kTimer);
}

TEST(EditProperties, KeepsOrderReplacesAndRemoves) {
  const std::string in = Props({{"A", "1"}, {"DELAY", "3"}, {"B", "2"}});
  EXPECT_EQ(EditProperties(in, {}, {"DELAY"}), Props({{"A", "1"}, {"B", "2"}}));
  EXPECT_EQ(EditProperties(in, {{"A", "9"}, {"C", "3"}}),
            Props({{"DELAY", "3"}, {"B", "2"}, {"A", "9"}, {"C", "3"}}));
  // The 4.9 form (no final separator) is read and written back in 4.8's.
  EXPECT_EQ(EditProperties("A\x01"
                           "1\x02"
                           "B\x01"
                           "2",
                           {}),
            Props({{"A", "1"}, {"B", "2"}}));
  EXPECT_EQ(ScheduleProperties(Props({{"TAGS", "t"}}), "T", 2, 5),
            Props({{"TAGS", "t"}, {"REAL_TOPIC", "T"}, {"REAL_QID", "2"}, {"DELAY", "5"}}));
  EXPECT_EQ(TimerProperties("", "T", 0, 42),
            Props({{"TIMER_OUT_MS", "42"}, {"REAL_TOPIC", "T"}, {"REAL_QID", "0"}}));
}

TEST(ParseDecimal, AcceptsOnlyCanonicalLongs) {
  EXPECT_EQ(ParseDecimal("17"), 17);
  EXPECT_EQ(ParseDecimal("-3"), -3);
  EXPECT_EQ(ParseDecimal(""), std::nullopt);
  EXPECT_EQ(ParseDecimal("1x"), std::nullopt);
  EXPECT_EQ(ParseDecimal("99999999999999999999"), std::nullopt);
  EXPECT_EQ(ParseOpBody("12"), 12);
  EXPECT_EQ(ParseOpBody("-1"), std::nullopt);
}

TEST(TimerWheel, PopsDueEntriesInTimeOrderAndTracksTheLowestOffset) {
  TimerWheel w;
  w.Add({5000, 3, 300});
  w.Add({1500, 1, 100});
  w.Add({1200, 2, 200});
  w.Add({99000, 0, 0});
  EXPECT_EQ(w.size(), 4u);
  EXPECT_EQ(w.NextDue(), 1200);
  EXPECT_EQ(w.MinQueueOffset(), 0);
  EXPECT_TRUE(w.PopDue(1100, 10).empty());
  std::vector<TimerWheel::Entry> due = w.PopDue(1300, 10);
  ASSERT_EQ(due.size(), 1u);  // 1500 shares the slot but is not due
  EXPECT_EQ(due[0].queue_offset, 2);
  EXPECT_EQ(w.NextDue(), 1500);
  due = w.PopDue(6000, 1);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].deliver_ms, 1500);
  due = w.PopDue(6000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].deliver_ms, 5000);
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.MinQueueOffset(), 0);
  EXPECT_EQ(w.PopDue(100000, 10).size(), 1u);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.NextDue(), std::nullopt);
  EXPECT_EQ(w.MinQueueOffset(), std::nullopt);
}

TEST(TimerWheel, NegativeAndEqualTimes) {
  TimerWheel w;
  w.Add({-1500, 7, 0});
  w.Add({-1500, 6, 0});
  w.Add({0, 5, 0});
  std::vector<TimerWheel::Entry> due = w.PopDue(-1, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].queue_offset, 6);
  EXPECT_EQ(due[1].queue_offset, 7);
  EXPECT_EQ(w.MinQueueOffset(), 5);
}

TEST(TimerProgress, RoundTripsAndRejectsNonsense) {
  TimerProgress p{.delivered_up_to = kNow, .ingest_offset = 40, .scan_offset = 12};
  absl::StatusOr<TimerProgress> back = TimerProgress::Decode(p.Encode());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, p);
  EXPECT_TRUE(TimerProgress::Decode("{}").ok());
  EXPECT_FALSE(TimerProgress::Decode("[]").ok());
  EXPECT_FALSE(TimerProgress::Decode("{\"scanOffset\":5,\"ingestOffset\":4}").ok());
  EXPECT_FALSE(TimerProgress::Decode("{\"scanOffset\":\"x\"}").ok());
  EXPECT_FALSE(TimerProgress::Decode("").ok());
}

}  // namespace
}  // namespace tern::broker
