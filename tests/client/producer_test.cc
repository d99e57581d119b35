// The C++ producer against a real name server and broker on loopback.
#include "client/producer.h"

#include <gtest/gtest.h>

#include <set>

#include "client/offset_api.h"
#include "client/pull_api.h"
#include "client/status_codes.h"
#include "server/remoting/codes.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::client {
namespace {

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  return cfg;
}

// Pulls everything of `queue` from offset 0 with a plain PULL_MESSAGE.
std::vector<MessageExt> PullAll(Producer& p, const MessageQueue& queue) {
  std::vector<MessageExt> out;
  int64_t offset = 0;
  const protocol::SubscriptionData all = *protocol::BuildSubscription(queue.topic, "*", "TAG", 1);
  for (int round = 0; round < 100; ++round) {
    PullRequestSpec spec;
    spec.group = "pull_check";
    spec.queue = queue;
    spec.offset = offset;
    spec.max_msgs = 32;
    spec.subscription = &all;
    absl::StatusOr<std::string> addr = BrokerAddrOf(p.instance(), queue);
    EXPECT_TRUE(addr.ok());
    auto r =
        p.instance().InvokeSync(*addr, BuildPullRequest(spec), "", std::chrono::milliseconds(3000));
    EXPECT_TRUE(r.ok());
    auto result = ParsePullResponse(*std::move(r), nullptr, {});
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok() || result->status != PullStatus::kFound) break;
    for (auto& m : result->msgs) out.push_back(std::move(m));
    offset = result->next_begin_offset;
  }
  return out;
}

TEST(Producer, SyncSendsSpreadOverQueuesAndAreStoredAsSent) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  std::set<int32_t> queues;
  std::vector<SendResult> results;
  for (int i = 0; i < 8; ++i) {
    Message m("ProdTopic", "TagA", "body-" + std::to_string(i));
    m.keys = {"k" + std::to_string(i)};
    m.properties["color"] = "blue";
    auto r = p.Send(m);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, SendStatus::kSendOk);
    EXPECT_EQ(r->msg_id.size(), 32u);
    EXPECT_EQ(r->queue.topic, "ProdTopic");
    queues.insert(r->queue.queue_id);
    results.push_back(*r);
  }
  EXPECT_EQ(queues.size(), 4u);  // round robin over the 4 auto-created queues
  cluster.WaitDispatched();
  auto stored = PullAll(p, results[0].queue);
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(stored[0].msg_id, results[0].msg_id);
  EXPECT_EQ(stored[0].offset_msg_id, results[0].offset_msg_id);
  EXPECT_EQ(stored[0].body, "body-0");
  EXPECT_EQ(stored[0].tags(), "TagA");
  EXPECT_EQ(stored[0].keys(), "k0");
  EXPECT_EQ(stored[0].Property("color"), "blue");
  p.Shutdown();
}

TEST(Producer, AsyncOnewayBatchAndLargeCompressedBodies) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  std::vector<std::future<absl::StatusOr<SendResult>>> futures;
  for (int i = 0; i < 50; ++i) futures.push_back(p.SendAsync(Message("AsyncT", "a")));
  for (auto& f : futures) {
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.status();
  }
  ASSERT_TRUE(p.SendOneway(Message("AsyncT", "oneway")).ok());
  std::vector<Message> batch;
  for (int i = 0; i < 10; ++i) batch.emplace_back("AsyncT", "b" + std::to_string(i));
  auto br = p.SendBatch(batch);
  ASSERT_TRUE(br.ok()) << br.status();
  // Ten ids, comma-joined, one queue, consecutive offsets.
  EXPECT_EQ(std::count(br->msg_id.begin(), br->msg_id.end(), ','), 9);
  const std::string big(100000, 'q');
  auto lr = p.SendTo(Message("AsyncT", big), br->queue);
  ASSERT_TRUE(lr.ok()) << lr.status();
  EXPECT_EQ(lr->queue_offset, br->queue_offset + 10);
  cluster.WaitDispatched();
  auto stored = PullAll(p, br->queue);
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(stored.back().body, big);  // compressed on the wire, inflated on read
  EXPECT_NE(stored.back().sys_flag & 0x1, 0);
  // The oneway message arrives (no answer, but it is stored).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int64_t total = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    total = 0;
    for (int q = 0; q < 4; ++q)
      total += *MaxOffset(p.instance(), {"AsyncT", br->queue.broker_name, q});
    if (total == 50 + 1 + 10 + 1) break;
  }
  EXPECT_EQ(total, 62);
  p.Shutdown();
}

TEST(Producer, OrderedSendsWithOneShardingKeyLandInOneQueueInOrder) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  MessageQueue first;
  for (int i = 0; i < 20; ++i) {
    auto r = p.Send(Message("OrderT", std::to_string(i)), SelectByHash, "order-42");
    ASSERT_TRUE(r.ok()) << r.status();
    if (i == 0) first = r->queue;
    EXPECT_EQ(r->queue, first);
  }
  cluster.WaitDispatched();
  auto stored = PullAll(p, first);
  ASSERT_EQ(stored.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(stored[i].body, std::to_string(i));
}

TEST(Producer, RefusalsComeBackAsStatusesWithTheRocketMqCode) {
  testing::BrokerTestCluster cluster(
      std::map<std::string, std::string>{{"autoCreateTopicEnable", "false"}});
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  auto r = p.Send(Message("NoSuchTopic", "x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
  auto bad = p.Send(Message("bad topic!", "x"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  auto empty = p.Send(Message("T", ""));
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Producer, NoNameServerIsAnErrorNotAHang) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {"127.0.0.1:1"};
  cfg.request_timeout = std::chrono::milliseconds(500);
  Producer p(cfg, ProducerOptions{.group = "pg", .send_timeout = std::chrono::milliseconds(500)});
  ASSERT_TRUE(p.Start().ok());
  auto r = p.Send(Message("T", "x"));
  EXPECT_FALSE(r.ok());
  bool called = false;
  Mutex mu;
  CondVar cv;
  p.SendAsync(Message("T", "x"), [&](absl::StatusOr<SendResult> r) {
    MutexLock lock(&mu);
    called = true;
    EXPECT_FALSE(r.ok());
    cv.Signal();
  });
  MutexLock lock(&mu);
  while (!called) ASSERT_TRUE(cv.WaitFor(&mu, std::chrono::seconds(10)));
}

}  // namespace
}  // namespace tern::client
