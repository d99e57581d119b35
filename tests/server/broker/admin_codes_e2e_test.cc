// The admin/ops codes mqadmin and the dashboard use, as raw RemotingCommands against a real
// name server and broker on loopback: body shapes (parsed back with fastjson.h or the
// MessageQueue-keyed map parser), Java's codes and remarks, and forwarding to a client
// connection (answered as is, not online, timeout).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/base/clock.h"
#include "engine/base/mutex.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/kv_table.h"
#include "server/protocol/reset_offset_body.h"
#include "server/protocol/route_data.h"
#include "server/remoting/codes.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::broker {
namespace {

namespace code = remoting::response;
namespace req = remoting::request;
namespace md = engine::metadata;
using testing::BrokerTestCluster;

std::string Remark(const net::Response& r) { return r.command.remark.value_or(""); }

std::string Heartbeat(const std::string& client_id, const std::string& group,
                      const std::string& topic, const std::string& producer_group = "") {
  std::string producers =
      producer_group.empty() ? "[]" : "[{\"groupName\":\"" + producer_group + "\"}]";
  std::string consumers =
      group.empty() ? "[]"
                    : "[{\"consumeFromWhere\":\"CONSUME_FROM_FIRST_OFFSET\",\"consumeType\":"
                      "\"CONSUME_PASSIVELY\",\"groupName\":\"" +
                          group +
                          "\",\"messageModel\":\"CLUSTERING\",\"subscriptionDataSet\":[{"
                          "\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"TAG\","
                          "\"subString\":\"*\",\"subVersion\":1,\"tagsSet\":[],\"topic\":\"" +
                          topic + "\"}],\"unitMode\":false}]";
  return "{\"clientID\":\"" + client_id + "\",\"consumerDataSet\":" + consumers +
         ",\"producerDataSet\":" + producers + "}";
}

// Parses a strict-JSON body (no bean keys) into a document.
rapidjson::Document Json(const std::string& body) {
  rapidjson::Document doc;
  absl::Status s = md::ParseFastjson(body, doc);
  EXPECT_TRUE(s.ok()) << s << " in " << body;
  return doc;
}

int64_t IntMember(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* m = md::FindMember(v, name);
  EXPECT_NE(m, nullptr) << name;
  if (m == nullptr) return -999;
  absl::StatusOr<int64_t> x = md::ToInt64(*m, name);
  return x.ok() ? *x : -999;
}

void Commit(BrokerTestCluster& c, const std::string& group, const std::string& topic, int q,
            int64_t offset) {
  ASSERT_EQ(c.CallBroker(req::kUpdateConsumerOffset, {{"consumerGroup", group},
                                                      {"topic", topic},
                                                      {"queueId", std::to_string(q)},
                                                      {"commitOffset", std::to_string(offset)}})
                .command.code,
            code::kSuccess);
}

// A client connection that answers broker-initiated requests with `handlers`.
struct FakeClient {
  FakeClient(BrokerTestCluster& c, remoting::HandlerTable* handlers)
      : client(&c.pool(), handlers), addr(c.broker_addr()) {}
  net::Response Call(int32_t code, std::string body) {
    absl::StatusOr<net::Response> r =
        client.InvokeSync(addr, remoting::RemotingCommand::Request(code, 0), std::move(body),
                          std::chrono::milliseconds(5000));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : net::Response{};
  }
  net::RemotingClient client;
  std::string addr;
};

TEST(AdminCodes, TopicStatsListsEveryWriteQueue) {
  BrokerTestCluster c;
  for (int q : {0, 0, 1}) ASSERT_EQ(c.Send("StatsT", "x", "", q).command.code, 0);
  c.WaitDispatched();
  const int64_t before = NowMillis();
  net::Response r = c.CallBroker(req::kGetTopicStatsInfo, {{"topic", "StatsT"}});
  ASSERT_EQ(r.command.code, code::kSuccess) << Remark(r);
  absl::StatusOr<std::vector<protocol::MessageQueueMapEntry>> table =
      protocol::ParseMessageQueueMap(r.body, "offsetTable");
  ASSERT_TRUE(table.ok()) << table.status() << r.body;
  ASSERT_GE(table->size(), 2u);
  std::map<int, int64_t> max;
  for (const auto& e : *table) {
    EXPECT_EQ(e.queue.topic, "StatsT");
    EXPECT_EQ(e.queue.broker_name, c.broker().config().broker_name);
    rapidjson::Document v = Json(e.value_json);
    max[e.queue.queue_id] = IntMember(v, "maxOffset");
    EXPECT_EQ(IntMember(v, "minOffset"), 0);
    if (max[e.queue.queue_id] > 0) {
      EXPECT_GT(IntMember(v, "lastUpdateTimestamp"), before - 60000);
    } else {
      EXPECT_EQ(IntMember(v, "lastUpdateTimestamp"), 0);
    }
  }
  EXPECT_EQ(max[0], 2);
  EXPECT_EQ(max[1], 1);
  net::Response none = c.CallBroker(req::kGetTopicStatsInfo, {{"topic", "NoSuchTopic"}});
  EXPECT_EQ(none.command.code, code::kTopicNotExist);
  EXPECT_EQ(Remark(none), "topic[NoSuchTopic] not exist");
}

TEST(AdminCodes, ConsumeStatsPerTopicAndForTheWholeBroker) {
  BrokerTestCluster c;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(c.Send("CsT", "x", "", 0).command.code, 0);
  c.WaitDispatched();
  Commit(c, "CsG", "CsT", 0, 3);
  ASSERT_EQ(c.CallBroker(req::kUpdateAndCreateSubscriptionGroup, {}, R"({"groupName":"CsG"})")
                .command.code,
            code::kSuccess);  // GET_BROKER_CONSUME_STATS walks the subscription groups
  for (const std::string& topic : {std::string("CsT"), std::string("")}) {
    net::Response r =
        c.CallBroker(req::kGetConsumeStats, {{"consumerGroup", "CsG"}, {"topic", topic}});
    ASSERT_EQ(r.command.code, code::kSuccess) << Remark(r);
    EXPECT_TRUE(r.body.starts_with("{\"consumeTps\":")) << r.body;
    auto table = protocol::ParseMessageQueueMap(r.body, "offsetTable");
    ASSERT_TRUE(table.ok()) << table.status();
    bool seen = false;
    for (const auto& e : *table) {
      if (e.queue.queue_id != 0) continue;
      seen = true;
      rapidjson::Document v = Json(e.value_json);
      EXPECT_EQ(IntMember(v, "brokerOffset"), 5);
      EXPECT_EQ(IntMember(v, "consumerOffset"), 3);
      EXPECT_GT(IntMember(v, "lastTimestamp"), 0);
    }
    EXPECT_TRUE(seen) << r.body;
  }
  net::Response all = c.CallBroker(req::kGetBrokerConsumeStats, {{"isOrder", "false"}});
  ASSERT_EQ(all.command.code, code::kSuccess);
  EXPECT_NE(all.body.find("\"brokerAddr\":\"" + c.broker_addr() + "\""), std::string::npos);
  EXPECT_NE(all.body.find("\"CsG\":[{\"consumeTps\":"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find("\"totalDiff\":2}"), std::string::npos) << all.body;
}

TEST(AdminCodes, ConnectionsAndWhoConsumesATopic) {
  BrokerTestCluster c;
  ASSERT_EQ(c.Send("ConnT", "x").command.code, 0);
  FakeClient fc(c, nullptr);
  ASSERT_EQ(
      fc.Call(req::kHeartBeat, Heartbeat("10.0.0.9@1", "ConnG", "ConnT", "ConnPG")).command.code,
      code::kSuccess);
  net::Response r = c.CallBroker(req::kGetConsumerConnectionList, {{"consumerGroup", "ConnG"}});
  ASSERT_EQ(r.command.code, code::kSuccess) << Remark(r);
  rapidjson::Document doc = Json(r.body);
  const rapidjson::Value* set = md::FindMember(doc, "connectionSet");
  ASSERT_TRUE(set != nullptr && set->IsArray() && set->Size() == 1) << r.body;
  EXPECT_EQ(md::StringOf(*md::FindMember((*set)[0], "clientId")), "10.0.0.9@1");
  EXPECT_EQ(md::StringOf(*md::FindMember((*set)[0], "language")), "JAVA");
  EXPECT_TRUE(md::FindMember((*set)[0], "clientAddr")->IsString());
  EXPECT_EQ(md::StringOf(*md::FindMember(doc, "consumeFromWhere")), "CONSUME_FROM_FIRST_OFFSET");
  EXPECT_EQ(md::StringOf(*md::FindMember(doc, "messageModel")), "CLUSTERING");
  EXPECT_NE(md::FindMember(*md::FindMember(doc, "subscriptionTable"), "ConnT"), nullptr);
  net::Response offline = c.CallBroker(req::kGetConsumerConnectionList, {{"consumerGroup", "X"}});
  EXPECT_EQ(offline.command.code, code::kConsumerNotOnline);
  EXPECT_EQ(Remark(offline), "the consumer group[X] not online");

  net::Response p = c.CallBroker(req::kGetProducerConnectionList, {{"producerGroup", "ConnPG"}});
  ASSERT_EQ(p.command.code, code::kSuccess) << Remark(p);
  EXPECT_NE(p.body.find("\"clientId\":\"10.0.0.9@1\""), std::string::npos) << p.body;
  net::Response np = c.CallBroker(req::kGetProducerConnectionList, {{"producerGroup", "NoPG"}});
  EXPECT_EQ(np.command.code, code::kSystemError);
  EXPECT_EQ(Remark(np), "the producer group[NoPG] not exist");

  Commit(c, "OffsetOnlyG", "ConnT", 0, 1);
  net::Response who = c.CallBroker(req::kQueryTopicConsumeByWho, {{"topic", "ConnT"}});
  ASSERT_EQ(who.command.code, code::kSuccess);
  EXPECT_EQ(who.body, R"({"groupList":["ConnG","OffsetOnlyG"]})");
}

TEST(AdminCodes, GroupAdministration) {
  BrokerTestCluster c;
  ASSERT_EQ(c.Send("GaT", "x", "", 0).command.code, 0);
  c.WaitDispatched();
  Commit(c, "SrcG", "GaT", 0, 1);
  ASSERT_EQ(c.CallBroker(req::kUpdateAndCreateSubscriptionGroup, {},
                         R"({"groupName":"SrcG","retryMaxTimes":5})")
                .command.code,
            code::kSuccess);
  net::Response all = c.CallBroker(req::kGetAllSubscriptionGroupConfig, {});
  ASSERT_EQ(all.command.code, code::kSuccess);
  rapidjson::Document doc = Json(all.body);
  ASSERT_NE(md::FindMember(doc, "dataVersion"), nullptr);
  const rapidjson::Value* src =
      md::FindMember(*md::FindMember(doc, "subscriptionGroupTable"), "SrcG");
  ASSERT_NE(src, nullptr) << all.body;
  EXPECT_EQ(IntMember(*src, "retryMaxTimes"), 5);

  // Clone, then the offset table shows both groups.
  ASSERT_EQ(c.CallBroker(req::kCloneGroupOffset,
                         {{"srcGroup", "SrcG"}, {"destGroup", "DstG"}, {"offline", "true"}})
                .command.code,
            code::kSuccess);
  net::Response q = c.CallBroker(req::kQueryConsumerOffset,
                                 {{"consumerGroup", "DstG"}, {"topic", "GaT"}, {"queueId", "0"}});
  EXPECT_EQ(*q.command.Field("offset"), "1");
  net::Response offsets = c.CallBroker(req::kGetAllConsumerOffset, {});
  ASSERT_EQ(offsets.command.code, code::kSuccess);
  EXPECT_NE(offsets.body.find("\"GaT@SrcG\""), std::string::npos) << offsets.body;
  EXPECT_NE(offsets.body.find("\"GaT@DstG\""), std::string::npos) << offsets.body;

  ASSERT_EQ(
      c.CallBroker(req::kDeleteSubscriptionGroup, {{"groupName", "SrcG"}, {"removeOffset", "true"}})
          .command.code,
      code::kSuccess);
  EXPECT_EQ(c.CallBroker(req::kGetAllSubscriptionGroupConfig, {}).body.find("\"SrcG\""),
            std::string::npos);
  EXPECT_EQ(c.CallBroker(req::kGetAllConsumerOffset, {}).body.find("\"GaT@SrcG\""),
            std::string::npos);

  net::Response delay = c.CallBroker(req::kGetAllDelayOffset, {});
  if (delay.command.code != code::kSuccess) {
    EXPECT_EQ(Remark(delay), "No delay offset in this broker");
  }
  net::Response sys = c.CallBroker(req::kGetSystemTopicListFromBroker, {});
  ASSERT_EQ(sys.command.code, code::kSuccess);
  EXPECT_NE(sys.body.find("\"TBW102\""), std::string::npos) << sys.body;
  EXPECT_EQ(sys.body.find("\"GaT\""), std::string::npos) << sys.body;
  EXPECT_EQ(c.CallBroker(req::kCleanExpiredConsumequeue, {}).command.code, code::kSuccess);
  EXPECT_EQ(c.CallBroker(req::kCleanUnusedTopic, {}).command.code, code::kSuccess);
  // A configured topic keeps its queue.
  net::Response max = c.CallBroker(req::kGetMaxOffset, {{"topic", "GaT"}, {"queueId", "0"}});
  EXPECT_EQ(*max.command.Field("offset"), "1");
}

TEST(AdminCodes, StatsWindowsTimeSpanQueueAndCorrection) {
  BrokerTestCluster c;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Send("VsT", "x", "", 0).command.code, 0);
  c.WaitDispatched();
  net::Response pull = c.CallBroker(req::kPullMessage, {{"consumerGroup", "VsG"},
                                                        {"topic", "VsT"},
                                                        {"queueId", "0"},
                                                        {"queueOffset", "0"},
                                                        {"maxMsgNums", "32"},
                                                        {"sysFlag", "6"},
                                                        {"commitOffset", "0"},
                                                        {"suspendTimeoutMillis", "0"},
                                                        {"subscription", "*"},
                                                        {"subVersion", "1"}});
  ASSERT_EQ(pull.command.code, code::kSuccess) << Remark(pull);
  net::Response put = c.CallBroker(req::kViewBrokerStatsData,
                                   {{"statsName", "TOPIC_PUT_NUMS"}, {"statsKey", "VsT"}});
  ASSERT_EQ(put.command.code, code::kSuccess) << Remark(put);
  rapidjson::Document doc = Json(put.body);
  for (const char* w : {"statsMinute", "statsHour", "statsDay"}) {
    const rapidjson::Value* item = md::FindMember(doc, w);
    ASSERT_NE(item, nullptr) << put.body;
    EXPECT_EQ(IntMember(*item, "sum"), 3) << w;
    EXPECT_NE(md::FindMember(*item, "tps"), nullptr);
    EXPECT_NE(md::FindMember(*item, "avgpt"), nullptr);
  }
  net::Response get = c.CallBroker(req::kViewBrokerStatsData,
                                   {{"statsName", "GROUP_GET_NUMS"}, {"statsKey", "VsT@VsG"}});
  ASSERT_EQ(get.command.code, code::kSuccess) << Remark(get);
  EXPECT_EQ(IntMember(*md::FindMember(Json(get.body), "statsMinute"), "sum"), 3);
  net::Response none =
      c.CallBroker(req::kViewBrokerStatsData, {{"statsName", "TOPIC_PUT_NUMS"}, {"statsKey", "Z"}});
  EXPECT_EQ(none.command.code, code::kSystemError);
  EXPECT_EQ(Remark(none), "The stats <TOPIC_PUT_NUMS> <Z> not exist");

  Commit(c, "VsG", "VsT", 0, 1);
  net::Response span =
      c.CallBroker(req::kQueryConsumeTimeSpan, {{"topic", "VsT"}, {"group", "VsG"}});
  ASSERT_EQ(span.command.code, code::kSuccess) << Remark(span);
  rapidjson::Document sd = Json(span.body);
  const rapidjson::Value* set = md::FindMember(sd, "consumeTimeSpanSet");
  ASSERT_TRUE(set != nullptr && set->IsArray() && set->Size() >= 1);
  const rapidjson::Value& q0 = (*set)[0];
  EXPECT_EQ(IntMember(*md::FindMember(q0, "messageQueue"), "queueId"), 0);
  EXPECT_GT(IntMember(q0, "minTimeStamp"), 0);
  EXPECT_GE(IntMember(q0, "maxTimeStamp"), IntMember(q0, "minTimeStamp"));
  EXPECT_GE(IntMember(q0, "delayTime"), 0);

  net::Response cq = c.CallBroker(req::kQueryConsumeQueue, {{"topic", "VsT"},
                                                            {"queueId", "0"},
                                                            {"index", "1"},
                                                            {"count", "5"},
                                                            {"consumerGroup", "VsG"}});
  ASSERT_EQ(cq.command.code, code::kSuccess) << Remark(cq);
  rapidjson::Document cd = Json(cq.body);
  EXPECT_EQ(IntMember(cd, "maxQueueIndex"), 3);
  EXPECT_EQ(IntMember(cd, "minQueueIndex"), 0);
  const rapidjson::Value* units = md::FindMember(cd, "queueData");
  ASSERT_TRUE(units != nullptr && units->IsArray());
  EXPECT_EQ(units->Size(), 2u);
  EXPECT_EQ(md::StringOf(*md::FindMember(cd, "filterData")), "VsG@VsT is not online!");
  net::Response nocq =
      c.CallBroker(req::kQueryConsumeQueue,
                   {{"topic", "VsT"}, {"queueId", "77"}, {"index", "0"}, {"count", "1"}});
  EXPECT_EQ(nocq.command.code, code::kSystemError);
  EXPECT_EQ(Remark(nocq), "77@VsT is not exist!");

  Commit(c, "OtherG", "VsT", 0, 2);
  net::Response corr =
      c.CallBroker(req::kQueryCorrectionOffset,
                   {{"topic", "VsT"}, {"compareGroup", "VsG"}, {"filterGroups", ""}});
  ASSERT_EQ(corr.command.code, code::kSuccess) << Remark(corr);
  EXPECT_EQ(corr.body, R"({"correctionOffsets":{"0":1}})");
}

TEST(AdminCodes, UpdateBrokerConfigAcceptsOnlyAllowListedKeys) {
  BrokerTestCluster c;
  net::Response ok = c.CallBroker(req::kUpdateBrokerConfig, {}, "maxMessageSize=65536\n");
  ASSERT_EQ(ok.command.code, code::kSuccess) << Remark(ok);
  net::Response get = c.CallBroker(req::kGetBrokerConfig, {});
  ASSERT_EQ(get.command.code, code::kSuccess);
  EXPECT_NE(get.body.find("\nmaxMessageSize=65536\n"), std::string::npos);
  EXPECT_NE(get.command.Field("version"), nullptr);
  for (const char* key : {"storePathRootDir", "rocketmqHome", "brokerName", "noSuchKey"}) {
    net::Response r = c.CallBroker(req::kUpdateBrokerConfig, {}, std::string(key) + "=/tmp/x\n");
    EXPECT_EQ(r.command.code, code::kSystemError) << key;
    EXPECT_NE(Remark(r).find(key), std::string::npos) << Remark(r);
  }
  net::Response bad = c.CallBroker(req::kUpdateBrokerConfig, {}, "maxMessageSize=lots\n");
  EXPECT_EQ(bad.command.code, code::kSystemError);
  EXPECT_NE(Remark(bad).find("maxMessageSize"), std::string::npos) << Remark(bad);
  // A refused update changes nothing, not even its allowed keys.
  net::Response mixed =
      c.CallBroker(req::kUpdateBrokerConfig, {}, "maxMessageSize=2048\nstorePathCommitLog=/x\n");
  EXPECT_EQ(mixed.command.code, code::kSystemError);
  EXPECT_NE(c.CallBroker(req::kGetBrokerConfig, {}).body.find("\nmaxMessageSize=65536\n"),
            std::string::npos);
}

// brokerPermission is the one key UPDATE_BROKER_CONFIG applies at run time, as Java: sends are
// refused at once, and the next registration (sent at once, with a new data version) makes
// the name server route every topic of the broker with that permission.
TEST(AdminCodes, BrokerPermissionUpdateAppliesAtOnceAndReachesTheRoute) {
  BrokerTestCluster c;
  ASSERT_EQ(c.Send("PermT", "x", "", 0).command.code, code::kSuccess);
  auto route_perm = [&] {
    net::Response r = c.Call(c.namesrv_addr(), req::kGetRouteinfoByTopic, {{"topic", "PermT"}});
    if (r.command.code != code::kSuccess) return -1;
    absl::StatusOr<protocol::TopicRouteData> d = protocol::TopicRouteData::Decode(r.body);
    if (!d.ok() || d->queue_datas.size() != 1) return -1;
    return d->queue_datas[0].perm;
  };
  auto wait_route_perm = [&](int want) {
    const auto deadline = MonoClock::now() + std::chrono::seconds(10);
    int got = route_perm();
    while (got != want && MonoClock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll under a deadline
      got = route_perm();
    }
    return got;
  };
  EXPECT_EQ(wait_route_perm(6), 6);

  net::Response read_only = c.CallBroker(req::kUpdateBrokerConfig, {}, "brokerPermission=4\n");
  ASSERT_EQ(read_only.command.code, code::kSuccess) << Remark(read_only);
  net::Response refused = c.Send("PermT", "y");
  EXPECT_EQ(refused.command.code, code::kNoPermission);
  EXPECT_NE(Remark(refused).find("sending message is forbidden"), std::string::npos)
      << Remark(refused);
  EXPECT_EQ(wait_route_perm(4), 4);
  c.WaitDispatched();
  auto pull = [&] {
    return c.CallBroker(req::kPullMessage, {{"consumerGroup", "PermG"},
                                            {"topic", "PermT"},
                                            {"queueId", "0"},
                                            {"queueOffset", "0"},
                                            {"maxMsgNums", "32"},
                                            {"sysFlag", "4"},  // subscription in the request
                                            {"commitOffset", "0"},
                                            {"suspendTimeoutMillis", "0"},
                                            {"subscription", "*"},
                                            {"subVersion", "0"}});
  };
  net::Response pulled = pull();
  EXPECT_EQ(pulled.command.code, code::kSuccess) << Remark(pulled);  // still readable

  net::Response write_only = c.CallBroker(req::kUpdateBrokerConfig, {}, "brokerPermission=2\n");
  ASSERT_EQ(write_only.command.code, code::kSuccess) << Remark(write_only);
  net::Response no_pull = pull();
  EXPECT_EQ(no_pull.command.code, code::kNoPermission) << Remark(no_pull);

  net::Response back = c.CallBroker(req::kUpdateBrokerConfig, {}, "brokerPermission=6\n");
  ASSERT_EQ(back.command.code, code::kSuccess) << Remark(back);
  EXPECT_EQ(c.Send("PermT", "z").command.code, code::kSuccess);
  EXPECT_EQ(wait_route_perm(6), 6);
}

TEST(AdminCodes, ResetOffsetByTimePushesTheTableToEveryConsumer) {
  BrokerTestCluster c;
  for (int i = 0; i < 4; ++i) ASSERT_EQ(c.Send("RsT", "x", "", 0).command.code, 0);
  c.WaitDispatched();
  const int64_t now = NowMillis() + 1000;
  std::map<std::string, std::string> fields{
      {"topic", "RsT"}, {"group", "RsG"}, {"timestamp", "0"}, {"isForce", "true"}};
  net::Response no_offsets = c.CallBroker(req::kInvokeBrokerToResetOffset, fields);
  EXPECT_EQ(no_offsets.command.code, code::kSystemError);
  EXPECT_EQ(Remark(no_offsets), "THe consumer group <RsG> not exist");
  net::Response topics = c.CallBroker(req::kGetTopicStatsInfo, {{"topic", "RsT"}});
  const size_t queues = protocol::ParseMessageQueueMap(topics.body, "offsetTable")->size();
  for (size_t q = 0; q < queues; ++q) Commit(c, "RsG", "RsT", static_cast<int>(q), q == 0 ? 3 : 0);
  net::Response offline = c.CallBroker(req::kInvokeBrokerToResetOffset, fields);
  EXPECT_EQ(offline.command.code, code::kConsumerNotOnline);
  EXPECT_NE(Remark(offline).find("Consumer not online, so can not reset offset"),
            std::string::npos);

  Mutex mu;
  CondVar cv;
  std::string pushed;
  remoting::HandlerTable handlers;
  handlers.Register(req::kResetConsumerClientOffset,
                    [&](const remoting::ChannelPtr&, remoting::RemotingCommand r, std::string b) {
                      MutexLock lock(&mu);
                      EXPECT_EQ(*r.Field("group"), "RsG");
                      pushed = b;
                      cv.SignalAll();
                    });
  FakeClient fc(c, &handlers);
  ASSERT_EQ(fc.Call(req::kHeartBeat, Heartbeat("10.0.0.7@1", "RsG", "RsT")).command.code, 0);
  // Not forced and the time is in the future: queue 0 stays at 3 (only moves backwards).
  fields["isForce"] = "false";
  fields["timestamp"] = std::to_string(now);
  net::Response kept = c.CallBroker(req::kInvokeBrokerToResetOffset, fields);
  ASSERT_EQ(kept.command.code, code::kSuccess) << Remark(kept);
  absl::StatusOr<protocol::ResetOffsetBody> kb = protocol::ResetOffsetBody::Decode(kept.body);
  ASSERT_TRUE(kb.ok()) << kb.status();
  EXPECT_EQ(kb->offset_table.at({"RsT", c.broker().config().broker_name, 0}), 3);
  // Forced to the beginning: every queue goes to 0, the client is told, the broker commits.
  fields["isForce"] = "true";
  fields["timestamp"] = "0";
  net::Response reset = c.CallBroker(req::kInvokeBrokerToResetOffset, fields);
  ASSERT_EQ(reset.command.code, code::kSuccess) << Remark(reset);
  absl::StatusOr<protocol::ResetOffsetBody> body = protocol::ResetOffsetBody::Decode(reset.body);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(body->offset_table.size(), queues);
  for (const auto& [mq, off] : body->offset_table) EXPECT_EQ(off, 0) << mq.queue_id;
  {
    MutexLock lock(&mu);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto arrived = [&] {
      absl::StatusOr<protocol::ResetOffsetBody> got = protocol::ResetOffsetBody::Decode(pushed);
      return got.ok() && *got == *body;
    };
    while (!arrived()) {
      if (!cv.WaitUntil(&mu, deadline)) break;
    }
    EXPECT_TRUE(arrived()) << pushed;
  }
  net::Response q = c.CallBroker(req::kQueryConsumerOffset,
                                 {{"consumerGroup", "RsG"}, {"topic", "RsT"}, {"queueId", "0"}});
  EXPECT_EQ(*q.command.Field("offset"), "0");
}

TEST(AdminCodes, ForwardedCallsAnswerAsTheClientDoesOrTimeOut) {
  BrokerTestCluster c(std::map<std::string, std::string>{{"adminCallClientTimeoutMillis", "300"}});
  ASSERT_EQ(c.Send("FwT", "x").command.code, 0);
  std::atomic<int> calls{0};
  remoting::HandlerTable handlers;
  handlers.Register(req::kGetConsumerRunningInfo,
                    [&](const remoting::ChannelPtr& ch, remoting::RemotingCommand r, std::string) {
                      ++calls;
                      EXPECT_EQ(*r.Field("jstackEnable"), "false");
                      auto resp = remoting::RemotingCommand::ResponseTo(r, 0, "from client");
                      ch->Send(std::move(resp), R"({"properties":{}})");
                    });
  handlers.Register(req::kConsumeMessageDirectly,
                    [&](const remoting::ChannelPtr&, remoting::RemotingCommand, std::string) {
                      ++calls;  // never answers
                    });
  FakeClient fc(c, &handlers);
  ASSERT_EQ(fc.Call(req::kHeartBeat, Heartbeat("10.0.0.5@1", "FwG", "FwT")).command.code, 0);
  net::Response info = c.CallBroker(
      req::kGetConsumerRunningInfo,
      {{"consumerGroup", "FwG"}, {"clientId", "10.0.0.5@1"}, {"jstackEnable", "false"}});
  EXPECT_EQ(info.command.code, code::kSuccess);
  EXPECT_EQ(Remark(info), "from client");
  EXPECT_EQ(info.body, R"({"properties":{}})");
  net::Response gone = c.CallBroker(req::kGetConsumerRunningInfo,
                                    {{"consumerGroup", "FwG"}, {"clientId", "nobody"}});
  EXPECT_EQ(gone.command.code, code::kSystemError);
  EXPECT_EQ(Remark(gone), "The Consumer <FwG> <nobody> not online");
  net::Response sent = c.Send("FwT", "direct");
  ASSERT_EQ(sent.command.code, 0);
  net::Response slow =
      c.CallBroker(req::kConsumeMessageDirectly, {{"consumerGroup", "FwG"},
                                                  {"clientId", "10.0.0.5@1"},
                                                  {"msgId", *sent.command.Field("msgId")}});
  EXPECT_EQ(slow.command.code, code::kConsumeMsgTimeout) << Remark(slow);
  EXPECT_EQ(calls.load(), 2);
}

TEST(AdminCodes, RuntimeInfoNamesInconsistentSubscriptions) {
  BrokerTestCluster c;
  ASSERT_EQ(c.Send("IcA", "x").command.code, 0);
  ASSERT_EQ(c.Send("IcB", "x").command.code, 0);
  FakeClient a(c, nullptr), b(c, nullptr);
  ASSERT_EQ(a.Call(req::kHeartBeat, Heartbeat("10.0.0.1@a", "IcG", "IcA")).command.code, 0);
  ASSERT_EQ(b.Call(req::kHeartBeat, Heartbeat("10.0.0.2@b", "IcG", "IcB")).command.code, 0);
  net::Response r = c.CallBroker(req::kGetBrokerRuntimeInfo, {});
  ASSERT_EQ(r.command.code, code::kSuccess);
  absl::StatusOr<protocol::KVTable> kv = protocol::KVTable::Decode(r.body);
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(kv->table.at("inconsistentSubscriptions"), "IcG:10.0.0.2@b");
}

}  // namespace
}  // namespace tern::broker
