#include "server/protocol/route_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/metadata/fastjson.h"

namespace tern::protocol {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TopicRouteData MasterSlaveRoute() {
  TopicRouteData route;
  route.broker_datas.push_back(
      {"DefaultCluster", "broker-a", {{0, "10.0.0.1:10911"}, {1, "10.0.0.2:10911"}}});
  route.queue_datas.push_back({"broker-a", 4, 8, 6, 0});
  return route;
}

TEST(TopicRouteDataEncode, WritesTheShapeJavaClientsParse) {
  EXPECT_EQ(MasterSlaveRoute().Encode(),
            R"({"brokerDatas":[{"brokerAddrs":{"1":"10.0.0.2:10911","0":"10.0.0.1:10911"},)"
            R"("brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},)"
            R"("queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,)"
            R"("topicSynFlag":0,"topicSysFlag":0,"writeQueueNums":8}]})");
}

TEST(TopicRouteDataEncode, IsStrictJsonWithQuotedBrokerIdKeys) {
  const std::string text = MasterSlaveRoute().Encode();
  rapidjson::Document doc;
  ASSERT_TRUE(engine::metadata::ParseStrictJson(text, doc).ok()) << text;
  EXPECT_THAT(text, HasSubstr(R"("0":"10.0.0.1:10911")"));
  EXPECT_THAT(text, Not(HasSubstr(" ")));
}

// The Go client before v2.1.2 splits the brokerAddrs text on ',' and ':', parses the quoted
// id with strconv.ParseInt (which fails, giving 0) and stores each address under that id;
// the last entry wins. Writing the master last keeps its view right.
TEST(TopicRouteDataEncode, WritesTheMasterAddressLastForOldGoClients) {
  const std::string text = MasterSlaveRoute().Encode();
  const size_t start = text.find("\"brokerAddrs\":{") + 15;
  const std::string addrs = text.substr(start, text.find('}', start) - start);
  std::string last_value;
  size_t pos = 0;
  while (pos <= addrs.size()) {
    size_t comma = addrs.find(',', pos);
    if (comma == std::string::npos) comma = addrs.size();
    const std::string entry = addrs.substr(pos, comma - pos);
    last_value = entry.substr(entry.find(':') + 1);
    pos = comma + 1;
  }
  EXPECT_EQ(last_value, "\"10.0.0.1:10911\"");
}

TEST(TopicRouteDataEncode, WritesOrderTopicConfOnlyWhenSet) {
  TopicRouteData route = MasterSlaveRoute();
  EXPECT_THAT(route.Encode(), Not(HasSubstr("orderTopicConf")));
  route.order_topic_conf = "broker-a:4";
  EXPECT_THAT(route.Encode(),
              HasSubstr(R"("filterServerTable":{},"orderTopicConf":"broker-a:4",)"));
}

TEST(TopicRouteDataDecode, ReadsThe480FormWithBareKeysAndTopicSynFlag) {
  absl::StatusOr<TopicRouteData> route = TopicRouteData::Decode(
      R"({"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:20911"},"brokerName":"broker-a",)"
      R"("cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":)"
      R"("broker-a","perm":7,"readQueueNums":8,"topicSynFlag":1,"writeQueueNums":8}]})");
  ASSERT_TRUE(route.ok()) << route.status();
  ASSERT_EQ(route->broker_datas.size(), 1u);
  EXPECT_EQ(route->broker_datas[0].broker_addrs.at(0), "127.0.0.1:20911");
  EXPECT_THAT(route->queue_datas, ElementsAre(QueueData{"broker-a", 8, 8, 7, 1}));
  EXPECT_FALSE(route->order_topic_conf.has_value());
}

TEST(TopicRouteDataDecode, ReadsThe498FormWithQuotedKeysAndTopicSysFlag) {
  absl::StatusOr<TopicRouteData> route = TopicRouteData::Decode(
      R"({"brokerDatas":[{"brokerAddrs":{"0":"a:1","1":"b:1"},"brokerName":"x","cluster":"c"}],)"
      R"("queueDatas":[{"brokerName":"x","perm":"6","readQueueNums":4,"topicSysFlag":2,)"
      R"("writeQueueNums":4,"futureField":{"a":[1]}}],"orderTopicConf":"x:4"})");
  ASSERT_TRUE(route.ok()) << route.status();
  EXPECT_EQ(route->broker_datas[0].broker_addrs.size(), 2u);
  EXPECT_EQ(route->queue_datas[0].perm, 6);
  EXPECT_EQ(route->queue_datas[0].topic_sys_flag, 2);
  EXPECT_EQ(route->order_topic_conf, "x:4");
}

TEST(TopicRouteDataDecode, RoundTripsItsOwnEncoding) {
  TopicRouteData route = MasterSlaveRoute();
  route.order_topic_conf = "broker-a:8";
  route.filter_server_table["10.0.0.1:10911"] = {"10.0.0.1:30000"};
  absl::StatusOr<TopicRouteData> decoded = TopicRouteData::Decode(route.Encode());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, route);
}

TEST(TopicRouteDataDecode, RejectsANonIntegerBrokerId) {
  absl::StatusOr<TopicRouteData> route =
      TopicRouteData::Decode(R"({"brokerDatas":[{"brokerAddrs":{"master":"a:1"}}]})");
  ASSERT_FALSE(route.ok());
  EXPECT_THAT(std::string(route.status().message()), HasSubstr("master"));
}

TEST(TopicRouteDataDecode, RejectsGarbageWithoutCrashing) {
  for (const char* text : {"", "[]", "{", R"({"queueDatas":{}})", R"({"brokerDatas":[1]})"}) {
    EXPECT_FALSE(TopicRouteData::Decode(text).ok()) << text;
  }
}

}  // namespace
}  // namespace tern::protocol
