// REGISTER_BROKER, UNREGISTER_BROKER, routes, cluster info, topic lists, QUERY_DATA_VERSION,
// channel close and expiry, through the HandlerTable as the network layer drives them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/base/crc32.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/cluster_info.h"
#include "server/protocol/route_data.h"
#include "server/protocol/topic_list.h"
#include "tests/server/namesrv/namesrv_fixture.h"

namespace tern::namesrv {
namespace {

namespace code = remoting::request;
namespace rc = remoting::response;
using testing::BodyWithTopics;
using ::testing::ElementsAre;
using testing::FakeChannel;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeRequest;
using testing::RegisterRequest;
using testing::SentCommand;

class RouteHandlersTest : public testing::NamesrvFixture {
 protected:
  SentCommand Route(const std::string& topic) {
    return Call(remote_, MakeRequest(code::kGetRouteinfoByTopic, {{"topic", topic}}));
  }
};

TEST_F(RouteHandlersTest, RegisterBrokerAnswersSuccessWithEmptyExtFieldsAndNoBody) {
  const SentCommand r = RegisterBroker("broker-a", "10.0.0.1:10911", BodyWithTopics(0, {{"T", 4}}));
  EXPECT_EQ(r.command.code, rc::kSuccess);
  EXPECT_FALSE(r.command.remark.has_value());
  ASSERT_TRUE(r.command.ext_fields.has_value()) << "4.8.0 master response: \"extFields\":{}";
  EXPECT_TRUE(r.command.ext_fields->empty());
  EXPECT_TRUE(r.body.empty()) << "no ORDER_TOPIC_CONFIG entries, no body";
  EXPECT_EQ(r.command.version, remoting::version::kCurrent);
  EXPECT_EQ(Route("T").command.code, rc::kSuccess);
}

TEST_F(RouteHandlersTest, RegisterBrokerReturnsTheOrderTopicConfigTable) {
  ASSERT_TRUE(kv_.Put("ORDER_TOPIC_CONFIG", "T", "broker-a:4").ok());
  const SentCommand r = RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
  EXPECT_EQ(r.body, R"({"table":{"T":"broker-a:4"}})");
}

TEST_F(RouteHandlersTest, AOnewayRegistrationIsProcessedWithoutAResponse) {
  table_.Dispatch(broker_, RegisterRequest("broker-a", "a:1", 0, remoting::kFlagOneway),
                  BodyWithTopics(0, {{"T", 4}}).Encode());
  EXPECT_EQ(broker_->sent_count(), 0u);
  EXPECT_EQ(Route("T").command.code, rc::kSuccess);
}

TEST_F(RouteHandlersTest, ABodyCrcMismatchIsRefusedWithSystemError) {
  const std::string body = BodyWithTopics(0, {{"T", 4}}).Encode();
  remoting::RemotingCommand req = RegisterRequest("broker-a", "a:1");
  req.MutableFields().Set("bodyCrc32", std::to_string(RocketMqCrc(AsBytes(body)) ^ 1));
  const SentCommand r = Call(broker_, req, body);
  EXPECT_EQ(r.command.code, rc::kSystemError);
  EXPECT_EQ(r.command.remark, "crc32 not match");
  EXPECT_EQ(Route("T").command.code, rc::kTopicNotExist);

  req.MutableFields().Set("bodyCrc32", std::to_string(RocketMqCrc(AsBytes(body))));
  EXPECT_EQ(Call(broker_, req, body).command.code, rc::kSuccess);
  EXPECT_EQ(Route("T").command.code, rc::kSuccess);
}

TEST_F(RouteHandlersTest, AcceptsACompressedBody) {
  remoting::RemotingCommand req = RegisterRequest("broker-a", "a:1");
  req.MutableFields().Set("compressed", "true");
  const std::string body = BodyWithTopics(0, {{"Z", 2}}).EncodeCompressed();
  req.MutableFields().Set("bodyCrc32", std::to_string(RocketMqCrc(AsBytes(body))));
  EXPECT_EQ(Call(broker_, req, body).command.code, rc::kSuccess);
  EXPECT_EQ(Route("Z").command.code, rc::kSuccess);
}

TEST_F(RouteHandlersTest, ReadsTheBareWrapperOfPre3011BrokersAndTheBodyOfVersionlessOnes) {
  remoting::RemotingCommand legacy = RegisterRequest("broker-a", "a:1");
  legacy.version = 36;
  const protocol::RegisterBrokerBody body = BodyWithTopics(0, {{"Old", 2}});
  EXPECT_EQ(Call(broker_, legacy, body.topic_config_serialize_wrapper.Encode()).command.code,
            rc::kSuccess);
  EXPECT_EQ(Route("Old").command.code, rc::kSuccess);

  remoting::RemotingCommand versionless = RegisterRequest("broker-b", "b:1");
  versionless.version = 0;
  EXPECT_EQ(Call(broker_, versionless, BodyWithTopics(0, {{"New", 2}}).Encode()).command.code,
            rc::kSuccess);
  EXPECT_EQ(Route("New").command.code, rc::kSuccess);
}

TEST_F(RouteHandlersTest, AnUndecodableBodyIsSystemError) {
  const SentCommand r = Call(broker_, RegisterRequest("broker-a", "a:1"), "{not json");
  EXPECT_EQ(r.command.code, rc::kSystemError);
  EXPECT_THAT(r.command.remark.value_or(""), HasSubstr("RegisterBrokerBody"));
  EXPECT_EQ(routes_.live_broker_count(), 0u);
}

TEST_F(RouteHandlersTest, AnEmptyBodyRegistersTheBrokerWithoutTopics) {
  EXPECT_EQ(Call(broker_, RegisterRequest("broker-a", "a:1"), "").command.code, rc::kSuccess);
  EXPECT_EQ(routes_.BrokerDataVersion("a:1"), (protocol::DataVersion{0, 0}));
}

TEST_F(RouteHandlersTest, AMissingOrMalformedHeaderFieldIsSystemErrorNamingIt) {
  for (const char* field :
       {"brokerName", "brokerAddr", "clusterName", "haServerAddr", "brokerId"}) {
    remoting::RemotingCommand req = RegisterRequest("broker-a", "a:1");
    req.MutableFields().Erase(field);
    const SentCommand r = Call(broker_, req, BodyWithTopics(0, {}).Encode());
    EXPECT_EQ(r.command.code, rc::kSystemError) << field;
    EXPECT_THAT(r.command.remark.value_or(""), HasSubstr(field));
    EXPECT_FALSE(r.command.ext_fields.has_value());
  }
  remoting::RemotingCommand req = RegisterRequest("broker-a", "a:1");
  req.MutableFields().Set("brokerId", "zero");
  EXPECT_THAT(Call(broker_, req).command.remark.value_or(""), HasSubstr("brokerId"));

  const SentCommand r = Call(remote_, MakeRequest(code::kGetRouteinfoByTopic));
  EXPECT_EQ(r.command.code, rc::kSystemError);
  EXPECT_THAT(r.command.remark.value_or(""), HasSubstr("'topic'"));
  for (int32_t c : {code::kUnregisterBroker, code::kQueryDataVersion}) {
    EXPECT_THAT(Call(broker_, MakeRequest(c, {{"brokerName", "x"}})).command.remark.value_or(""),
                HasSubstr("brokerAddr"));
  }
  EXPECT_THAT(Call(remote_, MakeRequest(code::kGetTopicsByCluster)).command.remark.value_or(""),
              HasSubstr("'cluster'"));
}

TEST_F(RouteHandlersTest, ASlaveIsToldItsMaster) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
  const SentCommand r = RegisterBroker("broker-a", "b:1", BodyWithTopics(7, {{"T", 9}}), 1);
  ASSERT_TRUE(r.command.ext_fields.has_value());
  EXPECT_EQ(*r.command.Field("masterAddr"), "a:1");
  EXPECT_EQ(*r.command.Field("haServerAddr"), "a:1-ha");
  auto route = protocol::TopicRouteData::Decode(Route("T").body);
  ASSERT_TRUE(route.ok());
  EXPECT_EQ(route->queue_datas[0].write_queue_nums, 4) << "slaves never change queue data";
}

TEST_F(RouteHandlersTest, AnAbsentRouteIsTopicNotExistWithJavasRemark) {
  const SentCommand r = Route("Missing");
  EXPECT_EQ(r.command.code, rc::kTopicNotExist);
  EXPECT_EQ(r.command.remark,
            "No topic route info in name server for the topic: Missing\nSee "
            "http://rocketmq.apache.org/docs/faq/ for further details.");
  EXPECT_FALSE(r.command.ext_fields.has_value());
  EXPECT_TRUE(r.body.empty());
}

TEST_F(RouteHandlersTest, TheRouteBodyHasTheShapeClientsParse) {
  RegisterBroker("broker-a", "10.0.0.1:10911", BodyWithTopics(0, {{"TopicTest", 4}}));
  const SentCommand r = Route("TopicTest");
  EXPECT_EQ(r.command.code, rc::kSuccess);
  EXPECT_FALSE(r.command.ext_fields.has_value());
  EXPECT_FALSE(r.command.remark.has_value());
  EXPECT_EQ(r.body,
            R"({"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a",)"
            R"("cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":)"
            R"("broker-a","perm":6,"readQueueNums":4,"topicSynFlag":0,"topicSysFlag":0,)"
            R"("writeQueueNums":4}]})");
  rapidjson::Document doc;
  EXPECT_TRUE(engine::metadata::ParseStrictJson(r.body, doc).ok());
}

TEST_F(RouteHandlersTest, OrderTopicConfIsAddedOnlyWhenOrderMessagesAreEnabled) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
  ASSERT_TRUE(kv_.Put("ORDER_TOPIC_CONFIG", "T", "broker-a:4").ok());
  EXPECT_THAT(Route("T").body, ::testing::Not(HasSubstr("orderTopicConf")));
  EXPECT_EQ(Call(admin_, MakeRequest(code::kUpdateNamesrvConfig), "orderMessageEnable=true\n")
                .command.code,
            rc::kSuccess);
  EXPECT_THAT(Route("T").body, HasSubstr(R"("orderTopicConf":"broker-a:4")"));
}

TEST_F(RouteHandlersTest, UnregisteringRemovesTheBrokersRoutes) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
  const SentCommand r =
      Call(broker_, MakeRequest(code::kUnregisterBroker, {{"brokerName", "broker-a"},
                                                          {"brokerAddr", "a:1"},
                                                          {"clusterName", "DefaultCluster"},
                                                          {"brokerId", "0"}}));
  EXPECT_EQ(r.command.code, rc::kSuccess);
  EXPECT_FALSE(r.command.ext_fields.has_value());
  EXPECT_EQ(Route("T").command.code, rc::kTopicNotExist);
}

TEST_F(RouteHandlersTest, ClosingTheBrokersConnectionRemovesItAtOnce) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
  processor_.OnChannelClosed(remote_->id());
  EXPECT_EQ(Route("T").command.code, rc::kSuccess) << "another connection closing changes nothing";
  processor_.OnChannelClosed(broker_->id());
  EXPECT_EQ(Route("T").command.code, rc::kTopicNotExist);
}

TEST_F(RouteHandlersTest, ScanDropsBrokersSilentFor120SecondsAndClosesTheirConnection) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
  now_ += 30'000;
  auto other = FakeChannel::Loopback(9);
  Call(other, RegisterRequest("broker-b", "b:1"), BodyWithTopics(0, {{"U", 1}}).Encode());
  EXPECT_EQ(processor_.Scan(1'000'000 + 120'000), 0);
  EXPECT_EQ(processor_.Scan(1'000'000 + 120'001), 1);
  EXPECT_TRUE(broker_->closed());
  EXPECT_FALSE(other->closed());
  EXPECT_EQ(Route("T").command.code, rc::kTopicNotExist);
  EXPECT_EQ(Route("U").command.code, rc::kSuccess);
}

TEST_F(RouteHandlersTest, PeriodicRegistrationsKeepABrokerAlive) {
  for (int i = 0; i < 10; ++i) {
    RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
    now_ += 30'000;
    EXPECT_EQ(processor_.Scan(now_), 0);
  }
  EXPECT_EQ(Route("T").command.code, rc::kSuccess);
}

TEST_F(RouteHandlersTest, ClusterInfoAndTopicLists) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T1", 1}, {"S", 1}}), 0, "C1");
  RegisterBroker("broker-b", "b:1", BodyWithTopics(0, {{"T2", 1}}), 0, "C2");

  const SentCommand info = Call(remote_, MakeRequest(code::kGetBrokerClusterInfo));
  EXPECT_EQ(info.command.code, rc::kSuccess);
  EXPECT_FALSE(info.command.ext_fields.has_value());
  auto cluster = protocol::ClusterInfo::Decode(info.body);
  ASSERT_TRUE(cluster.ok());
  EXPECT_THAT(cluster->cluster_addr_table.at("C1"), ElementsAre("broker-a"));
  EXPECT_EQ(cluster->broker_addr_table.at("broker-b").broker_addrs.at(0), "b:1");

  EXPECT_EQ(Call(remote_, MakeRequest(code::kGetAllTopicListFromNameserver)).body,
            R"({"topicList":["S","T1","T2"]})");
  EXPECT_EQ(Call(remote_, MakeRequest(code::kGetTopicsByCluster, {{"cluster", "C1"}})).body,
            R"({"topicList":["S","T1"]})");
  EXPECT_EQ(Call(remote_, MakeRequest(code::kGetTopicsByCluster, {{"cluster", "X"}})).body,
            R"({"topicList":[]})");
  auto system =
      protocol::TopicList::Decode(Call(remote_, MakeRequest(code::kGetSystemTopicListFromNs)).body);
  ASSERT_TRUE(system.ok());
  EXPECT_THAT(system->topic_list, ElementsAre("C1", "broker-a", "C2", "broker-b"));
  EXPECT_EQ(system->broker_addr, "a:1");
}

TEST_F(RouteHandlersTest, QueryDataVersionReportsChangesAndRefreshesLiveness) {
  const protocol::RegisterBrokerBody body = BodyWithTopics(3, {{"T", 4}});
  RegisterBroker("broker-a", "a:1", body);
  const auto query = [&](const protocol::DataVersion& v) {
    return Call(broker_,
                MakeRequest(code::kQueryDataVersion, {{"brokerName", "broker-a"},
                                                      {"brokerAddr", "a:1"},
                                                      {"clusterName", "DefaultCluster"},
                                                      {"brokerId", "0"}}),
                protocol::EncodeDataVersion(v));
  };
  now_ += 100'000;
  const SentCommand same = query(body.topic_config_serialize_wrapper.data_version);
  EXPECT_EQ(same.command.code, rc::kSuccess);
  EXPECT_EQ(*same.command.Field("changed"), "false");
  EXPECT_EQ(same.body,
            protocol::EncodeDataVersion(body.topic_config_serialize_wrapper.data_version));
  EXPECT_EQ(routes_.LiveInfo("a:1")->last_update_millis, now_.load()) << "unchanged: touched";

  const SentCommand changed = query({1, 99});
  EXPECT_EQ(*changed.command.Field("changed"), "true");
  EXPECT_EQ(Call(broker_,
                 MakeRequest(code::kQueryDataVersion, {{"brokerName", "b"},
                                                       {"brokerAddr", "z:1"},
                                                       {"clusterName", "c"},
                                                       {"brokerId", "0"}}),
                 "{}")
                .body,
            "")
      << "no stored version, no body";
  EXPECT_EQ(Call(broker_,
                 MakeRequest(code::kQueryDataVersion, {{"brokerName", "b"},
                                                       {"brokerAddr", "z:1"},
                                                       {"clusterName", "c"},
                                                       {"brokerId", "0"}}),
                 "not json")
                .command.code,
            rc::kSystemError);
}

TEST_F(RouteHandlersTest, AnUnknownCodeIsRequestCodeNotSupported) {
  const SentCommand r = Call(remote_, MakeRequest(999));
  EXPECT_EQ(r.command.code, rc::kRequestCodeNotSupported);
}

TEST_F(RouteHandlersTest, ResponsesKeepTheRequestsSerializeType) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
  remoting::RemotingCommand req = MakeRequest(code::kGetRouteinfoByTopic, {{"topic", "T"}});
  req.serialize_type = remoting::SerializeType::kRocketMq;
  EXPECT_EQ(Call(remote_, req).command.serialize_type, remoting::SerializeType::kRocketMq);
}

}  // namespace
}  // namespace tern::namesrv
