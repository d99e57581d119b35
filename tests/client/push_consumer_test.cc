// The C++ push consumer against a real name server and broker on loopback: clustering
// (queues split, each message once), broadcasting (every member gets everything), tag
// filtering, offsets committed and resumed, consume-from policies.
#include "client/push_consumer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "client/offset_api.h"
#include "client/producer.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/util/temp_dir.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  return cfg;
}

// Collects consumed message bodies; waits for conditions with a deadline.
class Sink {
 public:
  MessageListener Listener(std::string name) {
    return [this, name](const std::vector<MessageExt>& msgs, ConsumeContext&) {
      MutexLock lock(&mu_);
      for (const MessageExt& m : msgs) {
        ++count_[m.body];
        by_member_[name].insert(m.body);
        topics_.insert(m.topic);
      }
      cv_.SignalAll();
      return ConsumeResult::kSuccess;
    };
  }
  // Waits until `n` distinct bodies arrived (10 s deadline).
  bool WaitDistinct(size_t n) {
    MutexLock lock(&mu_);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (count_.size() < n) {
      if (!cv_.WaitUntil(&mu_, deadline)) return count_.size() >= n;
    }
    return true;
  }
  bool WaitMember(const std::string& name, size_t n) {
    MutexLock lock(&mu_);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (by_member_[name].size() < n) {
      if (!cv_.WaitUntil(&mu_, deadline)) return by_member_[name].size() >= n;
    }
    return true;
  }
  std::map<std::string, int> counts() {
    MutexLock lock(&mu_);
    return count_;
  }
  std::set<std::string> member(const std::string& name) {
    MutexLock lock(&mu_);
    return by_member_[name];
  }
  std::set<std::string> topics() {
    MutexLock lock(&mu_);
    return topics_;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  std::map<std::string, int> count_;
  std::map<std::string, std::set<std::string>> by_member_;
  std::set<std::string> topics_;
};

void SendN(Producer& p, const std::string& topic, int n, const std::string& prefix,
           const std::string& tag = "") {
  for (int i = 0; i < n; ++i) {
    auto r = p.Send(Message(topic, tag, prefix + std::to_string(i)));
    ASSERT_TRUE(r.ok()) << r.status();
  }
}

bool WaitQueues(PushConsumer& c, size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline) {
    size_t mine = 0;
    for (const MessageQueue& q : c.AssignedQueues()) mine += q.topic.starts_with("%RETRY%") ? 0 : 1;
    if (mine == n) return true;
    std::this_thread::sleep_for(10ms);  // polling a condition, bounded by the deadline
  }
  return false;
}

TEST(PushConsumer, ClusteringSplitsQueuesAndDeliversEachMessageOnce) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  SendN(p, "ClusterT", 4, "warm-");  // creates the topic (4 queues)
  Sink sink;
  PushConsumerOptions o{
      .group = "cg", .consume_from = ConsumeFrom::kFirstOffset, .consume_threads = 4};
  PushConsumer a(ConfigFor(cluster), o), b(ConfigFor(cluster), o);
  for (PushConsumer* c : {&a, &b}) ASSERT_TRUE(c->Subscribe("ClusterT", "*").ok());
  a.RegisterListener(sink.Listener("a"));
  b.RegisterListener(sink.Listener("b"));
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  // The broker notifies the group when b joins: both settle on 2 of the 4 queues.
  ASSERT_TRUE(WaitQueues(a, 2));
  ASSERT_TRUE(WaitQueues(b, 2));
  SendN(p, "ClusterT", 200, "m-");
  ASSERT_TRUE(sink.WaitDistinct(204));
  // Once the members have settled, each message goes to exactly one of them. (The warm-up
  // messages may be seen twice: consumed while one member held every queue, then again by
  // the member that took the queue before the first one's offset commit reached the broker
  // -- RocketMQ's at-least-once rebalance window.)
  for (const auto& [body, n] : sink.counts()) {
    if (body.starts_with("m-")) {
      EXPECT_EQ(n, 1) << body;
    }
  }
  EXPECT_FALSE(sink.member("a").empty());
  EXPECT_FALSE(sink.member("b").empty());
  EXPECT_EQ(sink.topics(), std::set<std::string>{"ClusterT"});
  a.Shutdown();
  b.Shutdown();
  // Offsets were committed at shutdown: the broker knows where the group stopped.
  int64_t committed = 0;
  for (int q = 0; q < 4; ++q) {
    auto off = QueryConsumerOffset(p.instance(), "cg",
                                   {"ClusterT", cluster.broker().config().broker_name, q});
    ASSERT_TRUE(off.ok()) << off.status();
    committed += *off;
  }
  EXPECT_EQ(committed, 204);
}

TEST(PushConsumer, ARestartedGroupResumesWhereItStopped) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  PushConsumerOptions o{.group = "resume", .consume_from = ConsumeFrom::kFirstOffset};
  {
    Sink sink;
    PushConsumer c(ConfigFor(cluster), o);
    ASSERT_TRUE(c.Subscribe("ResumeT", "*").ok());
    c.RegisterListener(sink.Listener("c"));
    SendN(p, "ResumeT", 30, "first-");
    ASSERT_TRUE(c.Start().ok());
    ASSERT_TRUE(sink.WaitDistinct(30));
    c.Shutdown();
  }
  SendN(p, "ResumeT", 20, "second-");
  Sink sink;
  PushConsumer c(ConfigFor(cluster), o);
  ASSERT_TRUE(c.Subscribe("ResumeT", "*").ok());
  c.RegisterListener(sink.Listener("c"));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(sink.WaitDistinct(20));
  for (const auto& [body, n] : sink.counts()) EXPECT_TRUE(body.starts_with("second-")) << body;
}

TEST(PushConsumer, ANewGroupOnAYoungQueueStartsAtItsFirstMessageEvenFromLast) {
  // RocketMQ's rule (protocol.md 2.5, QUERY_CONSUMER_OFFSET): with no committed offset, a
  // queue whose first message is still in memory is read from offset 0 whatever the
  // consume-from policy, so a new group sees a young topic's history.
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  SendN(p, "LastT", 10, "old-");
  Sink sink;
  PushConsumer c(ConfigFor(cluster), PushConsumerOptions{.group = "lastg"});
  ASSERT_TRUE(c.Subscribe("LastT", "*").ok());
  c.RegisterListener(sink.Listener("c"));
  ASSERT_TRUE(c.Start().ok());
  SendN(p, "LastT", 5, "new-");
  ASSERT_TRUE(sink.WaitDistinct(15));
}

TEST(PushConsumer, BroadcastingDeliversEveryMessageToEveryMember) {
  testing::BrokerTestCluster cluster;
  testing::TempDir offsets;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  SendN(p, "BcastT", 1, "warm-");
  Sink sink;
  PushConsumerOptions o{.group = "bg",
                        .model = MessageModel::kBroadcasting,
                        .consume_from = ConsumeFrom::kFirstOffset,
                        .offsets_dir = offsets.path()};
  // Two members in one process need distinct instance names (their offsets files differ).
  ClientConfig ca = ConfigFor(cluster), cb = ConfigFor(cluster);
  ca.instance_name = "member-a";
  cb.instance_name = "member-b";
  PushConsumer a(ca, o), b(cb, o);
  for (PushConsumer* c : {&a, &b}) ASSERT_TRUE(c->Subscribe("BcastT", "*").ok());
  a.RegisterListener(sink.Listener("a"));
  b.RegisterListener(sink.Listener("b"));
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  SendN(p, "BcastT", 50, "m-");
  ASSERT_TRUE(sink.WaitMember("a", 51));
  ASSERT_TRUE(sink.WaitMember("b", 51));
  for (const auto& [body, n] : sink.counts()) EXPECT_EQ(n, 2) << body;
}

TEST(PushConsumer, ARestartedBroadcastingMemberResumesFromItsOffsetsFile) {
  testing::BrokerTestCluster cluster;
  testing::TempDir offsets;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  PushConsumerOptions o{.group = "bresume",
                        .model = MessageModel::kBroadcasting,
                        .consume_from = ConsumeFrom::kFirstOffset,
                        .offsets_dir = offsets.path()};
  SendN(p, "BResumeT", 10, "first-");
  {
    Sink sink;
    PushConsumer c(ConfigFor(cluster), o);
    ASSERT_TRUE(c.Subscribe("BResumeT", "*").ok());
    c.RegisterListener(sink.Listener("c"));
    ASSERT_TRUE(c.Start().ok());
    ASSERT_TRUE(sink.WaitDistinct(10));
    c.Shutdown();
  }
  SendN(p, "BResumeT", 5, "second-");
  Sink sink;
  PushConsumer c(ConfigFor(cluster), o);
  ASSERT_TRUE(c.Subscribe("BResumeT", "*").ok());
  c.RegisterListener(sink.Listener("c"));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(sink.WaitDistinct(5));
  for (const auto& [body, n] : sink.counts()) EXPECT_TRUE(body.starts_with("second-")) << body;
}

TEST(PushConsumer, TagSubscriptionsReceiveOnlyMatchingTags) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  SendN(p, "TagT", 20, "a-", "TagA");
  SendN(p, "TagT", 20, "b-", "TagB");
  SendN(p, "TagT", 20, "c-", "TagC");
  SendN(p, "TagT", 5, "none-");
  Sink sink;
  PushConsumer c(ConfigFor(cluster),
                 PushConsumerOptions{.group = "tagg", .consume_from = ConsumeFrom::kFirstOffset});
  ASSERT_TRUE(c.Subscribe("TagT", "TagA || TagC").ok());
  c.RegisterListener(sink.Listener("c"));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(sink.WaitDistinct(40));
  // Send a marker after and wait for it, so that a wrongly delivered TagB would have arrived.
  SendN(p, "TagT", 1, "marker-", "TagC");
  ASSERT_TRUE(sink.WaitDistinct(41));
  for (const auto& [body, n] : sink.counts()) {
    EXPECT_TRUE(body.starts_with("a-") || body.starts_with("c-") || body.starts_with("marker-"))
        << body;
  }
}

TEST(PushConsumer, MisuseIsReportedAsAStatus) {
  testing::BrokerTestCluster cluster;
  PushConsumer c(ConfigFor(cluster), PushConsumerOptions{.group = "g"});
  EXPECT_EQ(c.Start().code(), absl::StatusCode::kFailedPrecondition);  // no listener
  c.RegisterListener(
      [](const std::vector<MessageExt>&, ConsumeContext&) { return ConsumeResult::kSuccess; });
  EXPECT_EQ(c.Start().code(), absl::StatusCode::kFailedPrecondition);  // no subscription
  PushConsumer nameless(ConfigFor(cluster), PushConsumerOptions{});
  EXPECT_EQ(nameless.Start().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tern::client
