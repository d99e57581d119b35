// The broker over real loopback sockets, request code by request code, including every
// refusal. The name server runs in the same process; clients are raw RemotingCommands.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <mutex>

#include "engine/base/clock.h"
#include "engine/commit_log_codec.h"
#include "engine/properties.h"
#include "server/remoting/batch_body.h"
#include "server/remoting/codes.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::broker {
namespace {

namespace code = remoting::response;
namespace req = remoting::request;
using testing::BrokerTestCluster;

std::string Field(const net::Response& r, const std::string& name) {
  const std::string* v = r.command.Field(name);
  return v == nullptr ? "<absent>" : *v;
}

std::string Props(const std::string& tag, const std::string& keys) {
  std::string p;
  if (!tag.empty()) engine::AppendProperty(&p, "TAGS", tag);
  if (!keys.empty()) engine::AppendProperty(&p, "KEYS", keys);
  engine::AppendProperty(&p, "WAIT", "true");
  return p;
}

std::map<std::string, std::string> PullFields(const std::string& topic, int queue, int64_t offset,
                                              int sys_flag = 0x4 | 0x2, int64_t suspend = 0,
                                              const std::string& sub = "*") {
  return {{"consumerGroup", "CG"},
          {"topic", topic},
          {"queueId", std::to_string(queue)},
          {"queueOffset", std::to_string(offset)},
          {"maxMsgNums", "32"},
          {"sysFlag", std::to_string(sys_flag)},
          {"commitOffset", "0"},
          {"suspendTimeoutMillis", std::to_string(suspend)},
          {"subscription", sub},
          {"subVersion", "1"}};
}

std::vector<engine::RecordView> Records(const std::string& body) {
  std::vector<engine::RecordView> out;
  size_t pos = 0;
  while (pos < body.size()) {
    const engine::DecodeResult d = engine::DecodeRecord(AsBytes(std::string_view(body).substr(pos)),
                                                        engine::CrcCheck::kVerify);
    EXPECT_EQ(d.status, engine::DecodeStatus::kRecord);
    if (d.status != engine::DecodeStatus::kRecord) break;
    out.push_back(d.record);
    pos += d.record.raw.size();
  }
  return out;
}

TEST(BrokerE2E, SendAutoCreatesTopicAndPullReturnsTheStoredRecord) {
  BrokerTestCluster c;
  net::Response s = c.Send("OrderTopic", "hello", Props("TagA", "k1 k2"), 1);
  ASSERT_EQ(s.command.code, code::kSuccess) << s.command.remark.value_or("");
  EXPECT_EQ(Field(s, "queueId"), "1");
  EXPECT_EQ(Field(s, "queueOffset"), "0");
  EXPECT_EQ(Field(s, "MSG_REGION"), "DefaultRegion");
  EXPECT_EQ(Field(s, "TRACE_ON"), "true");
  absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(Field(s, "msgId"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->store_host.ToString(), c.broker_addr());

  // The auto-created topic is routed by the name server at once.
  net::Response route =
      c.Call(c.namesrv_addr(), req::kGetRouteinfoByTopic, {{"topic", "OrderTopic"}});
  EXPECT_EQ(route.command.code, code::kSuccess);
  EXPECT_NE(route.body.find(c.broker_addr()), std::string::npos) << route.body;

  c.WaitDispatched();
  net::Response p = c.CallBroker(req::kPullMessage, PullFields("OrderTopic", 1, 0));
  ASSERT_EQ(p.command.code, code::kSuccess) << p.command.remark.value_or("");
  EXPECT_EQ(Field(p, "nextBeginOffset"), "1");
  EXPECT_EQ(Field(p, "minOffset"), "0");
  EXPECT_EQ(Field(p, "maxOffset"), "1");
  EXPECT_EQ(Field(p, "suggestWhichBrokerId"), "0");
  std::vector<engine::RecordView> recs = Records(p.body);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(AsChars(recs[0].body), "hello");
  EXPECT_EQ(recs[0].physical_offset, id->offset.value());
  EXPECT_EQ(engine::FindProperty(recs[0].properties, "TAGS"), "TagA");
  EXPECT_EQ(engine::FindProperty(recs[0].properties, "CLUSTER"), "DefaultCluster");
  EXPECT_EQ(recs[0].born_host.ToString().substr(0, 10), "127.0.0.1:");
}

TEST(BrokerE2E, SendV1AndBatchShareTheSameStore) {
  BrokerTestCluster c;
  net::Response v1 = c.CallBroker(req::kSendMessage,
                                  {{"producerGroup", "P"},
                                   {"topic", "T1"},
                                   {"defaultTopic", "TBW102"},
                                   {"defaultTopicQueueNums", "4"},
                                   {"queueId", "0"},
                                   {"sysFlag", "0"},
                                   {"bornTimestamp", "1"},
                                   {"flag", "0"}},
                                  "v1");
  ASSERT_EQ(v1.command.code, code::kSuccess) << v1.command.remark.value_or("");
  std::vector<remoting::BatchRecord> recs(3);
  std::vector<std::string> props(3);
  for (int i = 0; i < 3; ++i) {
    engine::AppendProperty(&props[i], "UNIQ_KEY", "U" + std::to_string(i));
    recs[i].body = AsBytes("b");
    recs[i].properties = props[i];
  }
  absl::StatusOr<std::string> batch = remoting::EncodeBatchBody(recs);
  ASSERT_TRUE(batch.ok());
  net::Response b = c.CallBroker(req::kSendBatchMessage,
                                 {{"a", "P"},
                                  {"b", "T1"},
                                  {"c", "TBW102"},
                                  {"d", "4"},
                                  {"e", "0"},
                                  {"f", "0"},
                                  {"g", "1"},
                                  {"h", "0"},
                                  {"i", "WAIT\x01true\x02"},
                                  {"m", "true"}},
                                 *batch);
  ASSERT_EQ(b.command.code, code::kSuccess) << b.command.remark.value_or("");
  EXPECT_EQ(Field(b, "queueOffset"), "1");
  const std::string ids = Field(b, "msgId");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), ','), 2);
  c.WaitDispatched();
  net::Response p = c.CallBroker(req::kPullMessage, PullFields("T1", 0, 0));
  ASSERT_EQ(p.command.code, code::kSuccess);
  std::vector<engine::RecordView> got = Records(p.body);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(engine::FindProperty(got[2].properties, "UNIQ_KEY"), "U1");
  EXPECT_EQ(engine::FindProperty(got[2].properties, "CLUSTER"), "DefaultCluster");
  EXPECT_EQ(engine::FindProperty(got[2].properties, "WAIT"), "true");
}

TEST(BrokerE2E, SendRefusalsCarryTheRocketMqCodeAndARemark) {
  BrokerTestCluster c(std::map<std::string, std::string>{{"maxMessageSize", "1024"}});
  struct Case {
    std::string name;
    net::Response r;
    int32_t code;
    std::string remark_part;
  };
  std::vector<Case> cases;
  cases.push_back({"bad topic", c.Send("a/b", "x"), code::kSystemError, "invalid"});
  cases.push_back(
      {"system topic", c.Send("SCHEDULE_TOPIC_XXXX", "x"), code::kNoPermission, "forbidden"});
  cases.push_back(
      {"oversized", c.Send("T", std::string(2000, 'x')), code::kMessageIllegal, "maxMessageSize"});
  cases.push_back(
      {"timer topic", c.Send("rmq_sys_wheel_timer", "x"), code::kNoPermission, "forbidden"});
  cases.push_back({"bad delay level", c.Send("T", "x", "DELAY\x01soon\x02"), code::kMessageIllegal,
                   "delay level"});
  cases.push_back({"timer beyond the horizon",
                   c.Send("T", "x",
                          "TIMER_DELAY_SEC\x01"
                          "999999999\x02"),
                   code::kMessageIllegal, "timerMaxDelaySec"});
  cases.push_back({"bad queue", c.Send("T", "x", "", 99), code::kSystemError, "queueId[99]"});
  cases.push_back({"missing field",
                   c.CallBroker(req::kSendMessageV2, {{"a", "P"}, {"c", "TBW102"}}, "x"),
                   code::kSystemError, "'b'"});
  cases.push_back({"unknown code", c.CallBroker(999, {}), code::kRequestCodeNotSupported, "999"});
  cases.push_back({"no template",
                   c.CallBroker(req::kSendMessageV2,
                                {{"a", "P"},
                                 {"b", "Fresh"},
                                 {"c", "NoSuch"},
                                 {"d", "4"},
                                 {"e", "0"},
                                 {"f", "0"},
                                 {"g", "1"},
                                 {"h", "0"}},
                                "x"),
                   code::kTopicNotExist, "not exist"});
  for (const Case& k : cases) {
    EXPECT_EQ(k.r.command.code, k.code) << k.name;
    EXPECT_NE(k.r.command.remark.value_or("").find(k.remark_part), std::string::npos)
        << k.name << ": " << k.r.command.remark.value_or("<none>");
  }
  // Nothing refused was stored.
  EXPECT_EQ(c.broker().store().commit_log().max_offset(), 0);
}

TEST(BrokerE2E, PullStatusesMapToRocketMqCodes) {
  BrokerTestCluster c;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Send("PT", "m", Props("A", ""), 0).command.code, 0);
  c.WaitDispatched();
  net::Response beyond = c.CallBroker(req::kPullMessage, PullFields("PT", 0, 10, 0x4));
  EXPECT_EQ(beyond.command.code, code::kPullOffsetMoved);
  // RocketMQ: past the end of a queue that still starts at 0, start over from 0.
  EXPECT_EQ(Field(beyond, "nextBeginOffset"), "0");
  net::Response at_end = c.CallBroker(req::kPullMessage, PullFields("PT", 0, 3, 0x4));
  EXPECT_EQ(at_end.command.code, code::kPullNotFound);
  EXPECT_EQ(Field(at_end, "maxOffset"), "3");
  net::Response filtered =
      c.CallBroker(req::kPullMessage, PullFields("PT", 0, 0, 0x4, 0, "B || C"));
  EXPECT_EQ(filtered.command.code, code::kPullRetryImmediately);
  EXPECT_EQ(Field(filtered, "nextBeginOffset"), "3");
  net::Response empty_queue = c.CallBroker(req::kPullMessage, PullFields("PT", 2, 5, 0x4));
  EXPECT_EQ(empty_queue.command.code, code::kPullOffsetMoved);
  net::Response bad_queue = c.CallBroker(req::kPullMessage, PullFields("PT", 99, 0, 0x4));
  EXPECT_EQ(bad_queue.command.code, code::kSystemError);
  net::Response no_topic = c.CallBroker(req::kPullMessage, PullFields("Nope", 0, 0, 0x4));
  EXPECT_EQ(no_topic.command.code, code::kTopicNotExist);
  // Without the SUBSCRIPTION bit the group's heartbeat must have registered one.
  net::Response no_sub = c.CallBroker(req::kPullMessage, PullFields("PT", 0, 0, 0));
  EXPECT_EQ(no_sub.command.code, code::kSubscriptionNotExist);
}

TEST(BrokerE2E, LongPollIsAnsweredWhenAMatchingMessageArrives) {
  BrokerTestCluster c;
  ASSERT_EQ(c.Send("LP", "first", Props("A", ""), 0).command.code, 0);
  c.WaitDispatched();
  std::mutex mu;
  std::condition_variable cv;
  std::optional<absl::StatusOr<net::Response>> result;
  remoting::RemotingCommand pull = remoting::RemotingCommand::Request(req::kPullMessage, 0);
  for (const auto& [k, v] : PullFields("LP", 0, 1, 0x4 | 0x2, 20000, "B")) {
    pull.MutableFields().Set(k, v);
  }
  const auto t0 = MonoClock::now();
  c.client().Invoke(c.broker_addr(), pull, "", std::chrono::milliseconds(30000),
                    [&](absl::StatusOr<net::Response> r) {
                      std::lock_guard<std::mutex> lock(mu);
                      result = std::move(r);
                      cv.notify_all();
                    });
  // A message with a non-matching tag does not answer the parked pull...
  ASSERT_EQ(c.Send("LP", "other", Props("A", ""), 0).command.code, 0);
  // ...a matching one does.
  ASSERT_EQ(c.Send("LP", "match", Props("B", ""), 0).command.code, 0);
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(15), [&] { return result.has_value(); }));
  ASSERT_TRUE(result->ok());
  EXPECT_EQ((*result)->command.code, code::kSuccess);
  std::vector<engine::RecordView> got = Records((*result)->body);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(AsChars(got[0].body), "match");
  EXPECT_LT(MonoClock::now() - t0, std::chrono::seconds(15));
}

TEST(BrokerE2E, LongPollTimesOutWithPullNotFound) {
  BrokerTestCluster c;
  ASSERT_EQ(c.Send("LT", "x", "", 0).command.code, 0);
  c.WaitDispatched();
  const auto t0 = MonoClock::now();
  net::Response r = c.CallBroker(req::kPullMessage, PullFields("LT", 0, 1, 0x4 | 0x2, 300));
  EXPECT_EQ(r.command.code, code::kPullNotFound);
  EXPECT_GE(MonoClock::now() - t0, std::chrono::milliseconds(250));
}

std::string Heartbeat(const std::string& client_id, const std::string& group,
                      const std::string& topic, int64_t sub_version) {
  return "{\"clientID\":\"" + client_id + "\",\"consumerDataSet\":[{\"consumeFromWhere\":" +
         "\"CONSUME_FROM_LAST_OFFSET\",\"consumeType\":\"CONSUME_PASSIVELY\",\"groupName\":\"" +
         group + "\",\"messageModel\":\"CLUSTERING\",\"subscriptionDataSet\":[{" +
         "\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"TAG\",\"subString\":\"*\"" +
         ",\"subVersion\":" + std::to_string(sub_version) + ",\"tagsSet\":[],\"topic\":\"" + topic +
         "\"}],\"unitMode\":false}],\"producerDataSet\":[]}";
}

TEST(BrokerE2E, HeartbeatRegistersConsumersAndNotifiesTheGroupWhenMembersChange) {
  BrokerTestCluster c;
  ASSERT_EQ(c.Send("HT", "x", "", 0).command.code, 0);
  c.WaitDispatched();
  // A second client connection that records what the broker sends it.
  std::atomic<int> notified{0};
  remoting::HandlerTable handlers;
  handlers.Register(req::kNotifyConsumerIdsChanged,
                    [&](const remoting::ChannelPtr&, remoting::RemotingCommand r, std::string) {
                      if (r.Field("consumerGroup") && *r.Field("consumerGroup") == "G") ++notified;
                    });
  net::RemotingClient first(&c.pool(), &handlers);
  absl::StatusOr<net::Response> hb = first.InvokeSync(
      c.broker_addr(),
      [] {
        auto r = remoting::RemotingCommand::Request(req::kHeartBeat, 0);
        return r;
      }(),
      Heartbeat("10.0.0.1@1", "G", "HT", 100), std::chrono::milliseconds(5000));
  ASSERT_TRUE(hb.ok());
  ASSERT_EQ(hb->command.code, code::kSuccess);
  EXPECT_EQ(notified.load(), 1) << "the joining consumer is notified before its response";
  net::Response hb2 = c.CallBroker(req::kHeartBeat, {}, Heartbeat("10.0.0.2@2", "G", "HT", 100));
  ASSERT_EQ(hb2.command.code, code::kSuccess);
  const auto deadline = MonoClock::now() + std::chrono::seconds(10);
  while (notified.load() < 2 && MonoClock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(notified.load(), 2) << "existing members hear about the new one";
  net::Response list = c.CallBroker(req::kGetConsumerListByGroup, {{"consumerGroup", "G"}});
  ASSERT_EQ(list.command.code, code::kSuccess);
  EXPECT_NE(list.body.find("10.0.0.1@1"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("10.0.0.2@2"), std::string::npos) << list.body;
  // The %RETRY% topic of the group exists and is routed.
  net::Response route =
      c.Call(c.namesrv_addr(), req::kGetRouteinfoByTopic, {{"topic", "%RETRY%G"}});
  EXPECT_EQ(route.command.code, code::kSuccess);
  // Pull without the SUBSCRIPTION bit now uses the heartbeat's subscription; a newer
  // subVersion than the heartbeat's is "not latest".
  auto fields = PullFields("HT", 0, 0, 0);
  fields["consumerGroup"] = "G";
  fields["subVersion"] = "100";
  EXPECT_EQ(c.CallBroker(req::kPullMessage, fields).command.code, code::kSuccess);
  fields["subVersion"] = "200";
  EXPECT_EQ(c.CallBroker(req::kPullMessage, fields).command.code, code::kSubscriptionNotLatest);
  net::Response none = c.CallBroker(req::kGetConsumerListByGroup, {{"consumerGroup", "Nobody"}});
  EXPECT_EQ(none.command.code, code::kSystemError);
}

TEST(BrokerE2E, ConsumerOffsetsQueriesAndTheInMemoryRule) {
  BrokerTestCluster c;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(c.Send("OT", "x", "", 0).command.code, 0);
  c.WaitDispatched();
  std::map<std::string, std::string> q = {
      {"consumerGroup", "NewG"}, {"topic", "OT"}, {"queueId", "0"}};
  net::Response fresh = c.CallBroker(req::kQueryConsumerOffset, q);
  EXPECT_EQ(fresh.command.code, code::kSuccess) << "young topic: a new group starts at 0";
  EXPECT_EQ(Field(fresh, "offset"), "0");
  auto u = q;
  u["commitOffset"] = "3";
  EXPECT_EQ(c.CallBroker(req::kUpdateConsumerOffset, u).command.code, code::kSuccess);
  EXPECT_EQ(Field(c.CallBroker(req::kQueryConsumerOffset, q), "offset"), "3");
  std::map<std::string, std::string> qq = {{"topic", "OT"}, {"queueId", "0"}};
  EXPECT_EQ(Field(c.CallBroker(req::kGetMaxOffset, qq), "offset"), "5");
  EXPECT_EQ(Field(c.CallBroker(req::kGetMinOffset, qq), "offset"), "0");
  const std::string earliest = Field(c.CallBroker(req::kGetEarliestMsgStoretime, qq), "timestamp");
  EXPECT_GT(std::stoll(earliest), 0);
  qq["timestamp"] = earliest;
  EXPECT_EQ(Field(c.CallBroker(req::kSearchOffsetByTimestamp, qq), "offset"), "0");
  // Offsets survive a broker restart.
  c.RestartBroker();
  EXPECT_EQ(Field(c.CallBroker(req::kQueryConsumerOffset, q), "offset"), "3");
  EXPECT_EQ(Field(c.CallBroker(req::kGetMaxOffset, {{"topic", "OT"}, {"queueId", "0"}}), "offset"),
            "5");
}

TEST(BrokerE2E, ViewByIdAndQueryByKey) {
  BrokerTestCluster c;
  net::Response s = c.Send("QT", "findme", Props("T", "order-42"), 0);
  ASSERT_EQ(s.command.code, 0);
  absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(Field(s, "msgId"));
  ASSERT_TRUE(id.ok());
  net::Response v =
      c.CallBroker(req::kViewMessageById, {{"offset", std::to_string(id->offset.value())}});
  ASSERT_EQ(v.command.code, code::kSuccess);
  EXPECT_EQ(AsChars(Records(v.body).at(0).body), "findme");
  EXPECT_EQ(c.CallBroker(req::kViewMessageById, {{"offset", "999999"}}).command.code,
            code::kSystemError);
  // The key index is built by the dispatcher: poll (with a deadline) until it answers.
  std::map<std::string, std::string> q = {{"topic", "QT"},
                                          {"key", "order-42"},
                                          {"maxNum", "32"},
                                          {"beginTimestamp", "0"},
                                          {"endTimestamp", "9223372036854775807"}};
  net::Response found;
  const auto deadline = MonoClock::now() + std::chrono::seconds(10);
  do {
    found = c.CallBroker(req::kQueryMessage, q);
  } while (found.command.code != code::kSuccess && MonoClock::now() < deadline);
  ASSERT_EQ(found.command.code, code::kSuccess);
  EXPECT_EQ(AsChars(Records(found.body).at(0).body), "findme");
  EXPECT_NE(Field(found, "indexLastUpdatePhyoffset"), "<absent>");
  q["key"] = "nope";
  net::Response missing = c.CallBroker(req::kQueryMessage, q);
  EXPECT_EQ(missing.command.code, code::kQueryNotFound);
}

TEST(BrokerE2E, AdminCreatesTopicsAndReportsConfigAndRuntimeInfo) {
  BrokerTestCluster c;
  net::Response created =
      c.CallBroker(req::kUpdateAndCreateTopic, {{"topic", "Made"},
                                                {"defaultTopic", "TBW102"},
                                                {"readQueueNums", "2"},
                                                {"writeQueueNums", "2"},
                                                {"perm", "6"},
                                                {"topicFilterType", "SINGLE_TAG"},
                                                {"topicSysFlag", "0"},
                                                {"order", "false"}});
  ASSERT_EQ(created.command.code, code::kSuccess) << created.command.remark.value_or("");
  const auto deadline = MonoClock::now() + std::chrono::seconds(10);
  net::Response route;
  do {
    route = c.Call(c.namesrv_addr(), req::kGetRouteinfoByTopic, {{"topic", "Made"}});
  } while (route.command.code != code::kSuccess && MonoClock::now() < deadline);
  EXPECT_EQ(route.command.code, code::kSuccess) << "registered with the name server";
  net::Response all = c.CallBroker(req::kGetAllTopicConfig, {});
  EXPECT_NE(all.body.find("\"Made\""), std::string::npos);
  net::Response sys = c.CallBroker(req::kUpdateAndCreateTopic, {{"topic", "SCHEDULE_TOPIC_XXXX"},
                                                                {"defaultTopic", "TBW102"},
                                                                {"readQueueNums", "2"},
                                                                {"writeQueueNums", "2"},
                                                                {"perm", "6"},
                                                                {"topicFilterType", "SINGLE_TAG"}});
  EXPECT_EQ(sys.command.code, code::kSystemError);
  net::Response info = c.CallBroker(req::kGetBrokerRuntimeInfo, {});
  EXPECT_NE(info.body.find("\"brokerVersionDesc\":\"V4_9_8\""), std::string::npos) << info.body;
  net::Response conf = c.CallBroker(req::kGetBrokerConfig, {});
  EXPECT_NE(conf.body.find("brokerName=broker-a\n"), std::string::npos);
  EXPECT_NE(Field(conf, "version"), "<absent>");
  net::Response group =
      c.CallBroker(req::kUpdateAndCreateSubscriptionGroup, {},
                   R"({"groupName":"AdminG","consumeEnable":false,"retryMaxTimes":3})");
  EXPECT_EQ(group.command.code, code::kSuccess);
  auto fields = PullFields("Made", 0, 0, 0x4);
  fields["consumerGroup"] = "AdminG";
  EXPECT_EQ(c.CallBroker(req::kPullMessage, fields).command.code, code::kNoPermission)
      << "consumeEnable=false";
  net::Response del = c.CallBroker(req::kDeleteTopicInBroker, {{"topic", "Made"}});
  EXPECT_EQ(del.command.code, code::kSuccess);
  EXPECT_EQ(c.CallBroker(req::kGetAllTopicConfig, {}).body.find("\"Made\""), std::string::npos);
}

TEST(BrokerE2E, BrokenFrameClosesOnlyThatConnection) {
  BrokerTestCluster c;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket raw(io);
  boost::asio::ip::tcp::resolver res(io);
  const std::string addr = c.broker_addr();
  const size_t colon = addr.rfind(':');
  boost::asio::connect(raw, res.resolve(addr.substr(0, colon), addr.substr(colon + 1)));
  // Declares a 2 GiB frame: refused before any allocation, the connection is closed.
  const uint8_t evil[8] = {0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 10};
  boost::asio::write(raw, boost::asio::buffer(evil));
  uint8_t buf[16];
  boost::system::error_code ec;
  boost::asio::read(raw, boost::asio::buffer(buf), ec);
  EXPECT_EQ(ec, boost::asio::error::eof) << "the broker closes the broken connection";
  // Others are untouched.
  EXPECT_EQ(c.Send("Still", "ok").command.code, code::kSuccess);
}

TEST(BrokerE2E, MessagesSurviveABrokerRestart) {
  BrokerTestCluster c;
  for (int i = 0; i < 20; ++i) ASSERT_EQ(c.Send("RT", std::to_string(i), "", 0).command.code, 0);
  c.RestartBroker();
  c.WaitDispatched();
  net::Response p = c.CallBroker(req::kPullMessage, PullFields("RT", 0, 0));
  ASSERT_EQ(p.command.code, code::kSuccess);
  std::vector<engine::RecordView> got = Records(p.body);
  ASSERT_EQ(got.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(AsChars(got[i].body), std::to_string(i));
  EXPECT_EQ(Field(c.Send("RT", "20", "", 0), "queueOffset"), "20");
}

}  // namespace
}  // namespace tern::broker
