// /metrics of a real broker: values follow known traffic (send N, see N; commit k, lag N-k),
// and the exposition passes `promtool check metrics` when promtool is installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "engine/properties.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/server/http/http_test_client.h"
#include "tests/util/temp_dir.h"

namespace tern::broker {
namespace {

namespace req = remoting::request;

// The value of the first sample whose line starts with `series` (name + labels prefix).
double Value(const std::string& text, const std::string& series) {
  size_t pos = 0;
  while ((pos = text.find(series, pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      const size_t end = text.find('\n', pos);
      const std::string line = text.substr(pos, end - pos);
      return std::stod(line.substr(line.rfind(' ') + 1));
    }
    pos += series.size();
  }
  ADD_FAILURE() << "no series " << series << " in:\n" << text.substr(0, 3000);
  return -1;
}

TEST(MetricsE2E, CountsFollowTrafficAndTheFormatIsValid) {
  testing::BrokerTestCluster cluster(
      std::map<std::string, std::string>{{"httpAddr", "127.0.0.1:0"}});
  const int port = cluster.broker().http_port();
  ASSERT_GT(port, 0);
  for (int i = 0; i < 25; ++i) {
    std::string props;
    engine::AppendProperty(&props, "TAGS", "A");
    ASSERT_EQ(cluster.Send("MetricsT", "body", props, i % 2).command.code, 0);
  }
  cluster.WaitDispatched();
  // Group "mg" has consumed 5 messages of queue 0 (offset 5) and none of queue 1.
  ASSERT_EQ(cluster
                .CallBroker(req::kUpdateConsumerOffset, {{"consumerGroup", "mg"},
                                                         {"topic", "MetricsT"},
                                                         {"queueId", "0"},
                                                         {"commitOffset", "5"}})
                .command.code,
            0);
  ASSERT_EQ(cluster
                .CallBroker(req::kUpdateConsumerOffset, {{"consumerGroup", "mg"},
                                                         {"topic", "MetricsT"},
                                                         {"queueId", "1"},
                                                         {"commitOffset", "0"}})
                .command.code,
            0);
  testing::HttpResult r = testing::HttpCall(port, "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  const std::string name = cluster.broker().config().broker_name;
  const std::string base = "cluster=\"DefaultCluster\",node_id=\"" + name + "\"";
  EXPECT_EQ(Value(m, "rocketmq_messages_in_total{" + base + ",topic=\"MetricsT\""), 25);
  // Queue 0 holds 13 messages (5 consumed), queue 1 holds 12 (none consumed).
  EXPECT_EQ(Value(m, "rocketmq_consumer_lag_messages{" + base +
                         ",topic=\"MetricsT\",consumer_group=\"mg\"}"),
            8 + 12);
  EXPECT_EQ(Value(m, "tern_consumer_queue_lag_messages{" + base +
                         ",topic=\"MetricsT\",consumer_group=\"mg\",queue_id=\"0\"}"),
            8);
  EXPECT_GE(Value(m, "rocketmq_consumer_lag_latency{" + base +
                         ",topic=\"MetricsT\",consumer_group=\"mg\"}"),
            0);
  EXPECT_GT(Value(m, "rocketmq_throughput_in_total{" + base + "}"), 0);
  EXPECT_GT(Value(m, "process_resident_memory_bytes"), 0);
  EXPECT_EQ(Value(m, "tern_metrics_series_dropped_total"), 0);
  EXPECT_NE(m.find("tern_flush_latency_seconds_bucket{" + base + ",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_EQ(testing::HttpCall(port, "GET", "/healthz").body, "ok\n");

  // promtool (Debian's prometheus package) must accept the exposition.
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool not installed (scripts/install-deps.sh installs it)";
  }
  testing::TempDir dir;
  const std::string path = dir.Sub("metrics.txt");
  std::ofstream(path) << m;
  const std::string cmd = "promtool check metrics < " + path + " > " + dir.Sub("out") + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream out(dir.Sub("out"));
  std::string report((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << report;
}

TEST(MetricsE2E, TheCardinalityCapIsHonoured) {
  testing::BrokerTestCluster cluster(std::map<std::string, std::string>{
      {"httpAddr", "127.0.0.1:0"}, {"metricsMaxSeriesPerFamily", "3"}});
  for (int t = 0; t < 6; ++t) {
    ASSERT_EQ(cluster.Send("CapT" + std::to_string(t), "x").command.code, 0);
  }
  const std::string m = testing::HttpCall(cluster.broker().http_port(), "GET", "/metrics").body;
  size_t series = 0;
  for (size_t p = 0; (p = m.find("\nrocketmq_messages_in_total{", p)) != std::string::npos; ++p) {
    ++series;
  }
  EXPECT_EQ(series, 3u);
  EXPECT_GT(Value(m, "tern_metrics_series_dropped_total"), 0);
}

}  // namespace
}  // namespace tern::broker
