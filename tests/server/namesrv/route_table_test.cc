#include "server/namesrv/route_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "server/protocol/perm.h"

namespace tern::namesrv {
namespace {

using protocol::QueueData;
using protocol::TopicConfig;
using protocol::TopicConfigSerializeWrapper;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TopicConfig Topic(const std::string& name, int32_t queues, int32_t perm = 6) {
  TopicConfig c;
  c.topic_name = name;
  c.read_queue_nums = queues;
  c.write_queue_nums = queues;
  c.perm = perm;
  return c;
}

TopicConfigSerializeWrapper Topics(int64_t counter, const std::vector<TopicConfig>& configs) {
  TopicConfigSerializeWrapper w;
  w.data_version = {1000 + counter, counter};
  for (const TopicConfig& c : configs) w.topic_config_table[c.topic_name] = c;
  return w;
}

BrokerRegistration Broker(const std::string& name, const std::string& addr, int64_t id = 0,
                          uint64_t channel = 1, const std::string& cluster = "DefaultCluster") {
  return {cluster, addr, name, id, addr + "-ha", channel};
}

class RouteTableTest : public ::testing::Test {
 protected:
  std::atomic<int64_t> now_{1'000'000};
  RouteTable table_{[this] { return now_.load(); }};

  std::vector<QueueData> Queues(const std::string& topic) {
    std::optional<protocol::TopicRouteData> route = table_.PickupRoute(topic);
    return route ? route->queue_datas : std::vector<QueueData>{};
  }
};

TEST_F(RouteTableTest, ARegisteredMastersTopicsHaveRoutes) {
  table_.Register(Broker("broker-a", "10.0.0.1:10911"), Topics(0, {Topic("T", 4), Topic("U", 8)}),
                  {});
  std::optional<protocol::TopicRouteData> route = table_.PickupRoute("T");
  ASSERT_TRUE(route.has_value());
  EXPECT_THAT(route->queue_datas, ElementsAre(QueueData{"broker-a", 4, 4, 6, 0}));
  ASSERT_EQ(route->broker_datas.size(), 1u);
  EXPECT_EQ(route->broker_datas[0].cluster, "DefaultCluster");
  EXPECT_EQ(route->broker_datas[0].broker_addrs,
            (std::map<int64_t, std::string>{{0, "10.0.0.1:10911"}}));
  EXPECT_TRUE(route->filter_server_table.empty());
  EXPECT_FALSE(route->order_topic_conf.has_value());
  EXPECT_FALSE(table_.PickupRoute("V").has_value());
}

TEST_F(RouteTableTest, AnIncrementalRegistrationMergesIntoTheTopicSet) {
  table_.Register(Broker("broker-a", "a:1"), Topics(0, {Topic("T", 4), Topic("TBW102", 8, 7)}), {});
  table_.Register(Broker("broker-a", "a:1"), Topics(1, {Topic("New", 2)}), {});
  EXPECT_THAT(Queues("T"), ElementsAre(QueueData{"broker-a", 4, 4, 6, 0}));
  EXPECT_THAT(Queues("TBW102"), ElementsAre(QueueData{"broker-a", 8, 8, 7, 0}));
  EXPECT_THAT(Queues("New"), ElementsAre(QueueData{"broker-a", 2, 2, 6, 0}));
}

TEST_F(RouteTableTest, AnUnchangedDataVersionLeavesQueueDataAlone) {
  table_.Register(Broker("broker-a", "a:1"), Topics(3, {Topic("T", 4)}), {});
  table_.Register(Broker("broker-a", "a:1"), Topics(3, {Topic("T", 16)}), {});
  EXPECT_EQ(Queues("T")[0].write_queue_nums, 4);
  table_.Register(Broker("broker-a", "a:1"), Topics(4, {Topic("T", 16)}), {});
  EXPECT_EQ(Queues("T")[0].write_queue_nums, 16);
}

TEST_F(RouteTableTest, ASlavesRegistrationNeverChangesQueueData) {
  table_.Register(Broker("broker-a", "a:1"), Topics(1, {Topic("T", 4)}), {});
  const RegisterResult slave = table_.Register(Broker("broker-a", "b:1", /*id=*/1, /*channel=*/2),
                                               Topics(9, {Topic("T", 16), Topic("S", 1)}), {});
  EXPECT_EQ(Queues("T")[0].write_queue_nums, 4);
  EXPECT_FALSE(table_.PickupRoute("S").has_value());
  EXPECT_EQ(slave.master_addr, "a:1");
  EXPECT_EQ(slave.ha_server_addr, "a:1-ha");
  EXPECT_EQ(table_.PickupRoute("T")->broker_datas[0].broker_addrs,
            (std::map<int64_t, std::string>{{0, "a:1"}, {1, "b:1"}}));
}

TEST_F(RouteTableTest, AMastersRegistrationReportsNoMaster) {
  const RegisterResult master = table_.Register(Broker("broker-a", "a:1"), Topics(0, {}), {});
  EXPECT_FALSE(master.master_addr.has_value());
  EXPECT_FALSE(master.ha_server_addr.has_value());
}

TEST_F(RouteTableTest, ASlavePromotedToMasterKeepsOneIdPerAddress) {
  table_.Register(Broker("broker-a", "b:1", /*id=*/1), Topics(0, {}), {});
  table_.Register(Broker("broker-a", "b:1", /*id=*/0), Topics(1, {Topic("T", 4)}), {});
  EXPECT_EQ(table_.GetClusterInfo().broker_addr_table.at("broker-a").broker_addrs,
            (std::map<int64_t, std::string>{{0, "b:1"}}));
  EXPECT_THAT(Queues("T"), ElementsAre(QueueData{"broker-a", 4, 4, 6, 0}));
}

TEST_F(RouteTableTest, UnregisteringTheLastAddressRemovesTheBrokerEverywhere) {
  table_.Register(Broker("broker-a", "a:1"), Topics(0, {Topic("Shared", 4), Topic("OnlyA", 4)}),
                  {});
  table_.Register(Broker("broker-b", "b:1", 0, 2), Topics(0, {Topic("Shared", 2)}), {});
  table_.Unregister("DefaultCluster", "a:1", "broker-a", 0);
  EXPECT_FALSE(table_.PickupRoute("OnlyA").has_value());
  EXPECT_THAT(Queues("Shared"), ElementsAre(QueueData{"broker-b", 2, 2, 6, 0}));
  const protocol::ClusterInfo info = table_.GetClusterInfo();
  EXPECT_FALSE(info.broker_addr_table.contains("broker-a"));
  EXPECT_THAT(info.cluster_addr_table.at("DefaultCluster"), ElementsAre("broker-b"));
  EXPECT_FALSE(table_.LiveInfo("a:1").has_value());
  EXPECT_THAT(table_.GetAllTopics().topic_list, ElementsAre("Shared"));

  table_.Unregister("DefaultCluster", "b:1", "broker-b", 0);
  EXPECT_TRUE(table_.GetClusterInfo().cluster_addr_table.empty());
  EXPECT_THAT(table_.GetAllTopics().topic_list, IsEmpty());
}

TEST_F(RouteTableTest, UnregisteringASlaveKeepsTheMastersRoutes) {
  table_.Register(Broker("broker-a", "a:1"), Topics(0, {Topic("T", 4)}), {});
  table_.Register(Broker("broker-a", "b:1", 1, 2), Topics(0, {}), {});
  table_.Unregister("DefaultCluster", "b:1", "broker-a", 1);
  ASSERT_TRUE(table_.PickupRoute("T").has_value());
  EXPECT_EQ(table_.PickupRoute("T")->broker_datas[0].broker_addrs.size(), 1u);
}

TEST_F(RouteTableTest, AStaleUnregisterDoesNotEvictTheCurrentHolderOfTheId) {
  table_.Register(Broker("broker-a", "new:1"), Topics(0, {Topic("T", 4)}), {});
  table_.Unregister("DefaultCluster", "old:1", "broker-a", 0);
  EXPECT_TRUE(table_.PickupRoute("T").has_value());
}

TEST_F(RouteTableTest, ClosingAChannelDropsEveryBrokerRegisteredThroughIt) {
  table_.Register(Broker("broker-a", "a:1", 0, /*channel=*/7), Topics(0, {Topic("A", 1)}), {});
  table_.Register(Broker("broker-b", "b:1", 0, /*channel=*/7), Topics(0, {Topic("B", 1)}), {});
  table_.Register(Broker("broker-c", "c:1", 0, /*channel=*/8), Topics(0, {Topic("C", 1)}), {});
  const std::vector<DroppedBroker> dropped = table_.OnChannelClosed(7);
  EXPECT_EQ(dropped.size(), 2u);
  EXPECT_FALSE(table_.PickupRoute("A").has_value());
  EXPECT_FALSE(table_.PickupRoute("B").has_value());
  EXPECT_TRUE(table_.PickupRoute("C").has_value());
  EXPECT_EQ(table_.live_broker_count(), 1u);
}

TEST_F(RouteTableTest, AnOldChannelClosingDoesNotDropABrokerThatReconnected) {
  table_.Register(Broker("broker-a", "a:1", 0, /*channel=*/1), Topics(0, {Topic("A", 1)}), {});
  table_.Register(Broker("broker-a", "a:1", 0, /*channel=*/2), Topics(0, {Topic("A", 1)}), {});
  EXPECT_THAT(table_.OnChannelClosed(1), IsEmpty());
  EXPECT_TRUE(table_.PickupRoute("A").has_value());
}

TEST_F(RouteTableTest, BrokersExpireAfter120SecondsWithoutARegistration) {
  table_.Register(Broker("broker-a", "a:1"), Topics(0, {Topic("A", 1)}), {});
  now_ += 60'000;
  table_.Register(Broker("broker-b", "b:1", 0, 2), Topics(0, {Topic("B", 1)}), {});
  const int64_t a_registered = 1'000'000;
  EXPECT_THAT(table_.ScanExpired(a_registered + kBrokerExpireMillis), IsEmpty());
  const std::vector<DroppedBroker> dropped =
      table_.ScanExpired(a_registered + kBrokerExpireMillis + 1);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].broker_addr, "a:1");
  EXPECT_EQ(dropped[0].channel_id, 1u);
  EXPECT_FALSE(table_.PickupRoute("A").has_value());
  EXPECT_TRUE(table_.PickupRoute("B").has_value());
}

TEST_F(RouteTableTest, ARegistrationOrTouchRefreshesLiveness) {
  table_.Register(Broker("broker-a", "a:1"), Topics(0, {Topic("A", 1)}), {});
  now_ += 100'000;
  table_.Touch("a:1");
  EXPECT_THAT(table_.ScanExpired(now_ + 100'000), IsEmpty());
  EXPECT_EQ(table_.LiveInfo("a:1")->last_update_millis, now_.load());
}

TEST_F(RouteTableTest, TracksTheDataVersionPerAddress) {
  EXPECT_FALSE(table_.BrokerDataVersion("a:1").has_value());
  EXPECT_TRUE(table_.IsTopicConfigChanged("a:1", {1, 1}));
  table_.Register(Broker("broker-a", "a:1"), Topics(5, {}), {});
  EXPECT_EQ(table_.BrokerDataVersion("a:1"), (protocol::DataVersion{1005, 5}));
  EXPECT_FALSE(table_.IsTopicConfigChanged("a:1", {1005, 5}));
  EXPECT_TRUE(table_.IsTopicConfigChanged("a:1", {1005, 6}));
  EXPECT_TRUE(table_.IsTopicConfigChanged("a:1", {1006, 5}));
}

TEST_F(RouteTableTest, ListsTopicsAllByClusterAndSystem) {
  table_.Register(Broker("broker-a", "a:1", 0, 1, "C1"), Topics(0, {Topic("T1", 1), Topic("S", 1)}),
                  {});
  table_.Register(Broker("broker-b", "b:1", 0, 2, "C2"), Topics(0, {Topic("T2", 1), Topic("S", 1)}),
                  {});
  EXPECT_THAT(table_.GetAllTopics().topic_list, ElementsAre("S", "T1", "T2"));
  EXPECT_THAT(table_.GetTopicsByCluster("C1").topic_list, ElementsAre("S", "T1"));
  EXPECT_THAT(table_.GetTopicsByCluster("C2").topic_list, ElementsAre("S", "T2"));
  EXPECT_THAT(table_.GetTopicsByCluster("Nope").topic_list, IsEmpty());
  const protocol::TopicList system = table_.GetSystemTopics();
  EXPECT_THAT(system.topic_list, UnorderedElementsAre("C1", "broker-a", "C2", "broker-b"));
  EXPECT_EQ(system.broker_addr, "a:1");
  EXPECT_FALSE(table_.GetAllTopics().broker_addr.has_value());
}

TEST_F(RouteTableTest, TheSystemTopicListOfAnEmptyTableHasNoBrokerAddr) {
  const protocol::TopicList system = table_.GetSystemTopics();
  EXPECT_THAT(system.topic_list, IsEmpty());
  EXPECT_FALSE(system.broker_addr.has_value());
}

TEST_F(RouteTableTest, ClusterInfoListsBrokersAndClusters) {
  table_.Register(Broker("broker-a", "a:1"), Topics(0, {}), {});
  table_.Register(Broker("broker-a", "a2:1", 1, 2), Topics(0, {}), {});
  const protocol::ClusterInfo info = table_.GetClusterInfo();
  EXPECT_EQ(info.broker_addr_table.at("broker-a").broker_addrs.size(), 2u);
  EXPECT_THAT(info.cluster_addr_table.at("DefaultCluster"), ElementsAre("broker-a"));
}

TEST_F(RouteTableTest, DeletesATopicEverywhereOrPerCluster) {
  table_.Register(Broker("broker-a", "a:1", 0, 1, "C1"), Topics(0, {Topic("T", 1)}), {});
  table_.Register(Broker("broker-b", "b:1", 0, 2, "C2"), Topics(0, {Topic("T", 2), Topic("U", 1)}),
                  {});
  EXPECT_TRUE(table_.DeleteTopic("T", "C1"));
  EXPECT_THAT(Queues("T"), ElementsAre(QueueData{"broker-b", 2, 2, 6, 0}));
  EXPECT_FALSE(table_.DeleteTopic("T", "Unknown"));
  EXPECT_TRUE(table_.DeleteTopic("T", "C2"));
  EXPECT_FALSE(table_.PickupRoute("T").has_value());
  EXPECT_TRUE(table_.DeleteTopic("U"));
  EXPECT_FALSE(table_.DeleteTopic("U"));
  EXPECT_THAT(table_.GetAllTopics().topic_list, IsEmpty());
}

TEST_F(RouteTableTest, WipesAndAddsWritePermWithCounts) {
  table_.Register(Broker("broker-a", "a:1"),
                  Topics(0, {Topic("T", 1, 6), Topic("TBW102", 8, 7), Topic("R", 1, 4)}), {});
  table_.Register(Broker("broker-b", "b:1", 0, 2), Topics(0, {Topic("T", 1, 6)}), {});
  EXPECT_EQ(table_.WipeWritePerm("broker-a"), 3);
  EXPECT_EQ(Queues("T")[0].perm, protocol::kPermRead);
  EXPECT_EQ(Queues("T")[1].perm, 6) << "broker-b untouched";
  EXPECT_EQ(Queues("TBW102")[0].perm, protocol::kPermRead | protocol::kPermInherit);
  EXPECT_EQ(table_.AddWritePerm("broker-a"), 3);
  EXPECT_EQ(Queues("T")[0].perm, 6);
  EXPECT_EQ(Queues("TBW102")[0].perm, 7) << "INHERIT kept, so auto-create still works";
  EXPECT_EQ(Queues("R")[0].perm, 6);
  EXPECT_EQ(table_.WipeWritePerm("unknown"), 0);
}

TEST_F(RouteTableTest, KeepsFilterServersPerAddress) {
  table_.Register(Broker("broker-a", "a:1"), Topics(0, {Topic("T", 1)}), {"a:30000"});
  EXPECT_EQ(table_.PickupRoute("T")->filter_server_table.at("a:1"),
            std::vector<std::string>{"a:30000"});
  table_.Register(Broker("broker-a", "a:1"), Topics(0, {Topic("T", 1)}), {});
  EXPECT_TRUE(table_.PickupRoute("T")->filter_server_table.empty());
}

}  // namespace
}  // namespace tern::namesrv
