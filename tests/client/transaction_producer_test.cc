// The C++ transactional producer against a real broker: commit, rollback, "unknown" resolved
// by the check-back either way, a producer that vanished before END_TRANSACTION replaced by a
// new one of its group, and a broker restarted with pending halves. A push consumer of the
// topic sees exactly the committed messages.
#include "client/transaction_producer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "client/push_consumer.h"
#include "engine/base/mutex.h"
#include "server/broker/reroute_services.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/server/broker/reroute_test_util.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;
using testing::WaitUntil;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  cfg.heartbeat_broker_interval = 200ms;  // re-announce the producer quickly after a restart
  return cfg;
}

std::map<std::string, std::string> FastChecks() {
  return {{"transactionCheckInterval", "100"}, {"transactionTimeOut", "300"}};
}

// Decides by the body: "commit-*", "rollback-*", anything else unknown; checks answer from a
// table the test fills ("unknown" when absent).
class Listener : public TransactionListener {
 public:
  LocalTransactionState ExecuteLocalTransaction(const Message& msg, const std::any& arg) override {
    MutexLock lock(&mu_);
    executed_.push_back(msg.body);
    if (const std::string* a = std::any_cast<std::string>(&arg)) args_.push_back(*a);
    if (msg.body.starts_with("commit-")) return LocalTransactionState::kCommit;
    if (msg.body.starts_with("rollback-")) return LocalTransactionState::kRollback;
    if (msg.body.starts_with("throw-")) throw std::runtime_error("local transaction failed");
    return LocalTransactionState::kUnknown;
  }
  LocalTransactionState CheckLocalTransaction(const MessageExt& msg) override {
    MutexLock lock(&mu_);
    checked_.push_back(msg);
    auto it = answers_.find(msg.body);
    return it == answers_.end() ? LocalTransactionState::kUnknown : it->second;
  }
  void Answer(const std::string& body, LocalTransactionState s) {
    MutexLock lock(&mu_);
    answers_[body] = s;
  }
  std::vector<MessageExt> checked() {
    MutexLock lock(&mu_);
    return checked_;
  }
  std::vector<std::string> args() {
    MutexLock lock(&mu_);
    return args_;
  }

 private:
  Mutex mu_;
  std::vector<std::string> executed_;
  std::vector<std::string> args_;
  std::vector<MessageExt> checked_;
  std::map<std::string, LocalTransactionState> answers_;
};

// A consumer of `topic` that records every body it receives.
class Watcher {
 public:
  Watcher(const testing::BrokerTestCluster& c, const std::string& topic)
      : consumer_(ConfigFor(c), PushConsumerOptions{.group = "watch-" + topic,
                                                    .consume_from = ConsumeFrom::kFirstOffset}) {
    EXPECT_TRUE(consumer_.Subscribe(topic, "*").ok());
    consumer_.RegisterListener([this](const std::vector<MessageExt>& msgs, ConsumeContext&) {
      MutexLock lock(&mu_);
      for (const MessageExt& m : msgs) seen_.insert(m.body);
      return ConsumeResult::kSuccess;
    });
    EXPECT_TRUE(consumer_.Start().ok());
  }
  std::multiset<std::string> seen() {
    MutexLock lock(&mu_);
    return seen_;
  }
  bool WaitFor(const std::string& body) {
    return WaitUntil([&] { return seen().contains(body); });
  }

 private:
  PushConsumer consumer_;
  Mutex mu_;
  std::multiset<std::string> seen_;
};

TEST(TransactionProducer, CommitRollbackAndUnknownResolvedByCheckBack) {
  testing::BrokerTestCluster cluster(FastChecks());
  Listener listener;
  TransactionProducer p(ConfigFor(cluster), ProducerOptions{.group = "tx-group"}, &listener);
  ASSERT_TRUE(p.Start().ok());
  listener.Answer("later-commit", LocalTransactionState::kCommit);
  listener.Answer("later-rollback", LocalTransactionState::kRollback);

  absl::StatusOr<TransactionSendResult> r =
      p.SendMessageInTransaction(Message("TxTopic", "TagA", "commit-1"), std::string("arg-1"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state, LocalTransactionState::kCommit);
  EXPECT_EQ(r->transaction_id, r->send.msg_id);
  EXPECT_EQ(listener.args(), std::vector<std::string>{"arg-1"});
  for (const char* body : {"rollback-1", "later-commit", "later-rollback", "throw-1"}) {
    r = p.SendMessageInTransaction(Message("TxTopic", "TagA", body));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  EXPECT_EQ(r->state, LocalTransactionState::kUnknown);  // the exception
  listener.Answer("throw-1", LocalTransactionState::kCommit);

  Watcher watcher(cluster, "TxTopic");
  ASSERT_TRUE(watcher.WaitFor("commit-1"));
  ASSERT_TRUE(watcher.WaitFor("later-commit"));
  ASSERT_TRUE(watcher.WaitFor("throw-1"));
  // The unknown ones were checked, under their own topic and transaction id.
  std::set<std::string> checked;
  for (const MessageExt& m : listener.checked()) {
    checked.insert(m.body);
    EXPECT_EQ(m.topic, "TxTopic");
    EXPECT_EQ(m.tags(), "TagA");
    EXPECT_FALSE(m.msg_id.empty());
  }
  EXPECT_TRUE(checked.contains("later-commit"));
  EXPECT_TRUE(checked.contains("later-rollback"));
  EXPECT_FALSE(checked.contains("commit-1"));
  EXPECT_FALSE(checked.contains("rollback-1"));
  // A few more rounds change nothing: only the commits are visible.
  const auto rounds = cluster.broker().reroute().transaction_check_rounds();
  ASSERT_TRUE(WaitUntil(
      [&] { return cluster.broker().reroute().transaction_check_rounds() >= rounds + 3; }));
  EXPECT_EQ(watcher.seen(), (std::multiset<std::string>{"commit-1", "later-commit", "throw-1"}));
}

// A producer that sent a half message and vanished before END_TRANSACTION: another instance
// of the same group answers the check.
TEST(TransactionProducer, ANewProducerOfTheGroupResolvesAVanishedOnesTransaction) {
  testing::BrokerTestCluster cluster(FastChecks());
  {
    Producer gone(ConfigFor(cluster), ProducerOptions{.group = "tx-group"});
    ASSERT_TRUE(gone.Start().ok());
    Message half("TxGone", "TagA", "orphan");
    half.properties["TRAN_MSG"] = "true";
    half.properties["PGROUP"] = "tx-group";
    ASSERT_TRUE(gone.Send(half).ok());
    gone.Shutdown();  // no END_TRANSACTION
  }
  Listener listener;
  listener.Answer("orphan", LocalTransactionState::kCommit);
  TransactionProducer heir(ConfigFor(cluster), ProducerOptions{.group = "tx-group"}, &listener);
  ASSERT_TRUE(heir.Start().ok());
  Watcher watcher(cluster, "TxGone");
  ASSERT_TRUE(watcher.WaitFor("orphan"));
  EXPECT_EQ(watcher.seen().count("orphan"), 1u);
}

TEST(TransactionProducer, PendingHalvesAreResolvedAfterABrokerRestart) {
  testing::BrokerTestCluster cluster(FastChecks());
  Listener listener;
  TransactionProducer p(ConfigFor(cluster), ProducerOptions{.group = "tx-group"}, &listener);
  ASSERT_TRUE(p.Start().ok());
  ASSERT_TRUE(p.SendMessageInTransaction(Message("TxRestart", "", "commit-before")).ok());
  ASSERT_TRUE(p.SendMessageInTransaction(Message("TxRestart", "", "pending-commit")).ok());
  ASSERT_TRUE(p.SendMessageInTransaction(Message("TxRestart", "", "pending-rollback")).ok());
  cluster.RestartBroker();
  listener.Answer("pending-commit", LocalTransactionState::kCommit);
  listener.Answer("pending-rollback", LocalTransactionState::kRollback);
  Watcher watcher(cluster, "TxRestart");
  ASSERT_TRUE(watcher.WaitFor("pending-commit"));
  ASSERT_TRUE(watcher.WaitFor("commit-before"));
  const auto rounds = cluster.broker().reroute().transaction_check_rounds();
  ASSERT_TRUE(WaitUntil(
      [&] { return cluster.broker().reroute().transaction_check_rounds() >= rounds + 3; }));
  EXPECT_EQ(watcher.seen(), (std::multiset<std::string>{"commit-before", "pending-commit"}));
}

}  // namespace
}  // namespace tern::client
