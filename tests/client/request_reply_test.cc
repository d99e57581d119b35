// Request-reply (Java's DefaultMQProducer.request / MessageUtil.createReplyMessage) against a
// real name server and broker on loopback: a responder (push consumer whose listener replies
// with a Producer, SEND_REPLY_MESSAGE_V2) and a requester (Producer::Request, replies pushed
// with PUSH_REPLY_MESSAGE_TO_CLIENT). Also: timeouts, many concurrent requests, a reply whose
// requester is gone, the broker's answers to 324/325 on the wire, and the codec helpers.
#include "client/request_reply.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "client/offset_api.h"
#include "client/producer.h"
#include "client/push_consumer.h"
#include "client/status_codes.h"
#include "engine/base/clock.h"
#include "engine/properties.h"
#include "server/remoting/headers/reply.h"
#include "server/remoting/headers/send.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;
namespace prop = engine::property;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  return cfg;
}

std::string ReplyTopic(testing::BrokerTestCluster& c) {
  return c.broker().config().broker_cluster_name + "_REPLY_TOPIC";
}

// A push consumer of `topic` that answers each request with "re:" + body.
class Responder {
 public:
  Responder(testing::BrokerTestCluster& cluster, const std::string& topic)
      : producer_(ConfigFor(cluster), ProducerOptions{.group = "responder-pg"}),
        consumer_(ConfigFor(cluster), PushConsumerOptions{.group = "responder-cg",
                                                          .consume_from = ConsumeFrom::kFirstOffset,
                                                          .consume_threads = 4,
                                                          .rebalance_interval = 200ms}) {
    EXPECT_TRUE(producer_.Start().ok());
    EXPECT_TRUE(consumer_.Subscribe(topic, "*").ok());
    consumer_.RegisterListener([this](const std::vector<MessageExt>& msgs, ConsumeContext&) {
      for (const MessageExt& m : msgs) {
        if (m.Property(prop::kCorrelationId).empty()) continue;  // warm-up messages
        absl::StatusOr<Message> reply = CreateReplyMessage(m, "re:" + m.body);
        if (!reply.ok()) {
          errors_.fetch_add(1);
          continue;
        }
        absl::StatusOr<SendResult> r = producer_.Send(*reply);
        (r.ok() ? replied_ : errors_).fetch_add(1);
      }
      return ConsumeResult::kSuccess;
    });
    EXPECT_TRUE(consumer_.Start().ok());
  }
  // Waits (deadline) until the consumer owns `n` queues of the topic.
  bool WaitQueues(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      size_t mine = 0;
      for (const MessageQueue& q : consumer_.AssignedQueues()) {
        mine += q.topic.starts_with("%RETRY%") ? 0 : 1;
      }
      if (mine >= n) return true;
      std::this_thread::sleep_for(10ms);  // polling a condition, bounded by the deadline
    }
    return false;
  }
  int replied() const { return replied_.load(); }
  int errors() const { return errors_.load(); }

 private:
  Producer producer_;
  PushConsumer consumer_;
  std::atomic<int> replied_{0};
  std::atomic<int> errors_{0};
};

// Creates `topic` (4 queues) so that the responder can subscribe before any request.
void CreateTopic(Producer& p, const std::string& topic) {
  absl::StatusOr<SendResult> r = p.Send(Message(topic, "warm-up"));
  ASSERT_TRUE(r.ok()) << r.status();
}

TEST(RequestReply, TheRequesterGetsTheResponderReply) {
  testing::BrokerTestCluster cluster;
  Producer requester(ConfigFor(cluster), ProducerOptions{.group = "requester-pg"});
  ASSERT_TRUE(requester.Start().ok());
  CreateTopic(requester, "RpcT");
  Responder responder(cluster, "RpcT");
  ASSERT_TRUE(responder.WaitQueues(4));

  const int64_t before = NowMillis();
  absl::StatusOr<MessageExt> reply = requester.Request(Message("RpcT", "ping"), 5000ms);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, "re:ping");
  EXPECT_EQ(reply->topic, ReplyTopic(cluster));
  EXPECT_EQ(reply->Property(prop::kMessageType), "reply");
  EXPECT_EQ(reply->Property(prop::kReplyToClient), requester.instance().client_id());
  EXPECT_EQ(reply->Property(prop::kMessageTtl), "5000");
  EXPECT_EQ(reply->Property(prop::kCorrelationId).size(), 36u);
  EXPECT_FALSE(reply->Property(prop::kPushReplyTime).empty());
  EXPECT_GE(std::stoll(std::string(reply->Property(prop::kReplyMessageArriveTime))), before);
  EXPECT_EQ(reply->born_host.substr(0, 10), "127.0.0.1:");
  EXPECT_EQ(reply->store_host, cluster.broker_addr());

  // A large body travels compressed both ways and arrives inflated.
  const std::string big(20000, 'x');
  reply = requester.Request(Message("RpcT", big), 5000ms);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, "re:" + big);
  EXPECT_EQ(responder.errors(), 0);
  EXPECT_EQ(RequestFutureTable::Global().size(), 0u);

  // The replies were stored in the reply topic too (storeReplyMessageEnable defaults true).
  cluster.WaitDispatched();
  absl::StatusOr<int64_t> max = MaxOffset(
      requester.instance(), {ReplyTopic(cluster), cluster.broker().config().broker_name, 0});
  ASSERT_TRUE(max.ok()) << max.status();
  EXPECT_EQ(*max, 2);
}

TEST(RequestReply, ARequestNobodyAnswersTimesOutAndLeavesNoEntry) {
  testing::BrokerTestCluster cluster;
  Producer requester(ConfigFor(cluster), ProducerOptions{.group = "requester-pg"});
  ASSERT_TRUE(requester.Start().ok());
  CreateTopic(requester, "SilentT");
  absl::StatusOr<MessageExt> reply = requester.Request(Message("SilentT", "anyone?"), 300ms);
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(absl::IsDeadlineExceeded(reply.status())) << reply.status();
  EXPECT_NE(reply.status().message().find("OK, but wait reply message timeout, 300 ms"),
            std::string::npos)
      << reply.status();

  Mutex mu;
  CondVar cv;
  std::optional<absl::Status> async_status;
  requester.RequestAsync(Message("SilentT", "anyone?"), 200ms, [&](absl::StatusOr<MessageExt> r) {
    MutexLock lock(&mu);
    async_status = r.status();
    cv.SignalAll();
  });
  {
    MutexLock lock(&mu);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!async_status && cv.WaitUntil(&mu, deadline)) {
    }
    ASSERT_TRUE(async_status.has_value());
    EXPECT_TRUE(absl::IsDeadlineExceeded(*async_status)) << *async_status;
  }
  EXPECT_EQ(RequestFutureTable::Global().size(), 0u);
}

TEST(RequestReply, ManyConcurrentRequestsEachGetTheirOwnReply) {
  testing::BrokerTestCluster cluster;
  Producer requester(ConfigFor(cluster), ProducerOptions{.group = "requester-pg"});
  ASSERT_TRUE(requester.Start().ok());
  CreateTopic(requester, "ManyT");
  Responder responder(cluster, "ManyT");
  ASSERT_TRUE(responder.WaitQueues(4));

  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> matched{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string body = "t" + std::to_string(t) + "-" + std::to_string(i);
        absl::StatusOr<MessageExt> r = requester.Request(Message("ManyT", body), 10000ms);
        if (r.ok() && r->body == "re:" + body) matched.fetch_add(1);
      }
    });
  }
  // And as many asynchronous ones at once.
  Mutex mu;
  CondVar cv;
  int async_done = 0;
  int async_matched = 0;
  constexpr int kAsync = 50;
  for (int i = 0; i < kAsync; ++i) {
    const std::string body = "a-" + std::to_string(i);
    requester.RequestAsync(Message("ManyT", body), 10000ms,
                           [&, body](absl::StatusOr<MessageExt> r) {
                             MutexLock lock(&mu);
                             ++async_done;
                             if (r.ok() && r->body == "re:" + body) ++async_matched;
                             cv.SignalAll();
                           });
  }
  for (std::thread& t : threads) t.join();
  {
    MutexLock lock(&mu);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (async_done < kAsync && cv.WaitUntil(&mu, deadline)) {
    }
    EXPECT_EQ(async_done, kAsync);
    EXPECT_EQ(async_matched, kAsync);
  }
  EXPECT_EQ(matched.load(), kThreads * kPerThread);
  EXPECT_EQ(responder.errors(), 0);
  EXPECT_EQ(RequestFutureTable::Global().size(), 0u);
}

TEST(RequestReply, AReplyToAGoneRequesterFailsAsInJavaButIsStored) {
  testing::BrokerTestCluster cluster;
  Producer replier(ConfigFor(cluster), ProducerOptions{.group = "replier-pg"});
  ASSERT_TRUE(replier.Start().ok());
  MessageExt request;
  request.topic = "GoneT";
  request.properties = {
      {std::string(prop::kCluster), cluster.broker().config().broker_cluster_name},
      {std::string(prop::kCorrelationId), NewCorrelationId()},
      {std::string(prop::kReplyToClient), "127.0.0.1@gone"},
      {std::string(prop::kMessageTtl), "3000"}};
  absl::StatusOr<Message> reply = CreateReplyMessage(request, "late answer");
  ASSERT_TRUE(reply.ok()) << reply.status();
  absl::StatusOr<SendResult> r = replier.Send(*reply);
  // Java's broker answers SYSTEM_ERROR with this remark; the reply is stored all the same
  // (once per attempt: the producer retries code 1, as Java's does).
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(RocketMqCode(r.status()), 1) << r.status();
  EXPECT_NE(r.status().message().find("push reply message fail, channel of <127.0.0.1@gone> not "
                                      "found."),
            std::string::npos)
      << r.status();
  cluster.WaitDispatched();
  absl::StatusOr<int64_t> max = MaxOffset(
      replier.instance(), {ReplyTopic(cluster), cluster.broker().config().broker_name, 0});
  ASSERT_TRUE(max.ok()) << max.status();
  EXPECT_GE(*max, 1);
}

// The broker's answer to 324 on the wire: a send response whose code is the push's outcome.
TEST(RequestReply, TheBrokerAnswers324LikeJava) {
  testing::BrokerTestCluster cluster;
  const std::string topic = ReplyTopic(cluster);
  std::string props;
  engine::AppendProperty(&props, prop::kMessageType, "reply");
  engine::AppendProperty(&props, prop::kCorrelationId, "c-1");
  std::map<std::string, std::string> fields = {
      {"producerGroup", "pg"},        {"topic", topic},     {"defaultTopic", "TBW102"},
      {"defaultTopicQueueNums", "4"}, {"queueId", "0"},     {"sysFlag", "0"},
      {"bornTimestamp", "1"},         {"flag", "0"},        {"properties", props},
      {"reconsumeTimes", "0"},        {"unitMode", "false"}};
  net::Response r = cluster.CallBroker(remoting::request::kSendReplyMessage, fields, "body");
  EXPECT_EQ(r.command.code, 1);
  EXPECT_EQ(r.command.remark.value_or(""), "reply message properties[REPLY_TO_CLIENT] is null");
  absl::StatusOr<remoting::SendMessageResponseHeader> h =
      remoting::SendMessageResponseHeader::Parse(r.command);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->queue_id, 0);
  EXPECT_EQ(h->queue_offset, 0);  // stored first in the queue
  EXPECT_EQ(h->msg_id.size(), 32u);

  // Validated like a send: a system topic that takes no sends is refused.
  fields["topic"] = "SCHEDULE_TOPIC_XXXX";
  r = cluster.CallBroker(remoting::request::kSendReplyMessage, fields, "body");
  EXPECT_EQ(r.command.code, remoting::response::kNoPermission);
  fields["topic"] = topic;
  fields["queueId"] = "5";
  r = cluster.CallBroker(remoting::request::kSendReplyMessage, fields, "body");
  EXPECT_EQ(r.command.code, 1);
  EXPECT_NE(r.command.remark.value_or("").find("queueId[5] is illegal"), std::string::npos);
}

TEST(RequestReply, WithoutStoreReplyMessageEnableTheReplyIsOnlyPushed) {
  testing::BrokerTestCluster cluster(
      std::map<std::string, std::string>{{"storeReplyMessageEnable", "false"}});
  Producer requester(ConfigFor(cluster), ProducerOptions{.group = "requester-pg"});
  ASSERT_TRUE(requester.Start().ok());
  CreateTopic(requester, "NoStoreT");
  Responder responder(cluster, "NoStoreT");
  ASSERT_TRUE(responder.WaitQueues(4));
  absl::StatusOr<MessageExt> reply = requester.Request(Message("NoStoreT", "ping"), 5000ms);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, "re:ping");
  cluster.WaitDispatched();
  absl::StatusOr<int64_t> max = MaxOffset(
      requester.instance(), {ReplyTopic(cluster), cluster.broker().config().broker_name, 0});
  ASSERT_TRUE(max.ok()) << max.status();
  EXPECT_EQ(*max, 0);
}

TEST(RequestReply, ShutdownFailsPendingRequests) {
  testing::BrokerTestCluster cluster;
  Producer requester(ConfigFor(cluster), ProducerOptions{.group = "requester-pg"});
  ASSERT_TRUE(requester.Start().ok());
  CreateTopic(requester, "ShutT");
  std::optional<absl::Status> status;
  requester.RequestAsync(Message("ShutT", "x"), 60000ms,
                         [&](absl::StatusOr<MessageExt> r) { status = r.status(); });
  requester.Shutdown();  // completes every callback before it returns
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(absl::IsCancelled(*status)) << *status;
  EXPECT_EQ(RequestFutureTable::Global().size(), 0u);
}

TEST(RequestReplyCodec, CreateReplyMessageNeedsTheClusterProperty) {
  MessageExt request;
  request.properties[std::string(prop::kCorrelationId)] = "c";
  absl::StatusOr<Message> reply = CreateReplyMessage(request, "b");
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.status().message().find("property[CLUSTER] is null"), std::string::npos);
  request.properties[std::string(prop::kCluster)] = "C1";
  reply = CreateReplyMessage(request, "b");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->topic, "C1_REPLY_TOPIC");
  EXPECT_TRUE(IsReplyMessage(*reply));
  EXPECT_EQ(reply->properties.count(std::string(prop::kReplyToClient)), 0u);
  EXPECT_EQ(reply->properties.at(std::string(prop::kCorrelationId)), "c");
}

TEST(RequestReplyCodec, DecodesAPushedReplyAsJavaSendsIt) {
  remoting::ReplyMessageRequestHeader h;
  h.producer_group = "pg";
  h.topic = "C_REPLY_TOPIC";
  h.default_topic = "TBW102";
  h.queue_id = 0;
  h.born_timestamp = 42;
  h.properties =
      "CORRELATION_ID\x01"
      "abc\x02";
  h.born_host = "/10.0.0.1:5000";
  h.store_host = "/10.0.0.2:10911";
  h.store_timestamp = 43;
  remoting::RemotingCommand cmd =
      remoting::RemotingCommand::Request(remoting::request::kPushReplyMessageToClient, 1);
  h.WriteTo(cmd.MutableFields());
  absl::StatusOr<remoting::ReplyMessageRequestHeader> back =
      remoting::ReplyMessageRequestHeader::Parse(cmd);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, h);
  absl::StatusOr<MessageExt> m = DecodePushedReply(cmd, "hello");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->body, "hello");
  EXPECT_EQ(m->born_host, "10.0.0.1:5000");
  EXPECT_EQ(m->store_host, "10.0.0.2:10911");
  EXPECT_EQ(m->Property(prop::kCorrelationId), "abc");
  EXPECT_FALSE(m->Property(prop::kReplyMessageArriveTime).empty());
  // A compressed flag on a body that is not zlib is an error, not a crash.
  cmd.MutableFields().Set("sysFlag", "1");
  EXPECT_FALSE(DecodePushedReply(cmd, "not zlib").ok());
  cmd.MutableFields().Set("queueId", "x");
  EXPECT_FALSE(DecodePushedReply(cmd, "hello").ok());
}

TEST(RequestReplyCodec, CorrelationIdsAreUuids) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewCorrelationId();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace tern::client
