// Delay levels (SCHEDULE_TOPIC_XXXX) and timer messages (rmq_sys_wheel_timer) through a real
// broker: parked until due, then delivered to the real topic with their properties, once,
// also across restarts; timers beyond the horizon refused.
#include <gtest/gtest.h>

#include "engine/base/clock.h"
#include "engine/delay_levels.h"
#include "server/broker/reroute_services.h"
#include "server/broker/schedule_service.h"
#include "server/broker/timer_service.h"
#include "server/remoting/codes.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/server/broker/reroute_test_util.h"

namespace tern::broker {
namespace {

namespace code = remoting::response;
using testing::BrokerTestCluster;
using testing::Props;
using testing::QueueSize;
using testing::ReadQueue;
using testing::StoredMessage;
using testing::WaitUntil;

std::string Field(const net::Response& r, const std::string& name) {
  const std::string* v = r.command.Field(name);
  return v == nullptr ? "<absent>" : *v;
}

std::map<std::string, std::string> FastSettings(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> s = {{"messageDelayLevel", "1s 3s"},
                                          {"flushDelayOffsetInterval", "50"}};
  s.insert(extra.begin(), extra.end());
  return s;
}

TEST(DelayE2E, ALevelMessageIsParkedUntilDueThenDeliveredWithItsProperties) {
  BrokerTestCluster c(FastSettings());
  engine::MessageStore& store = c.broker().store();
  ASSERT_EQ(c.Send("DelayT", "warm", Props({{"TAGS", "W"}}), 1).command.code, code::kSuccess);
  const auto sent_at = std::chrono::steady_clock::now();
  net::Response s = c.Send(
      "DelayT", "later",
      Props({{"TAGS", "A"}, {"KEYS", "k1"}, {"UNIQ_KEY", "U1"}, {"WAIT", "true"}, {"DELAY", "1"}}),
      1);
  ASSERT_EQ(s.command.code, code::kSuccess) << s.command.remark.value_or("");
  EXPECT_EQ(Field(s, "queueId"), "1");      // the requested queue
  EXPECT_EQ(Field(s, "queueOffset"), "0");  // its offset in SCHEDULE_TOPIC_XXXX queue 0
  c.WaitDispatched();
  ASSERT_EQ(QueueSize(store, "SCHEDULE_TOPIC_XXXX", 0), 1);
  std::vector<StoredMessage> parked = ReadQueue(store, "SCHEDULE_TOPIC_XXXX", 0);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].physical_offset, testing::PhysicalOffsetOf(Field(s, "msgId")));
  EXPECT_EQ(parked[0].Property("REAL_TOPIC"), "DelayT");
  EXPECT_EQ(parked[0].Property("REAL_QID"), "1");
  if (std::chrono::steady_clock::now() - sent_at < std::chrono::milliseconds(800)) {
    EXPECT_EQ(QueueSize(store, "DelayT", 1), 1) << "delivered before it was due";
  }

  ASSERT_TRUE(WaitUntil([&] { return QueueSize(store, "DelayT", 1) == 2; }));
  std::vector<StoredMessage> got = ReadQueue(store, "DelayT", 1);
  ASSERT_EQ(got.size(), 2u);
  const StoredMessage& m = got[1];
  EXPECT_EQ(m.body, "later");
  EXPECT_GE(m.store_timestamp, parked[0].store_timestamp + 1000);
  EXPECT_EQ(m.born_timestamp, parked[0].born_timestamp);
  EXPECT_EQ(m.Property("TAGS"), "A");
  EXPECT_EQ(m.Property("KEYS"), "k1");
  EXPECT_EQ(m.Property("UNIQ_KEY"), "U1");
  EXPECT_EQ(m.Property("CLUSTER"), "DefaultCluster");
  EXPECT_EQ(m.Property("DELAY"), std::nullopt);
  // A tag subscription finds it: the ConsumeQueue unit carries the TAGS hash again.
  net::Response p = c.CallBroker(remoting::request::kPullMessage, {{"consumerGroup", "CG"},
                                                                   {"topic", "DelayT"},
                                                                   {"queueId", "1"},
                                                                   {"queueOffset", "0"},
                                                                   {"maxMsgNums", "32"},
                                                                   {"sysFlag", "6"},
                                                                   {"commitOffset", "0"},
                                                                   {"suspendTimeoutMillis", "0"},
                                                                   {"subscription", "A"},
                                                                   {"subVersion", "1"}});
  ASSERT_EQ(p.command.code, code::kSuccess);
  const engine::DecodeResult d = engine::DecodeRecord(AsBytes(p.body), engine::CrcCheck::kVerify);
  ASSERT_EQ(d.status, engine::DecodeStatus::kRecord);
  EXPECT_EQ(AsChars(d.record.body), "later");
  // The progress moved past it.
  EXPECT_TRUE(WaitUntil([&] { return c.broker().reroute().schedule().Offsets()[1] == 1; }));
}

TEST(DelayE2E, LevelsAboveTheHighestAreClamped) {
  BrokerTestCluster c(FastSettings());
  ASSERT_EQ(c.Send("DelayT", "x", Props({{"DELAY", "17"}}), 0).command.code, code::kSuccess);
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(c.broker().store(), "SCHEDULE_TOPIC_XXXX", 1), 1);  // level 2 of 2
  std::vector<StoredMessage> parked = ReadQueue(c.broker().store(), "SCHEDULE_TOPIC_XXXX", 1);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].Property("DELAY"), "2");
}

TEST(DelayE2E, PendingDelayedMessagesSurviveRestartsAndAreDeliveredOnce) {
  BrokerTestCluster c(FastSettings());
  // Delivered before a restart: not again after it.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(c.Send("DelayR", "a" + std::to_string(i), Props({{"DELAY", "1"}}), 0).command.code,
              code::kSuccess);
  }
  ASSERT_TRUE(WaitUntil([&] { return QueueSize(c.broker().store(), "DelayR", 0) == 3; }));
  // Pending across a restart (3 s level): delivered after it.
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(c.Send("DelayR", "b" + std::to_string(i), Props({{"DELAY", "2"}}), 0).command.code,
              code::kSuccess);
  }
  c.RestartBroker();
  engine::MessageStore& store = c.broker().store();
  ASSERT_TRUE(WaitUntil([&] { return QueueSize(store, "DelayR", 0) >= 7; }));
  // Every unit of both levels was handled: nothing more can come.
  ASSERT_TRUE(WaitUntil([&] {
    std::map<int32_t, int64_t> o = c.broker().reroute().schedule().Offsets();
    return o[1] == QueueSize(store, "SCHEDULE_TOPIC_XXXX", 0) &&
           o[2] == QueueSize(store, "SCHEDULE_TOPIC_XXXX", 1);
  }));
  std::multiset<std::string> bodies;
  for (const StoredMessage& m : ReadQueue(store, "DelayR", 0)) bodies.insert(m.body);
  EXPECT_EQ(bodies, (std::multiset<std::string>{"a0", "a1", "a2", "b0", "b1", "b2", "b3"}));
}

TEST(TimerE2E, TimerPropertiesDeliverAtTheRequestedTime) {
  BrokerTestCluster c(FastSettings());
  engine::MessageStore& store = c.broker().store();
  const int64_t now = NowMillis();
  const int64_t at = now + 1500;
  ASSERT_EQ(
      c.Send("TimerT", "ons", Props({{"__STARTDELIVERTIME", std::to_string(at)}}), 0).command.code,
      code::kSuccess);
  ASSERT_EQ(
      c.Send("TimerT", "rmq5-ms", Props({{"TIMER_DELIVER_MS", std::to_string(now + 1200)}}), 0)
          .command.code,
      code::kSuccess);
  net::Response s =
      c.Send("TimerT", "rmq5-sec", Props({{"TIMER_DELAY_SEC", "1"}, {"TAGS", "T"}}), 0);
  ASSERT_EQ(s.command.code, code::kSuccess);
  // Due already: an ordinary message, stored in the topic at once.
  net::Response past = c.Send("TimerT", "past", Props({{"__STARTDELIVERTIME", "1000"}}), 0);
  ASSERT_EQ(past.command.code, code::kSuccess);
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(store, "rmq_sys_wheel_timer", 0), 3);
  std::vector<StoredMessage> parked = ReadQueue(store, "rmq_sys_wheel_timer", 0);
  ASSERT_EQ(parked.size(), 3u);
  EXPECT_EQ(parked[0].Property("TIMER_OUT_MS"), std::to_string(at));
  EXPECT_EQ(parked[2].Property("REAL_TOPIC"), "TimerT");

  ASSERT_TRUE(WaitUntil([&] { return QueueSize(store, "TimerT", 0) == 4; }));
  std::vector<StoredMessage> got = ReadQueue(store, "TimerT", 0);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].body, "past");
  std::map<std::string, StoredMessage> by_body;
  for (const StoredMessage& m : got) by_body[m.body] = m;
  EXPECT_GE(by_body["ons"].store_timestamp, at);
  EXPECT_GE(by_body["rmq5-ms"].store_timestamp, now + 1200);
  // TIMER_DELAY_SEC counts from when the broker took the send (before the parked copy's store
  // timestamp): due = TIMER_OUT_MS of the parked copy, at least 1 s after `now`.
  const int64_t sec_due = std::stoll(parked[2].Property("TIMER_OUT_MS").value_or("0"));
  EXPECT_GE(sec_due, now + 1000);
  EXPECT_GE(by_body["rmq5-sec"].store_timestamp, sec_due);
  EXPECT_EQ(by_body["rmq5-sec"].Property("TAGS"), "T");
  EXPECT_EQ(by_body["rmq5-sec"].Property("REAL_TOPIC"), std::nullopt);
  EXPECT_TRUE(by_body["rmq5-sec"].Property("TIMER_OUT_MS").has_value());
  EXPECT_TRUE(WaitUntil([&] { return c.broker().reroute().timer().pending() == 0; }));
}

TEST(TimerE2E, TimerMessagesSurviveRestartsAndAreDeliveredOnce) {
  BrokerTestCluster c(FastSettings());
  ASSERT_EQ(c.Send("TimerR", "early", Props({{"TIMER_DELAY_SEC", "1"}}), 0).command.code,
            code::kSuccess);
  ASSERT_TRUE(WaitUntil([&] { return QueueSize(c.broker().store(), "TimerR", 0) == 1; }));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(c.Send("TimerR", "late" + std::to_string(i), Props({{"TIMER_DELAY_SEC", "3"}}), 0)
                  .command.code,
              code::kSuccess);
  }
  c.RestartBroker();
  EXPECT_GT(c.broker().reroute().timer().pending() + QueueSize(c.broker().store(), "TimerR", 0),
            1u);
  ASSERT_TRUE(WaitUntil([&] { return QueueSize(c.broker().store(), "TimerR", 0) >= 4; }));
  ASSERT_TRUE(WaitUntil([&] { return c.broker().reroute().timer().pending() == 0; }));
  // One more restart with nothing pending: nothing is delivered again.
  c.RestartBroker();
  EXPECT_EQ(c.broker().reroute().timer().pending(), 0u);
  std::multiset<std::string> bodies;
  for (const StoredMessage& m : ReadQueue(c.broker().store(), "TimerR", 0)) bodies.insert(m.body);
  EXPECT_EQ(bodies, (std::multiset<std::string>{"early", "late0", "late1", "late2"}));
}

TEST(TimerE2E, BeyondTheHorizonOrUnparsableIsRefused) {
  BrokerTestCluster c(FastSettings({{"timerMaxDelaySec", "10"}}));
  struct Case {
    std::string props;
    std::string remark;
  };
  const std::vector<Case> cases = {
      {Props({{"TIMER_DELAY_SEC", "11"}}), "timerMaxDelaySec"},
      {Props({{"__STARTDELIVERTIME", std::to_string(NowMillis() + 60000)}}), "timerMaxDelaySec"},
      {Props({{"TIMER_DELIVER_MS", "tomorrow"}}), "not a number"},
      {Props({{"DELAY", "soon"}}), "delay level"},
  };
  for (const Case& k : cases) {
    net::Response r = c.Send("TimerH", "x", k.props, 0);
    EXPECT_EQ(r.command.code, code::kMessageIllegal) << k.props;
    EXPECT_NE(r.command.remark.value_or("").find(k.remark), std::string::npos)
        << r.command.remark.value_or("");
  }
  EXPECT_EQ(c.Send("TimerH", "ok", Props({{"TIMER_DELAY_SEC", "10"}}), 0).command.code,
            code::kSuccess);
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(c.broker().store(), "rmq_sys_wheel_timer", 0), 1);
  EXPECT_EQ(QueueSize(c.broker().store(), "TimerH", 0), 0);
}

}  // namespace
}  // namespace tern::broker
