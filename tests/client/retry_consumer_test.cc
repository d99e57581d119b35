// Retry and dead letters with the C++ push consumer and a real broker: a message the listener
// answers kReconsumeLater comes back (under its own topic, with growing reconsume times) after
// the delay level the broker picks, and once max_reconsume_times is used up it lands in
// %DLQ%<group>.
#include <gtest/gtest.h>

#include "client/producer.h"
#include "client/push_consumer.h"
#include "engine/base/mutex.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/server/broker/reroute_test_util.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;
using testing::WaitUntil;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  return cfg;
}

// One-second delay levels, so retries come back quickly.
std::map<std::string, std::string> FastLevels() {
  return {{"messageDelayLevel", "1s 1s 1s 1s 1s 1s 1s 1s"}};
}

struct Delivery {
  std::string topic;
  std::string body;
  std::string msg_id;
  int32_t reconsume_times = 0;
};

// Fails each message `failures` times, then accepts it.
class FailingListener {
 public:
  explicit FailingListener(int failures) : failures_(failures) {}
  MessageListener Listener() {
    return [this](const std::vector<MessageExt>& msgs, ConsumeContext&) {
      MutexLock lock(&mu_);
      bool fail = false;
      for (const MessageExt& m : msgs) {
        deliveries_.push_back({m.topic, m.body, m.msg_id, m.reconsume_times});
        if (failures_ < 0 || ++seen_[m.body] <= failures_) fail = true;
      }
      return fail ? ConsumeResult::kReconsumeLater : ConsumeResult::kSuccess;
    };
  }
  std::vector<Delivery> deliveries() {
    MutexLock lock(&mu_);
    return deliveries_;
  }

 private:
  const int failures_;  // < 0: always
  Mutex mu_;
  std::map<std::string, int> seen_;
  std::vector<Delivery> deliveries_;
};

TEST(RetryConsumer, ReconsumeLaterBringsTheMessageBackUnderItsTopic) {
  testing::BrokerTestCluster cluster(FastLevels());
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  ASSERT_TRUE(p.Send(Message("RetryT", "TagA", "warm")).ok());
  FailingListener listener(2);
  PushConsumer c(
      ConfigFor(cluster),
      PushConsumerOptions{.group = "retry-group", .consume_from = ConsumeFrom::kFirstOffset});
  ASSERT_TRUE(c.Subscribe("RetryT", "*").ok());
  c.RegisterListener(listener.Listener());
  ASSERT_TRUE(c.Start().ok());
  absl::StatusOr<SendResult> sent = p.Send(Message("RetryT", "TagA", "flaky"));
  ASSERT_TRUE(sent.ok()) << sent.status();
  auto flaky = [&] {
    std::vector<Delivery> out;
    for (const Delivery& d : listener.deliveries()) {
      if (d.body == "flaky") out.push_back(d);
    }
    return out;
  };
  ASSERT_TRUE(WaitUntil([&] { return flaky().size() >= 3; }, 30s));
  std::vector<Delivery> got = flaky();
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].topic, "RetryT") << i;
    EXPECT_EQ(got[i].msg_id, sent->msg_id) << i;  // the UNIQ_KEY travels along
    EXPECT_EQ(got[i].reconsume_times, static_cast<int32_t>(i)) << i;
  }
  c.Shutdown();
  EXPECT_EQ(testing::QueueSize(cluster.broker().store(), "%DLQ%retry-group", 0), 0);
}

TEST(RetryConsumer, UsedUpRetriesLandInTheDeadLetterQueue) {
  testing::BrokerTestCluster cluster(FastLevels());
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  ASSERT_TRUE(p.Send(Message("DeadT", "TagA", "warm")).ok());
  FailingListener listener(-1);
  PushConsumer c(ConfigFor(cluster), PushConsumerOptions{.group = "dlq-group",
                                                         .consume_from = ConsumeFrom::kFirstOffset,
                                                         .max_reconsume_times = 2});
  ASSERT_TRUE(c.Subscribe("DeadT", "*").ok());
  c.RegisterListener(listener.Listener());
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(p.Send(Message("DeadT", "TagA", "poison")).ok());
  engine::MessageStore& store = cluster.broker().store();
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (const testing::StoredMessage& m : testing::ReadQueue(store, "%DLQ%dlq-group", 0)) {
          if (m.body == "poison") return true;
        }
        return false;
      },
      30s));
  int poison = 0;
  for (const Delivery& d : listener.deliveries()) {
    if (d.body == "poison") {
      EXPECT_EQ(d.reconsume_times, poison);
      ++poison;
    }
  }
  EXPECT_EQ(poison, 3);  // the first delivery and two retries
  for (const testing::StoredMessage& m : testing::ReadQueue(store, "%DLQ%dlq-group", 0)) {
    if (m.body != "poison") continue;
    EXPECT_EQ(m.reconsume_times, 3);
    EXPECT_EQ(m.Property("RETRY_TOPIC"), "DeadT");
  }
  c.Shutdown();
}

}  // namespace
}  // namespace tern::client
