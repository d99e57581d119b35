// AdminClient against a real name server and broker in this process (loopback): each typed
// call, the route aggregates with an online push consumer, error reporting (code, remark and
// address), and concurrent use from several threads.
#include "client/admin/admin_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "client/producer.h"
#include "client/push_consumer.h"
#include "client/status_codes.h"
#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::client::admin {
namespace {

using ::testing::HasSubstr;
namespace code = remoting::response;

std::unique_ptr<AdminClient> Connect(const testing::BrokerTestCluster& c) {
  AdminOptions o;
  o.namesrv_addrs = {c.namesrv_addr()};
  o.timeout = std::chrono::milliseconds(5000);
  absl::StatusOr<std::unique_ptr<AdminClient>> a = AdminClient::Create(o);
  EXPECT_TRUE(a.ok()) << a.status();
  return a.ok() ? *std::move(a) : nullptr;
}

TopicConfig Topic(std::string name, int queues) {
  TopicConfig t;
  t.topic_name = std::move(name);
  t.read_queue_nums = t.write_queue_nums = queues;
  return t;
}

// Polls `done` until it holds or 10 s pass.
template <typename Fn>
bool WaitFor(Fn done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

TEST(AdminClient, RefusesToStartWithoutANameServer) {
  absl::StatusOr<std::unique_ptr<AdminClient>> a = AdminClient::Create(AdminOptions{});
  EXPECT_FALSE(a.ok());
  EXPECT_THAT(std::string(MessageOf(a.status())), HasSubstr("name server"));
}

TEST(AdminClient, TopicsClusterAndNameServerCalls) {
  testing::BrokerTestCluster cluster;
  std::unique_ptr<AdminClient> admin = Connect(cluster);
  ASSERT_NE(admin, nullptr);
  absl::StatusOr<std::vector<std::string>> masters = admin->MasterAddrs("DefaultCluster");
  ASSERT_TRUE(masters.ok()) << masters.status();
  ASSERT_EQ(*masters, std::vector<std::string>{cluster.broker_addr()});
  EXPECT_EQ(admin->BrokerNameOf(cluster.broker_addr()).value_or(""), "broker-a");
  EXPECT_EQ(admin->MasterAddrs("NoSuchCluster").status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(admin->CreateTopic(cluster.broker_addr(), Topic("AdmT", 3)).ok());
  // The broker registers the new topic with the name server asynchronously (as Java's does).
  absl::StatusOr<protocol::TopicRouteData> route;
  ASSERT_TRUE(WaitFor([&] {
    route = admin->TopicRoute("AdmT");
    return route.ok();
  })) << route.status();
  ASSERT_EQ(route->queue_datas.size(), 1u);
  EXPECT_EQ(route->queue_datas[0].write_queue_nums, 3);
  absl::StatusOr<protocol::TopicList> list = admin->TopicList();
  ASSERT_TRUE(list.ok());
  EXPECT_THAT(list->topic_list, ::testing::Contains("AdmT"));
  absl::StatusOr<TopicStatsTable> stats = admin->ExamineTopicStats("AdmT");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->offset_table.size(), 3u);
  EXPECT_EQ(admin->TopicClusterList("AdmT").value_or(std::vector<std::string>{}),
            std::vector<std::string>{"DefaultCluster"});

  // A refusal names the request, the broker and the code.
  absl::StatusOr<TopicStatsTable> missing = admin->TopicStats(cluster.broker_addr(), "NoTopic");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(RocketMqCode(missing.status()), code::kTopicNotExist);
  EXPECT_THAT(
      std::string(MessageOf(missing.status())),
      HasSubstr("GET_TOPIC_STATS_INFO (202) of NoTopic to broker " + cluster.broker_addr()));
  absl::StatusOr<protocol::TopicRouteData> no_route = admin->TopicRoute("NoTopic");
  EXPECT_EQ(no_route.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(RocketMqCode(no_route.status()), code::kTopicNotExist);

  // KV config on the name server.
  ASSERT_TRUE(admin->PutKvConfig("NS", "k", "v").ok());
  EXPECT_EQ(admin->GetKvConfig("NS", "k").value_or(""), "v");
  absl::StatusOr<protocol::KVTable> kv = admin->KvList("NS");
  ASSERT_TRUE(kv.ok()) << kv.status();
  EXPECT_EQ(kv->table.at("k"), "v");
  ASSERT_TRUE(admin->DeleteKvConfig("NS", "k").ok());
  EXPECT_EQ(RocketMqCode(admin->GetKvConfig("NS", "k").status()), code::kQueryNotFound);
  absl::StatusOr<protocol::PropertyEntries> ns_config =
      admin->NamesrvConfig(cluster.namesrv_addr());
  ASSERT_TRUE(ns_config.ok()) << ns_config.status();
  EXPECT_FALSE(ns_config->empty());

  // Write permission round trip.
  absl::StatusOr<int32_t> wiped = admin->WipeWritePerm(cluster.namesrv_addr(), "broker-a");
  ASSERT_TRUE(wiped.ok()) << wiped.status();
  EXPECT_GE(*wiped, 1);
  EXPECT_EQ(admin->TopicRoute("AdmT")->queue_datas[0].perm & 2, 0);
  EXPECT_EQ(admin->AddWritePerm(cluster.namesrv_addr(), "broker-a").value_or(-1), *wiped);
  EXPECT_NE(admin->TopicRoute("AdmT")->queue_datas[0].perm & 2, 0);

  // Broker config and runtime info.
  absl::StatusOr<protocol::PropertyEntries> config = admin->BrokerConfig(cluster.broker_addr());
  ASSERT_TRUE(config.ok()) << config.status();
  absl::StatusOr<protocol::KVTable> runtime = admin->BrokerRuntimeInfo(cluster.broker_addr());
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  EXPECT_EQ(runtime->table.count("brokerVersionDesc"), 1u);

  // Deleting the topic everywhere.
  ASSERT_TRUE(admin->DeleteTopicInBroker(cluster.broker_addr(), "AdmT").ok());
  ASSERT_TRUE(admin->DeleteTopicInNamesrv(cluster.namesrv_addr(), "AdmT").ok());
  EXPECT_EQ(admin->TopicRoute("AdmT").status().code(), absl::StatusCode::kNotFound);
}

TEST(AdminClient, MessagesGroupsAndOffsets) {
  testing::BrokerTestCluster cluster;
  std::unique_ptr<AdminClient> admin = Connect(cluster);
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(admin->CreateTopic(cluster.broker_addr(), Topic("MsgT", 2)).ok());
  ClientConfig config;
  config.namesrv_addrs = {cluster.namesrv_addr()};
  Producer producer(config, ProducerOptions{.group = "admin_pg"});
  ASSERT_TRUE(producer.Start().ok());
  std::vector<SendResult> sent;
  for (int i = 0; i < 6; ++i) {
    Message m("MsgT", i % 2 == 0 ? "even" : "odd", "body-" + std::to_string(i));
    m.keys = {"key-" + std::to_string(i), "shared"};
    absl::StatusOr<SendResult> r = producer.Send(m);
    ASSERT_TRUE(r.ok()) << r.status();
    sent.push_back(*r);
  }
  cluster.WaitDispatched();

  absl::StatusOr<MessageExt> by_id = admin->ViewMessage(sent[2].offset_msg_id);
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_id->body, "body-2");
  EXPECT_FALSE(admin->ViewMessage("not-an-id").ok());
  absl::StatusOr<std::vector<MessageExt>> by_key = admin->QueryMessage(
      "MsgT", "shared", 64, 0, std::numeric_limits<int64_t>::max(), /*unique=*/false);
  ASSERT_TRUE(by_key.ok()) << by_key.status();
  EXPECT_EQ(by_key->size(), 6u);
  EXPECT_EQ(admin->QueryMessage("MsgT", "nope", 64, 0, std::numeric_limits<int64_t>::max(), false)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<MessageExt> by_uniq = admin->ViewMessageByUniqueKey("MsgT", sent[4].msg_id);
  ASSERT_TRUE(by_uniq.ok()) << by_uniq.status();
  EXPECT_EQ(by_uniq->body, "body-4");
  absl::StatusOr<PullResult> pulled = admin->Pull(sent[0].queue, "even", 0, 32);
  ASSERT_TRUE(pulled.ok()) << pulled.status();
  ASSERT_EQ(pulled->status, PullStatus::kFound);
  for (const MessageExt& m : pulled->msgs) EXPECT_EQ(m.tags(), "even");

  // A group: create, commit offsets, stats, clone, reset while offline, delete.
  SubscriptionGroupConfig g;
  g.group_name = "admin_cg";
  ASSERT_TRUE(admin->CreateSubscriptionGroup(cluster.broker_addr(), g).ok());
  absl::StatusOr<SubscriptionGroupFile> groups =
      admin->AllSubscriptionGroups(cluster.broker_addr());
  ASSERT_TRUE(groups.ok()) << groups.status();
  EXPECT_EQ(groups->subscription_group_table.count("admin_cg"), 1u);
  for (int q = 0; q < 2; ++q) {
    ASSERT_TRUE(
        admin->UpdateConsumerOffset(cluster.broker_addr(), "admin_cg", {"MsgT", "broker-a", q}, 1)
            .ok());
  }
  absl::StatusOr<ConsumeStats> stats =
      admin->GetConsumeStats(cluster.broker_addr(), "admin_cg", "MsgT");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->offset_table.size(), 2u);
  EXPECT_EQ(stats->TotalDiff(), 6 - 2);
  ASSERT_TRUE(
      admin->CloneGroupOffset(cluster.broker_addr(), "admin_cg", "admin_cg2", "MsgT", true).ok());
  absl::StatusOr<ConsumeStats> cloned =
      admin->GetConsumeStats(cluster.broker_addr(), "admin_cg2", "MsgT");
  ASSERT_TRUE(cloned.ok()) << cloned.status();
  EXPECT_EQ(cloned->TotalDiff(), 4);
  // No consumer online: the broker says 206 and the offline reset commits the max offsets.
  absl::StatusOr<std::map<MessageQueue, int64_t>> online =
      admin->ResetOffsetByTimestamp("MsgT", "admin_cg", -1, true, false);
  EXPECT_EQ(RocketMqCode(online.status()), code::kConsumerNotOnline) << online.status();
  absl::StatusOr<std::vector<RollbackStats>> rolled =
      admin->ResetOffsetOffline("admin_cg", "MsgT", -1, true);
  ASSERT_TRUE(rolled.ok()) << rolled.status();
  ASSERT_EQ(rolled->size(), 2u);
  EXPECT_EQ((*rolled)[0].rollback_offset, 3);
  EXPECT_EQ(admin->GetConsumeStats(cluster.broker_addr(), "admin_cg", "MsgT")->TotalDiff(), 0);
  ASSERT_TRUE(admin->DeleteSubscriptionGroup(cluster.broker_addr(), "admin_cg", true).ok());
  producer.Shutdown();
}

TEST(AdminClient, SeesAnOnlinePushConsumer) {
  testing::BrokerTestCluster cluster;
  std::unique_ptr<AdminClient> admin = Connect(cluster);
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(admin->CreateTopic(cluster.broker_addr(), Topic("PushT", 2)).ok());
  ClientConfig config;
  config.namesrv_addrs = {cluster.namesrv_addr()};
  PushConsumerOptions po;
  po.group = "admin_push";
  po.consume_from = ConsumeFrom::kFirstOffset;
  PushConsumer consumer(config, po);
  ASSERT_TRUE(consumer.Subscribe("PushT", "*").ok());
  std::atomic<int> consumed{0};
  consumer.RegisterListener([&](const std::vector<MessageExt>& msgs, ConsumeContext&) {
    consumed += static_cast<int>(msgs.size());
    return ConsumeResult::kSuccess;
  });
  ASSERT_TRUE(consumer.Start().ok());
  Producer producer(config, ProducerOptions{.group = "admin_push_pg"});
  ASSERT_TRUE(producer.Start().ok());
  std::string sent_offset_id;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<SendResult> r = producer.Send(Message("PushT", "b"));
    ASSERT_TRUE(r.ok()) << r.status();
    sent_offset_id = r->offset_msg_id;
  }
  ASSERT_TRUE(WaitFor([&] { return consumed.load() >= 4; }));

  absl::StatusOr<ConsumerConnection> cc;
  ASSERT_TRUE(WaitFor([&] {
    cc = admin->ExamineConsumerConnection("admin_push");
    return cc.ok();
  })) << cc.status();
  ASSERT_EQ(cc->connection_set.size(), 1u);
  EXPECT_EQ(cc->connection_set[0].language, "CPP");
  EXPECT_EQ(cc->subscription_table.count("PushT"), 1u);
  absl::StatusOr<ConsumerRunningInfo> info =
      admin->ExamineConsumerRunningInfo("admin_push", cc->connection_set[0].client_id);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_FALSE(info->mq_table.empty());
  // CONSUME_MESSAGE_DIRECTLY (309): the broker forwards the message to the consumer, whose
  // verdict comes back.
  absl::StatusOr<ConsumeMessageDirectlyResult> direct = admin->ConsumeMessageDirectlyById(
      "admin_push", cc->connection_set[0].client_id, sent_offset_id);
  ASSERT_TRUE(direct.ok()) << direct.status();
  EXPECT_EQ(direct->consume_result, "CR_SUCCESS");
  absl::StatusOr<GroupList> groups = admin->QueryTopicConsumeByWho("PushT");
  ASSERT_TRUE(groups.ok()) << groups.status();
  EXPECT_THAT(groups->group_list, ::testing::Contains("admin_push"));
  absl::StatusOr<ProducerConnection> pc =
      admin->ExamineProducerConnection("admin_push_pg", "PushT");
  ASSERT_TRUE(pc.ok()) << pc.status();
  EXPECT_EQ(pc->connection_set.size(), 1u);
  // With the consumer online, the broker computes the offsets and pushes them to the
  // consumer (RESET_CONSUMER_CLIENT_OFFSET; redelivery is asserted in admin_requests_test).
  // As in Java, the broker refuses while any queue of the group has no committed offset, so
  // wait until the consumer's commits (sent with its pulls) have reached the broker.
  ASSERT_TRUE(WaitFor([&] {
    absl::StatusOr<ConsumeStats> stats = admin->ExamineConsumeStats("admin_push", "PushT");
    if (!stats.ok() || stats->offset_table.size() != 2) return false;
    for (const auto& [mq, w] : stats->offset_table) {
      if (w.consumer_offset != w.broker_offset) return false;
    }
    return true;
  }));
  // INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223, mqadmin getConsumerStatus): the broker asks
  // the consumer (GET_CONSUMER_STATUS_FROM_CLIENT, 221) for its in-memory offsets.
  const std::string client_id = cc->connection_set[0].client_id;
  absl::StatusOr<AdminClient::ConsumerStatusTable> status =
      admin->ExamineConsumerStatus("PushT", "admin_push", "");
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->size(), 1u);
  ASSERT_EQ(status->count(client_id), 1u) << status->begin()->first;
  int64_t consumed_offsets = 0;
  for (const auto& [mq, offset] : status->at(client_id)) {
    EXPECT_EQ(mq.topic, "PushT");
    consumed_offsets += offset;
  }
  EXPECT_EQ(status->at(client_id).size(), 2u);
  EXPECT_EQ(consumed_offsets, 4);
  absl::StatusOr<AdminClient::ConsumerStatusTable> named =
      admin->ExamineConsumerStatus("PushT", "admin_push", client_id);
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->count(client_id), 1u);
  absl::StatusOr<AdminClient::ConsumerStatusTable> other =
      admin->ExamineConsumerStatus("PushT", "admin_push", "10.0.0.9@no-such-client");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_TRUE(other->empty());
  absl::StatusOr<AdminClient::ConsumerStatusTable> nobody =
      admin->ExamineConsumerStatus("PushT", "nobody_online", "");
  ASSERT_FALSE(nobody.ok());
  EXPECT_THAT(
      std::string(nobody.status().message()),
      ::testing::HasSubstr("No Any Consumer online in the consumer group: [nobody_online]"));

  absl::StatusOr<std::map<MessageQueue, int64_t>> reset =
      admin->ResetOffsetByTimestamp("PushT", "admin_push", 0, true, false);
  ASSERT_TRUE(reset.ok()) << reset.status();
  EXPECT_EQ(reset->size(), 2u);
  for (const auto& [mq, offset] : *reset) EXPECT_EQ(offset, 0) << mq.ToString();
  consumer.Shutdown();
  producer.Shutdown();
}

TEST(AdminClient, IsSafeToShareBetweenThreads) {
  testing::BrokerTestCluster cluster;
  std::unique_ptr<AdminClient> admin = Connect(cluster);
  ASSERT_NE(admin, nullptr);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string topic = "Par" + std::to_string(t);
      if (!admin->CreateTopic(cluster.broker_addr(), Topic(topic, 1)).ok()) ++failures;
      for (int i = 0; i < 10; ++i) {
        if (!admin->ClusterInfo().ok()) ++failures;
        if (!admin->TopicStats(cluster.broker_addr(), topic).ok()) ++failures;
        if (!admin->BrokerRuntimeInfo(cluster.broker_addr()).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace tern::client::admin
