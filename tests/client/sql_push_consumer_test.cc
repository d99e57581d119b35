// The C++ push consumer subscribed with an SQL92 expression against a real broker: only the
// messages whose properties match are delivered; a bad expression is refused at Subscribe.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "client/producer.h"
#include "client/push_consumer.h"
#include "engine/base/mutex.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  return cfg;
}

class Received {
 public:
  MessageListener Listener() {
    return [this](const std::vector<MessageExt>& msgs, ConsumeContext&) {
      MutexLock lock(&mu_);
      for (const MessageExt& m : msgs) bodies_.insert(m.body);
      cv_.SignalAll();
      return ConsumeResult::kSuccess;
    };
  }
  // Waits (15 s deadline) until `body` arrived.
  bool Wait(const std::string& body) {
    MutexLock lock(&mu_);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (!bodies_.count(body)) {
      if (!cv_.WaitUntil(&mu_, deadline)) return bodies_.count(body) > 0;
    }
    return true;
  }
  std::set<std::string> bodies() {
    MutexLock lock(&mu_);
    return bodies_;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  std::set<std::string> bodies_;
};

Message With(const std::string& topic, const std::string& body, const std::string& tag,
             std::map<std::string, std::string> props) {
  Message m(topic, tag, body);
  m.properties = std::move(props);
  return m;
}

TEST(SqlPushConsumer, ReceivesOnlyMessagesMatchingItsExpression) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "sql-pg"});
  ASSERT_TRUE(p.Start().ok());
  // One queue, so the last message fences everything sent before it.
  const QueueSelector first = [](const std::vector<MessageQueue>&, const Message&,
                                 const std::string&) { return size_t{0}; };
  auto send = [&](const Message& m) {
    auto r = p.Send(m, first, "");
    ASSERT_TRUE(r.ok()) << r.status();
  };
  for (int i = 0; i < 40; ++i) {
    send(With("SqlPushT", "m" + std::to_string(i), i % 2 == 0 ? "TagA" : "TagB",
              {{"a", std::to_string(i)}}));
  }
  send(With("SqlPushT", "no-a", "TagA", {}));
  send(With("SqlPushT", "not-a-number", "TagA", {{"a", "many"}}));
  send(With("SqlPushT", "fence", "TagA", {{"a", "1000"}}));

  Received got;
  PushConsumer c(ConfigFor(cluster), PushConsumerOptions{.group = "sql-cg",
                                                         .consume_from = ConsumeFrom::kFirstOffset,
                                                         .consume_threads = 1});
  ASSERT_TRUE(c.Subscribe("SqlPushT", "a >= 30 AND TAGS = 'TagA'", ExpressionType::kSql92).ok());
  c.RegisterListener(got.Listener());
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(got.Wait("fence"));
  EXPECT_EQ(got.bodies(), (std::set<std::string>{"m30", "m32", "m34", "m36", "m38", "fence"}));
  // Later messages are filtered the same way (long polling wakes only for a match).
  send(With("SqlPushT", "late-no", "TagB", {{"a", "31"}}));
  send(With("SqlPushT", "late-yes", "TagA", {{"a", "44"}}));
  ASSERT_TRUE(got.Wait("late-yes"));
  EXPECT_EQ(got.bodies().count("late-no"), 0u);
  c.Shutdown();
}

TEST(SqlPushConsumer, SubscribeRefusesABadExpression) {
  testing::BrokerTestCluster cluster;
  PushConsumer c(ConfigFor(cluster), PushConsumerOptions{.group = "sql-bad"});
  absl::Status s = c.Subscribe("T", "a > > 1", ExpressionType::kSql92);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("column 5"), std::string::npos) << s;
  // The same text is a (strange) tag expression, which is fine.
  EXPECT_TRUE(c.Subscribe("T", "a > > 1").ok());
}

}  // namespace
}  // namespace tern::client
