// Tests of the small bodies: ClusterInfo, TopicList, KVTable, DataVersion and the
// TopicConfigSerializeWrapper.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/protocol/cluster_info.h"
#include "server/protocol/kv_table.h"
#include "server/protocol/topic_config_wrapper.h"
#include "server/protocol/topic_list.h"

namespace tern::protocol {
namespace {

using ::testing::ElementsAre;

TEST(ClusterInfo, EncodesBrokerAndClusterTables) {
  ClusterInfo info;
  info.broker_addr_table["broker-a"] = {"DefaultCluster", "broker-a", {{0, "10.0.0.1:10911"}}};
  info.cluster_addr_table["DefaultCluster"] = {"broker-a"};
  EXPECT_EQ(info.Encode(),
            R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{"0":"10.0.0.1:10911"},)"
            R"("brokerName":"broker-a","cluster":"DefaultCluster"}},)"
            R"("clusterAddrTable":{"DefaultCluster":["broker-a"]}})");
}

TEST(ClusterInfo, DecodesJavasBareKeysAndRoundTrips) {
  absl::StatusOr<ClusterInfo> info = ClusterInfo::Decode(
      R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:20911"},"brokerName":)"
      R"("broker-a","cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}})");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->broker_addr_table.at("broker-a").broker_addrs.at(0), "127.0.0.1:20911");
  EXPECT_THAT(info->cluster_addr_table.at("DefaultCluster"), ElementsAre("broker-a"));
  EXPECT_EQ(ClusterInfo::Decode(info->Encode()).value(), *info);
}

TEST(TopicList, OmitsBrokerAddrWhenUnset) {
  TopicList list;
  list.topic_list = {"TopicTest", "TBW102"};
  EXPECT_EQ(list.Encode(), R"({"topicList":["TopicTest","TBW102"]})");
  list.broker_addr = "10.0.0.1:10911";
  EXPECT_EQ(list.Encode(), R"({"brokerAddr":"10.0.0.1:10911","topicList":["TopicTest","TBW102"]})");
  EXPECT_EQ(TopicList::Decode(list.Encode()).value(), list);
}

TEST(TopicList, DecodesAMissingListAsEmpty) {
  absl::StatusOr<TopicList> list = TopicList::Decode("{}");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->topic_list.empty());
  EXPECT_FALSE(list->broker_addr.has_value());
}

TEST(KVTable, EncodesAndDecodes) {
  KVTable kv;
  kv.table = {{"TopicOrder", "broker-a:4;broker-b:4"}};
  EXPECT_EQ(kv.Encode(), R"({"table":{"TopicOrder":"broker-a:4;broker-b:4"}})");
  EXPECT_EQ(KVTable::Decode(kv.Encode()).value(), kv);
  EXPECT_EQ(KVTable::Decode(R"({"table":{"n":5,"b":true}})").value().table.at("n"), "5");
}

TEST(DataVersion, EncodesCompactlyAndDecodesLeniently) {
  EXPECT_EQ(EncodeDataVersion({1700000000000, 12}), R"({"counter":12,"timestamp":1700000000000})");
  absl::StatusOr<DataVersion> v =
      DecodeDataVersion(R"({"timestamp":"5","counter":3,"stateVersion":0})");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, (DataVersion{5, 3}));
  EXPECT_FALSE(DecodeDataVersion("").ok());
  EXPECT_FALSE(DecodeDataVersion("[1]").ok());
}

TEST(TopicConfigSerializeWrapper, AcceptsFilterTypeByNameOrOrdinal) {
  absl::StatusOr<TopicConfigSerializeWrapper> w = TopicConfigSerializeWrapper::Decode(
      R"({"dataVersion":{"counter":1,"timestamp":2},"topicConfigTable":{)"
      R"("A":{"topicName":"A","topicFilterType":1,"perm":7},)"
      R"("B":{"topicName":"B","topicFilterType":"MULTI_TAG","readQueueNums":"2"},)"
      R"("C":{"topicFilterType":"0"}}})");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->topic_config_table.at("A").topic_filter_type, "MULTI_TAG");
  EXPECT_EQ(w->topic_config_table.at("A").perm, 7);
  EXPECT_EQ(w->topic_config_table.at("B").topic_filter_type, "MULTI_TAG");
  EXPECT_EQ(w->topic_config_table.at("B").read_queue_nums, 2);
  EXPECT_EQ(w->topic_config_table.at("C").topic_filter_type, "SINGLE_TAG");
  EXPECT_EQ(w->topic_config_table.at("C").topic_name, "C") << "a missing topicName takes the key";
  EXPECT_EQ(w->topic_config_table.at("C").read_queue_nums, 16) << "Java's default";
}

TEST(TopicConfigSerializeWrapper, RejectsAnUnknownFilterType) {
  EXPECT_FALSE(TopicConfigSerializeWrapper::Decode(
                   R"({"topicConfigTable":{"A":{"topicFilterType":"SQL92"}}})")
                   .ok());
  EXPECT_FALSE(
      TopicConfigSerializeWrapper::Decode(R"({"topicConfigTable":{"A":{"topicFilterType":2}}})")
          .ok());
}

TEST(TopicConfigSerializeWrapper, RoundTrips) {
  TopicConfigSerializeWrapper w;
  w.data_version = {1700000000000, 4};
  TopicConfig c;
  c.topic_name = "T";
  c.read_queue_nums = 4;
  c.write_queue_nums = 2;
  c.perm = 7;
  c.topic_sys_flag = 1;
  c.order = true;
  c.topic_filter_type = "MULTI_TAG";
  w.topic_config_table["T"] = c;
  EXPECT_EQ(w.Encode(),
            R"({"dataVersion":{"counter":4,"timestamp":1700000000000},"topicConfigTable":{"T":)"
            R"({"order":true,"perm":7,"readQueueNums":4,"topicFilterType":"MULTI_TAG",)"
            R"("topicName":"T","topicSysFlag":1,"writeQueueNums":2}}})");
  EXPECT_EQ(TopicConfigSerializeWrapper::Decode(w.Encode()).value(), w);
}

}  // namespace
}  // namespace tern::protocol
