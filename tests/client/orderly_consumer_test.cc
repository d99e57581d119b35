// ORDERLY push consumers against a real broker: per sharding key the consumed sequence never
// skips ahead (a step back is a redelivery after a rebalance, which then replays in order), and
// nothing is missing, while members join and leave mid-stream.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "absl/strings/numbers.h"
#include "client/producer.h"
#include "client/push_consumer.h"
#include "engine/base/clock.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  return cfg;
}

struct Consumed {
  std::string key;
  int seq = 0;
  std::string member;
  int64_t at_ms = 0;
};

class Journal {
 public:
  OrderlyMessageListener Listener(std::string member) {
    return [this, member](const std::vector<MessageExt>& msgs, ConsumeOrderlyContext&) {
      MutexLock lock(&mu_);
      for (const MessageExt& m : msgs) {
        const size_t colon = m.body.find(':');
        Consumed c{m.body.substr(0, colon), 0, member, NowMillis()};
        EXPECT_TRUE(absl::SimpleAtoi(m.body.substr(colon + 1), &c.seq)) << m.body;
        log_.push_back(c);
        distinct_.insert(m.body);
      }
      cv_.SignalAll();
      return ConsumeOrderlyResult::kSuccess;
    };
  }
  bool WaitDistinct(size_t n, std::chrono::seconds timeout) {
    MutexLock lock(&mu_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (distinct_.size() < n) {
      if (!cv_.WaitUntil(&mu_, deadline)) return distinct_.size() >= n;
    }
    return true;
  }
  std::vector<Consumed> log() {
    MutexLock lock(&mu_);
    return log_;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  std::vector<Consumed> log_;
  std::set<std::string> distinct_;
};

PushConsumerOptions Orderly() {
  PushConsumerOptions o;
  o.group = "orderly_g";
  o.consume_from = ConsumeFrom::kFirstOffset;
  o.consume_threads = 4;
  o.lock_retry_interval = 200ms;
  return o;
}

TEST(OrderlyConsumer, PerKeyOrderHoldsWhileMembersJoinAndLeave) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "opg"});
  ASSERT_TRUE(p.Start().ok());
  const std::vector<std::string> keys = {"order-1", "order-2", "order-3", "order-4"};
  constexpr int kPerKey = 1000;
  // Create the topic first so both members see all its queues.
  ASSERT_TRUE(p.Send(Message("OrderlyT", "warm:0"), SelectByHash, "warm").ok());

  Journal journal;
  auto a = std::make_unique<PushConsumer>(ConfigFor(cluster), Orderly());
  PushConsumer b(ConfigFor(cluster), Orderly());
  ASSERT_TRUE(a->Subscribe("OrderlyT", "*").ok());
  ASSERT_TRUE(b.Subscribe("OrderlyT", "*").ok());
  a->RegisterOrderlyListener(journal.Listener("a"));
  b.RegisterOrderlyListener(journal.Listener("b"));
  ASSERT_TRUE(a->Start().ok());

  std::thread sender([&] {
    for (int i = 0; i < kPerKey; ++i) {
      for (const std::string& k : keys) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!p.Send(Message("OrderlyT", k + ":" + std::to_string(i)), SelectByHash, k).ok()) {
          ASSERT_LT(std::chrono::steady_clock::now(), deadline);
        }
      }
    }
  });
  ASSERT_TRUE(journal.WaitDistinct(1000, 30s));
  const int64_t b_started = NowMillis();
  ASSERT_TRUE(b.Start().ok());  // b joins: queues move from a to b
  ASSERT_TRUE(journal.WaitDistinct(2500, 30s));
  a->Shutdown();  // a leaves: b takes everything
  sender.join();
  ASSERT_TRUE(journal.WaitDistinct(1 + keys.size() * kPerKey, 60s));
  b.Shutdown();

  std::map<std::string, int> last;
  std::map<std::string, std::set<int>> seen;
  std::map<std::string, int> per_member;
  int64_t b_first = 0;
  int redelivered = 0;
  for (const Consumed& c : journal.log()) {
    ++per_member[c.member];
    if (c.member == "b" && b_first == 0) b_first = c.at_ms;
    if (c.key == "warm") continue;
    auto it = last.find(c.key);
    if (it != last.end()) {
      // Never skipping ahead: the next message of a key is the one after, or a step back.
      EXPECT_LE(c.seq, it->second + 1) << c.key << " jumped from " << it->second << " to " << c.seq
                                       << " (member " << c.member << ")";
      if (c.seq <= it->second) ++redelivered;
    } else {
      EXPECT_EQ(c.seq, 0) << c.key << " did not start at its first message";
    }
    last[c.key] = c.seq;
    seen[c.key].insert(c.seq);
  }
  for (const std::string& k : keys) EXPECT_EQ(seen[k].size(), static_cast<size_t>(kPerKey)) << k;
  // Offsets are committed before a queue changes hands, so a handover redelivers little.
  EXPECT_LT(redelivered, 200);
  // Both members consumed: the queues really changed hands twice.
  EXPECT_GT(per_member["a"], 0);
  EXPECT_GT(per_member["b"], 0);
  // The handover stall (RocketMQ: up to 20 s, apache/rocketmq#2621): from b's start to its
  // first message. Reported, not asserted (timing).
  std::printf(
      "orderly: %d redelivered over 2 handovers; a %d, b %d messages; b's first message "
      "%lld ms after it started\n",
      redelivered, per_member["a"], per_member["b"], static_cast<long long>(b_first - b_started));
}

TEST(OrderlyConsumer, SuspendRedeliversTheSameMessagesInOrder) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "opg"});
  ASSERT_TRUE(p.Start().ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(p.Send(Message("SuspendT", "k:" + std::to_string(i)), SelectByHash, "k").ok());
  }
  Mutex mu;
  CondVar cv;
  std::vector<std::string> order;
  int failures_left = 3;
  PushConsumer c(ConfigFor(cluster), Orderly());
  ASSERT_TRUE(c.Subscribe("SuspendT", "*").ok());
  c.RegisterOrderlyListener([&](const std::vector<MessageExt>& msgs, ConsumeOrderlyContext& ctx) {
    MutexLock lock(&mu);
    order.push_back(msgs[0].body);
    cv.SignalAll();
    if (msgs[0].body == "k:4" && failures_left > 0) {
      --failures_left;
      ctx.suspend = 10ms;
      return ConsumeOrderlyResult::kSuspendCurrentQueueAMoment;
    }
    return ConsumeOrderlyResult::kSuccess;
  });
  ASSERT_TRUE(c.Start().ok());
  MutexLock lock(&mu);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (order.size() < 13) ASSERT_TRUE(cv.WaitUntil(&mu, deadline)) << order.size();
  const std::vector<std::string> expected = {"k:0", "k:1", "k:2", "k:3", "k:4", "k:4", "k:4",
                                             "k:4", "k:5", "k:6", "k:7", "k:8", "k:9"};
  EXPECT_EQ(order, expected);
}

}  // namespace
}  // namespace tern::client
