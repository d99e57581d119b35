// Retry and dead letters through a real broker: CONSUMER_SEND_MSG_BACK (36) schedules the
// message on %RETRY%<group> with Java's bookkeeping, or moves it to %DLQ%<group>; plain sends
// to %RETRY%<group> (the clients' fallback) follow the same limits.
#include <gtest/gtest.h>

#include "engine/commit_log_format.h"
#include "server/broker/topic_config_manager.h"
#include "server/remoting/codes.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/server/broker/reroute_test_util.h"

namespace tern::broker {
namespace {

namespace code = remoting::response;
namespace req = remoting::request;
using testing::BrokerTestCluster;
using testing::PhysicalOffsetOf;
using testing::Props;
using testing::QueueSize;
using testing::ReadQueue;
using testing::StoredMessage;
using testing::WaitUntil;

std::map<std::string, std::string> FastLevels(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> s = {{"messageDelayLevel", "1s 1s 1s 1s 1s 1s"}};
  s.insert(extra.begin(), extra.end());
  return s;
}

std::string Field(const net::Response& r, const std::string& name) {
  const std::string* v = r.command.Field(name);
  return v == nullptr ? "<absent>" : *v;
}

net::Response SendBack(BrokerTestCluster& c, int64_t offset, const std::string& group,
                       int delay_level, std::optional<int> max_times = std::nullopt,
                       int32_t version = 373) {
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kConsumerSendMsgBack, 0);
  cmd.version = version;
  remoting::ExtFields& f = cmd.MutableFields();
  f.Set("offset", std::to_string(offset));
  f.Set("group", group);
  f.Set("delayLevel", std::to_string(delay_level));
  f.Set("originMsgId", "ignored");
  f.Set("unitMode", "false");
  if (max_times) f.Set("maxReconsumeTimes", std::to_string(*max_times));
  absl::StatusOr<net::Response> r =
      c.client().InvokeSync(c.broker_addr(), std::move(cmd), "", std::chrono::seconds(5));
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : net::Response{};
}

TEST(RetryE2E, SendBackSchedulesTheMessageOnTheRetryTopicWithJavasBookkeeping) {
  BrokerTestCluster c(FastLevels());
  engine::MessageStore& store = c.broker().store();
  net::Response s =
      c.Send("OrderT", "payload", Props({{"TAGS", "A"}, {"KEYS", "k"}, {"UNIQ_KEY", "U1"}}), 0);
  ASSERT_EQ(s.command.code, code::kSuccess);
  const int64_t original = PhysicalOffsetOf(Field(s, "msgId"));

  net::Response r = SendBack(c, original, "CG", 0, 16);
  ASSERT_EQ(r.command.code, code::kSuccess) << r.command.remark.value_or("");
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(store, "SCHEDULE_TOPIC_XXXX", 2), 1);  // 3 + reconsumeTimes(0)
  ASSERT_TRUE(WaitUntil([&] { return QueueSize(store, "%RETRY%CG", 0) == 1; }));
  std::vector<StoredMessage> got = ReadQueue(store, "%RETRY%CG", 0);
  ASSERT_EQ(got.size(), 1u);
  StoredMessage m = got[0];
  EXPECT_EQ(m.body, "payload");
  EXPECT_EQ(m.reconsume_times, 1);
  EXPECT_EQ(m.Property("RETRY_TOPIC"), "OrderT");
  EXPECT_EQ(m.Property("ORIGIN_MESSAGE_ID"), Field(s, "msgId"));
  EXPECT_EQ(m.Property("UNIQ_KEY"), "U1");
  EXPECT_EQ(m.Property("TAGS"), "A");
  EXPECT_EQ(m.Property("WAIT"), "false");
  EXPECT_EQ(m.Property("DELAY"), std::nullopt);

  // Again: the retry copy goes back with the first topic and id kept, one more time.
  ASSERT_EQ(SendBack(c, m.physical_offset, "CG", 0, 16).command.code, code::kSuccess);
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(store, "SCHEDULE_TOPIC_XXXX", 3), 1);  // 3 + 1
  ASSERT_TRUE(WaitUntil([&] { return QueueSize(store, "%RETRY%CG", 0) == 2; }));
  m = ReadQueue(store, "%RETRY%CG", 0)[1];
  EXPECT_EQ(m.reconsume_times, 2);
  EXPECT_EQ(m.Property("RETRY_TOPIC"), "OrderT");
  EXPECT_EQ(m.Property("ORIGIN_MESSAGE_ID"), Field(s, "msgId"));

  // An explicit level is honoured (clamped to the highest).
  ASSERT_EQ(SendBack(c, original, "CG", 40, 16).command.code, code::kSuccess);
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(store, "SCHEDULE_TOPIC_XXXX", 5), 1);
}

TEST(RetryE2E, UsedUpOrRefusedRetriesGoToTheDeadLetterQueue) {
  BrokerTestCluster c(FastLevels());
  engine::MessageStore& store = c.broker().store();
  net::Response s = c.Send("OrderT", "m", Props({{"TAGS", "A"}}), 0);
  ASSERT_EQ(s.command.code, code::kSuccess);
  const int64_t original = PhysicalOffsetOf(Field(s, "msgId"));
  // maxReconsumeTimes 0: the first failure is already too many.
  ASSERT_EQ(SendBack(c, original, "CG", 0, 0).command.code, code::kSuccess);
  // delayLevel < 0: straight to the DLQ.
  ASSERT_EQ(SendBack(c, original, "CG", -1, 16).command.code, code::kSuccess);
  c.WaitDispatched();
  // %DLQ%CG exists with one queue and perm 2 (write-only), as Java 4.8 creates it.
  net::Response topics = c.CallBroker(req::kGetAllTopicConfig, {});
  ASSERT_EQ(topics.command.code, code::kSuccess);
  const size_t at = topics.body.find("\"%DLQ%CG\":{");
  ASSERT_NE(at, std::string::npos) << topics.body;
  const std::string dlq = topics.body.substr(at, topics.body.find('}', at) - at);
  EXPECT_NE(dlq.find("\"perm\":2"), std::string::npos) << dlq;
  EXPECT_NE(dlq.find("\"readQueueNums\":1"), std::string::npos) << dlq;
  std::vector<StoredMessage> dead = ReadQueue(store, "%DLQ%CG", 0);
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].reconsume_times, 1);
  EXPECT_EQ(dead[0].Property("RETRY_TOPIC"), "OrderT");
  EXPECT_EQ(dead[0].Property("DELAY"), std::nullopt);
  EXPECT_EQ(QueueSize(store, "SCHEDULE_TOPIC_XXXX", 2), 0);
  // Before V3_4_9 the client's limit is ignored: the group's 16 applies.
  ASSERT_EQ(SendBack(c, original, "CG", 0, 0, /*version=*/100).command.code, code::kSuccess);
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(store, "SCHEDULE_TOPIC_XXXX", 2), 1);
  EXPECT_EQ(QueueSize(store, "%DLQ%CG", 0), 2);
}

TEST(RetryE2E, RefusalsCarryJavasCodes) {
  BrokerTestCluster c(FastLevels({{"autoCreateSubscriptionGroup", "false"}}));
  net::Response s = c.Send("OrderT", "m", "", 0);
  ASSERT_EQ(s.command.code, code::kSuccess);
  net::Response r = SendBack(c, PhysicalOffsetOf(Field(s, "msgId")), "NoSuchGroup", 0, 16);
  EXPECT_EQ(r.command.code, code::kSubscriptionGroupNotExist);
  EXPECT_NE(r.command.remark.value_or("").find("subscription group not exist"), std::string::npos);
  net::Response direct = c.Send("%RETRY%NoSuchGroup", "m", "", 0);
  EXPECT_EQ(direct.command.code, code::kSubscriptionGroupNotExist);

  // A predefined group exists even without auto-create; a bad offset is refused.
  BrokerTestCluster d(FastLevels());
  r = SendBack(d, 987654321, "CG", 0, 16);
  EXPECT_EQ(r.command.code, code::kSystemError);
  EXPECT_NE(r.command.remark.value_or("").find("look message by offset failed"), std::string::npos);
  remoting::RemotingCommand bad = remoting::RemotingCommand::Request(req::kConsumerSendMsgBack, 0);
  bad.MutableFields().Set("group", "CG");
  absl::StatusOr<net::Response> missing =
      d.client().InvokeSync(d.broker_addr(), std::move(bad), "", std::chrono::seconds(5));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->command.code, code::kSystemError);
  EXPECT_NE(missing->command.remark.value_or("").find("offset"), std::string::npos);
}

// Java's fallback and ali-ons' send the message to %RETRY%<group> themselves: with the counts
// as header fields (Java) or as RECONSUME_TIME / MAX_RECONSUME_TIMES properties (ali-ons).
TEST(RetryE2E, PlainSendsToTheRetryTopicHonourTheLimits) {
  BrokerTestCluster c(FastLevels());
  engine::MessageStore& store = c.broker().store();
  // ali-ons: properties, no delay.
  net::Response r = c.Send(
      "%RETRY%CG", "fallback-1",
      Props({{"RECONSUME_TIME", "1"}, {"MAX_RECONSUME_TIMES", "3"}, {"RETRY_TOPIC", "OrderT"}}), 0);
  ASSERT_EQ(r.command.code, code::kSuccess) << r.command.remark.value_or("");
  r = c.Send("%RETRY%CG", "fallback-3",
             Props({{"RECONSUME_TIME", "3"}, {"MAX_RECONSUME_TIMES", "3"}, {"DELAY", "4"}}), 0);
  ASSERT_EQ(r.command.code, code::kSuccess);
  // Java: header fields j (reconsumeTimes) and l (maxReconsumeTimes), DELAY = 3 + n.
  net::Response j = c.CallBroker(req::kSendMessageV2,
                                 {{"a", "P"},
                                  {"b", "%RETRY%CG"},
                                  {"c", "TBW102"},
                                  {"d", "4"},
                                  {"e", "0"},
                                  {"f", "0"},
                                  {"g", "1"},
                                  {"h", "0"},
                                  {"i", Props({{"DELAY", "4"}})},
                                  {"j", "1"},
                                  {"l", "16"}},
                                 "java-1");
  ASSERT_EQ(j.command.code, code::kSuccess);
  j = c.CallBroker(req::kSendMessageV2,
                   {{"a", "P"},
                    {"b", "%RETRY%CG"},
                    {"c", "TBW102"},
                    {"d", "4"},
                    {"e", "0"},
                    {"f", "0"},
                    {"g", "1"},
                    {"h", "0"},
                    {"i", Props({{"DELAY", "4"}})},
                    {"j", "16"},
                    {"l", "16"}},
                   "java-16");
  ASSERT_EQ(j.command.code, code::kSuccess);
  c.WaitDispatched();
  std::vector<StoredMessage> dead = ReadQueue(store, "%DLQ%CG", 0);
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].body, "fallback-3");
  EXPECT_EQ(dead[0].reconsume_times, 3);
  EXPECT_EQ(dead[0].Property("DELAY"), std::nullopt);
  EXPECT_EQ(dead[1].body, "java-16");
  ASSERT_TRUE(WaitUntil([&] { return QueueSize(store, "%RETRY%CG", 0) == 2; }));
  std::vector<StoredMessage> retried = ReadQueue(store, "%RETRY%CG", 0);
  EXPECT_EQ(retried[0].body, "fallback-1");
  EXPECT_EQ(retried[0].reconsume_times, 1);
  EXPECT_EQ(retried[1].body, "java-1");
  EXPECT_EQ(retried[1].reconsume_times, 1);
  // Batches to a retry topic are refused, as Java.
  net::Response b = c.CallBroker(req::kSendBatchMessage,
                                 {{"a", "P"},
                                  {"b", "%RETRY%CG"},
                                  {"c", "TBW102"},
                                  {"d", "4"},
                                  {"e", "0"},
                                  {"f", "0"},
                                  {"g", "1"},
                                  {"h", "0"},
                                  {"m", "true"}},
                                 "");
  EXPECT_EQ(b.command.code, code::kMessageIllegal);
}

}  // namespace
}  // namespace tern::broker
