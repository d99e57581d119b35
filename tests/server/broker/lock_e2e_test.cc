// LOCK_BATCH_MQ / UNLOCK_BATCH_MQ over real sockets, as Java orderly consumers send them.
#include <gtest/gtest.h>

#include "engine/metadata/fastjson.h"
#include "server/broker/lock_processor.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::broker {
namespace {

namespace req = remoting::request;

std::string Body(const std::string& client, const std::string& broker) {
  return R"({"clientId":")" + client + R"(","consumerGroup":"og","mqSet":[)" +
         R"({"brokerName":")" + broker + R"(","queueId":0,"topic":"T"},)" + R"({"brokerName":")" +
         broker + R"(","queueId":1,"topic":"T"},)" +
         R"({"brokerName":"elsewhere","queueId":0,"topic":"T"}]})";
}

size_t Granted(const net::Response& r) {
  EXPECT_EQ(r.command.code, 0) << r.command.remark.value_or("");
  absl::StatusOr<LockBatchBody> b = DecodeLockBatchBody(
      // The response set has the request's shape minus the ids: reuse the parser.
      R"({"clientId":"x","consumerGroup":"x","mqSet":)" +
      r.body.substr(r.body.find('['), r.body.rfind(']') - r.body.find('[') + 1) + "}");
  EXPECT_TRUE(b.ok()) << b.status() << r.body;
  return b.ok() ? b->queues.size() : 0;
}

TEST(LockE2E, LocksAreExclusiveAndUnlockingHandsThemOver) {
  testing::BrokerTestCluster cluster;
  const std::string broker = cluster.broker().config().broker_name;
  // Only this broker's queues are locked (the third queue names another broker).
  EXPECT_EQ(Granted(cluster.CallBroker(req::kLockBatchMq, {}, Body("client-a", broker))), 2u);
  EXPECT_EQ(Granted(cluster.CallBroker(req::kLockBatchMq, {}, Body("client-b", broker))), 0u);
  EXPECT_EQ(Granted(cluster.CallBroker(req::kLockBatchMq, {}, Body("client-a", broker))), 2u);
  net::Response u = cluster.CallBroker(req::kUnlockBatchMq, {}, Body("client-a", broker));
  EXPECT_EQ(u.command.code, 0);
  EXPECT_EQ(Granted(cluster.CallBroker(req::kLockBatchMq, {}, Body("client-b", broker))), 2u);
}

TEST(LockE2E, ABrokenBodyIsRefusedWithARemark) {
  testing::BrokerTestCluster cluster;
  net::Response r = cluster.CallBroker(req::kLockBatchMq, {}, "{not json");
  EXPECT_EQ(r.command.code, remoting::response::kSystemError);
  EXPECT_NE(r.command.remark.value_or("").find("LockBatchRequestBody"), std::string::npos);
  r = cluster.CallBroker(req::kLockBatchMq, {}, R"({"mqSet":[]})");
  EXPECT_EQ(r.command.code, remoting::response::kSystemError);
}

}  // namespace
}  // namespace tern::broker
