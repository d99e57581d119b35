// Broker-initiated requests reaching a C++ consumer through the broker, as mqadmin drives them:
// consumer running info (307), consume a message directly (309), reset offsets by time (222 ->
// 220 to the client).
#include <gtest/gtest.h>

#include <set>

#include "client/producer.h"
#include "client/push_consumer.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/reset_offset_body.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;
namespace req = remoting::request;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  return cfg;
}

class Counting {
 public:
  MessageListener Listener() {
    return [this](const std::vector<MessageExt>& msgs, ConsumeContext&) {
      MutexLock lock(&mu_);
      for (const MessageExt& m : msgs) ++seen_[m.body];
      total_ += static_cast<int>(msgs.size());
      cv_.SignalAll();
      return ConsumeResult::kSuccess;
    };
  }
  bool WaitTotal(int n) {
    MutexLock lock(&mu_);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (total_ < n) {
      if (!cv_.WaitUntil(&mu_, deadline)) return false;
    }
    return true;
  }
  int Count(const std::string& body) {
    MutexLock lock(&mu_);
    return seen_[body];
  }

 private:
  Mutex mu_;
  CondVar cv_;
  std::map<std::string, int> seen_;
  int total_ = 0;
};

struct Fixture {
  testing::BrokerTestCluster cluster{
      std::map<std::string, std::string>{{"adminCallClientTimeoutMillis", "5000"}}};
  Producer producer{ConfigFor(cluster), ProducerOptions{.group = "apg"}};
  Counting counting;
  std::unique_ptr<PushConsumer> consumer;
  std::vector<SendResult> sent;

  void Start(int messages) {
    ASSERT_TRUE(producer.Start().ok());
    for (int i = 0; i < messages; ++i) {
      auto r = producer.Send(Message("AdminReqT", "TagA", "m" + std::to_string(i)));
      ASSERT_TRUE(r.ok()) << r.status();
      sent.push_back(*r);
    }
    ClientConfig cfg = ConfigFor(cluster);
    cfg.persist_consumer_offset_interval = 100ms;
    consumer = std::make_unique<PushConsumer>(
        cfg, PushConsumerOptions{.group = "acg", .consume_from = ConsumeFrom::kFirstOffset});
    ASSERT_TRUE(consumer->Subscribe("AdminReqT", "*").ok());
    consumer->RegisterListener(counting.Listener());
    ASSERT_TRUE(consumer->Start().ok());
    ASSERT_TRUE(counting.WaitTotal(messages));
  }
};

TEST(AdminRequests, RunningInfoIsForwardedToTheClientAndReadableAsJava) {
  Fixture f;
  f.Start(8);
  net::Response r = f.cluster.CallBroker(req::kGetConsumerRunningInfo,
                                         {{"consumerGroup", "acg"},
                                          {"clientId", f.consumer->instance().client_id()},
                                          {"jstackEnable", "false"}});
  ASSERT_EQ(r.command.code, 0) << r.command.remark.value_or("");
  auto table = protocol::ParseMessageQueueMap(r.body, "mqTable");
  ASSERT_TRUE(table.ok()) << table.status() << r.body;
  std::set<std::string> topics;
  for (const auto& e : *table) topics.insert(e.queue.topic);
  EXPECT_TRUE(topics.count("AdminReqT")) << r.body;
  EXPECT_NE(r.body.find("\"PROP_CONSUMEORDERLY\":\"false\""), std::string::npos);
  EXPECT_NE(r.body.find("\"subString\":\"*\""), std::string::npos);
  // An unknown client id is refused by the broker with a remark.
  net::Response none = f.cluster.CallBroker(
      req::kGetConsumerRunningInfo, {{"consumerGroup", "acg"}, {"clientId", "1.2.3.4@nobody"}});
  EXPECT_NE(none.command.code, 0);
  EXPECT_FALSE(none.command.remark.value_or("").empty());
}

TEST(AdminRequests, ConsumeMessageDirectlyRunsTheListenerOnThatMessage) {
  Fixture f;
  f.Start(3);
  net::Response r = f.cluster.CallBroker(req::kConsumeMessageDirectly,
                                         {{"consumerGroup", "acg"},
                                          {"clientId", f.consumer->instance().client_id()},
                                          {"msgId", f.sent[1].offset_msg_id},
                                          {"brokerName", f.cluster.broker().config().broker_name}});
  ASSERT_EQ(r.command.code, 0) << r.command.remark.value_or("");
  EXPECT_NE(r.body.find("\"consumeResult\":\"CR_SUCCESS\""), std::string::npos) << r.body;
  EXPECT_EQ(f.counting.Count("m1"), 2);  // once by the pull, once directly
}

TEST(AdminRequests, ResetOffsetByTimeMakesTheConsumerReadAgain) {
  Fixture f;
  f.Start(10);
  // The broker resets only a group whose offsets it knows: wait for the periodic commit.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  for (int64_t committed = 0; committed < 10;) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "offsets never committed";
    committed = 0;
    for (int q = 0; q < 4; ++q) {
      net::Response o = f.cluster.CallBroker(
          req::kQueryConsumerOffset,
          {{"consumerGroup", "acg"}, {"topic", "AdminReqT"}, {"queueId", std::to_string(q)}});
      const std::string* v = o.command.Field("offset");
      if (o.command.code == 0 && v != nullptr) committed += std::stoll(*v);
    }
  }
  net::Response r = f.cluster.CallBroker(
      req::kInvokeBrokerToResetOffset,
      {{"topic", "AdminReqT"}, {"group", "acg"}, {"timestamp", "1"}, {"isForce", "true"}});
  ASSERT_EQ(r.command.code, 0) << r.command.remark.value_or("");
  auto body = protocol::ResetOffsetBody::Decode(r.body);
  ASSERT_TRUE(body.ok()) << body.status();
  for (const auto& [q, offset] : body->offset_table) EXPECT_EQ(offset, 0) << q.queue_id;
  // Every message comes again from the reset offsets.
  ASSERT_TRUE(f.counting.WaitTotal(20));
  for (int i = 0; i < 10; ++i) EXPECT_GE(f.counting.Count("m" + std::to_string(i)), 2) << i;
}

}  // namespace
}  // namespace tern::client
