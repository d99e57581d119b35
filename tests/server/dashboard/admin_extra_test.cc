// The dashboard's own admin-body decoders on bodies shaped as the Java 4.8.0 broker writes
// them, and the lag-time sanitizer (Java answers now + 1 for a queue never committed).
#include "server/dashboard/admin_extra.h"

#include <gtest/gtest.h>

namespace tern::dashboard {
namespace {

TEST(AdminExtra, DecodesConsumeTimeSpans) {
  absl::StatusOr<std::vector<QueueTimeSpan>> spans = DecodeConsumeTimeSpans(
      R"({"consumeTimeSpanSet":[{"consumeTimeStamp":1700000000000,"delayTime":1200,)"
      R"("maxTimeStamp":1700000001200,"messageQueue":{"brokerName":"b","queueId":3,"topic":"T"},)"
      R"("minTimeStamp":1699999999000}]})");
  ASSERT_TRUE(spans.ok()) << spans.status();
  ASSERT_EQ(spans->size(), 1u);
  EXPECT_EQ((*spans)[0].queue.topic, "T");
  EXPECT_EQ((*spans)[0].queue.queue_id, 3);
  EXPECT_EQ((*spans)[0].delay_ms, 1200);
  EXPECT_EQ((*spans)[0].min_timestamp, 1699999999000);
  EXPECT_FALSE(DecodeConsumeTimeSpans("[").ok());
}

TEST(AdminExtra, DecodesBrokerConsumeStats) {
  absl::StatusOr<BrokerConsumeStats> stats = BrokerConsumeStats::Decode(
      R"({"brokerAddr":"127.0.0.1:10911","consumeStatsList":[{"g1":[{"consumeTps":1.5,)"
      R"("offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":10,)"
      R"("consumerOffset":7,"lastTimestamp":1700000000000}}}]},{"g2":[]}],"totalDiff":3})");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->total_diff, 3);
  ASSERT_EQ(stats->groups.size(), 2u);
  EXPECT_EQ(stats->groups[0].first, "g1");
  ASSERT_EQ(stats->groups[0].second.size(), 1u);
  const auto& table = stats->groups[0].second[0].offset_table;
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table.begin()->second.broker_offset, 10);
  EXPECT_EQ(table.begin()->second.consumer_offset, 7);
  EXPECT_TRUE(stats->groups[1].second.empty());
}

TEST(AdminExtra, LagTimeIsCappedByTheOldestStoredMessage) {
  const int64_t now = 1'700'000'100'000;
  QueueTimeSpan s;
  s.min_timestamp = now - 50'000;
  s.delay_ms = 20'000;
  EXPECT_EQ(LagTimeMs(s, now), 20'000);
  s.delay_ms = now + 1;  // Java: consumer offset -1, storeTime(-1) = -1
  EXPECT_EQ(LagTimeMs(s, now), 50'000);
  s.delay_ms = 0;  // caught up
  EXPECT_EQ(LagTimeMs(s, now), 0);
  s.delay_ms = 5;
  s.min_timestamp = 0;  // empty queue
  EXPECT_EQ(LagTimeMs(s, now), 0);
}

}  // namespace
}  // namespace tern::dashboard
