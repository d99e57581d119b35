// `tern bench` end to end: the produce runner in every mode against an in-process name server
// and broker, then both consume runners drain and verify what it sent.
#include <gtest/gtest.h>

#include "bench/load/consume_runner.h"
#include "bench/load/produce_runner.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::load {
namespace {

using namespace std::chrono_literals;

ProduceOptions Produce(const testing::BrokerTestCluster& c, ProduceMode mode, uint64_t n) {
  ProduceOptions o;
  o.namesrv_addrs = {c.namesrv_addr()};
  o.topic = "BenchE2E";
  o.queues = 4;
  o.mode = mode;
  o.connections = 2;
  o.inflight = 2;
  o.max_messages = n;
  o.duration = 60s;  // a deadline only: the message count ends the run
  return o;
}

ConsumeOptions Consume(const testing::BrokerTestCluster& c, ConsumeMode mode,
                       const std::string& group, uint64_t expect) {
  ConsumeOptions o;
  o.namesrv_addrs = {c.namesrv_addr()};
  o.topic = "BenchE2E";
  o.group = group;
  o.mode = mode;
  o.expect = expect;
  o.no_gaps = true;
  o.duration = 60s;
  return o;
}

void ExpectProduced(const absl::StatusOr<Summary>& s, uint64_t n) {
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->passed) << FormatText(*s);
  EXPECT_EQ(s->msgs, n);
  EXPECT_EQ(s->errors, 0u);
  EXPECT_EQ(s->bytes, n * 128);
}

TEST(BenchEndToEnd, EveryProduceModeIsConsumedAndVerifiedByPushAndPull) {
  testing::BrokerTestCluster cluster;
  ExpectProduced(RunProduce(Produce(cluster, ProduceMode::kSync, 600)), 600);
  ProduceOptions async = Produce(cluster, ProduceMode::kAsync, 600);
  async.inflight = 16;
  async.rate = 20000;  // open loop: 30 ms of schedule
  const absl::StatusOr<Summary> a = RunProduce(async);
  ExpectProduced(a, 600);
  ASSERT_TRUE(a->latency.has_value());
  EXPECT_EQ(a->latency->count(), 600u);
  ProduceOptions batch = Produce(cluster, ProduceMode::kBatch, 600);
  batch.batch = 64;  // 9 full batches and a last one of 24
  ExpectProduced(RunProduce(batch), 600);
  ExpectProduced(RunProduce(Produce(cluster, ProduceMode::kOneway, 200)), 200);

  for (ConsumeMode mode : {ConsumeMode::kPush, ConsumeMode::kPull}) {
    SCOPED_TRACE(std::string(ConsumeModeName(mode)));
    const absl::StatusOr<Summary> s =
        RunConsume(Consume(cluster, mode, std::string(ConsumeModeName(mode)) + "_group", 2000));
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_TRUE(s->passed) << FormatText(*s);
    ASSERT_TRUE(s->verify.has_value());
    EXPECT_EQ(s->verify->unique, 2000u);
    EXPECT_EQ(s->verify->checksum_failures, 0u);
    EXPECT_EQ(s->verify->foreign, 0u);
    EXPECT_EQ(s->verify->gaps, 0u);
    EXPECT_EQ(s->verify->duplicate_payloads, 0u);
    // One producer id per lane that sent something: sync 2x2 threads, async 2 windows,
    // batch 2x2, oneway 2x2 (a lane may find every slot taken by the others).
    EXPECT_GE(s->verify->producers, 4u);
    EXPECT_LE(s->verify->producers, 14u);
  }
}

TEST(BenchEndToEnd, ConsumeFailsWhenFewerMessagesThanExpectedArrive) {
  testing::BrokerTestCluster cluster;
  ExpectProduced(RunProduce(Produce(cluster, ProduceMode::kSync, 50)), 50);
  ConsumeOptions o = Consume(cluster, ConsumeMode::kPull, "short_group", 51);
  o.duration = 1500ms;
  const absl::StatusOr<Summary> s = RunConsume(o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->passed);
  EXPECT_EQ(s->verify->unique, 50u);
  EXPECT_NE(s->verdict.find("50 unique messages of 51 expected"), std::string::npos) << s->verdict;
}

TEST(BenchEndToEnd, AMessageThatIsNotABenchPayloadFailsVerification) {
  testing::BrokerTestCluster cluster;
  ExpectProduced(RunProduce(Produce(cluster, ProduceMode::kSync, 20)), 20);
  ASSERT_EQ(cluster.Send("BenchE2E", "a stranger's message").command.code, 0);
  const absl::StatusOr<Summary> s =
      RunConsume(Consume(cluster, ConsumeMode::kPull, "foreign_group", 21));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->passed);
  EXPECT_EQ(s->verify->foreign, 1u);
  EXPECT_EQ(s->verify->unique, 21u);
}

}  // namespace
}  // namespace tern::load
