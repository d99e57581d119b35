#include "server/http/prometheus_writer.h"

#include <gtest/gtest.h>

namespace tern::http {
namespace {

TEST(PrometheusWriter, WritesFamiliesWithEscapedLabels) {
  PrometheusWriter w;
  w.Family("rocketmq_messages_in_total", "counter", "Messages stored.");
  w.Sample({{"topic", "T\"1\\x\ny"}, {"cluster", "c"}}, 42);
  w.Family("tern_ratio", "gauge", "A ratio.");
  w.Sample({}, 0.25);
  const std::string text = std::move(w).Finish();
  EXPECT_NE(text.find("# HELP rocketmq_messages_in_total Messages stored.\n"
                      "# TYPE rocketmq_messages_in_total counter\n"
                      "rocketmq_messages_in_total{topic=\"T\\\"1\\\\x\\ny\",cluster=\"c\"} 42\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tern_ratio 0.25\n"), std::string::npos);
  EXPECT_NE(text.find("tern_metrics_series_dropped_total 0\n"), std::string::npos);
}

TEST(PrometheusWriter, HistogramsAreCumulative) {
  PrometheusWriter w;
  w.Family("tern_flush_latency_seconds", "histogram", "Flush latency.");
  w.Histogram({{"node_id", "b"}}, {0.001, 0.01}, {3, 2}, 6, 0.5);
  const std::string text = std::move(w).Finish();
  EXPECT_NE(text.find("tern_flush_latency_seconds_bucket{node_id=\"b\",le=\"0.001\"} 3\n"
                      "tern_flush_latency_seconds_bucket{node_id=\"b\",le=\"0.01\"} 5\n"
                      "tern_flush_latency_seconds_bucket{node_id=\"b\",le=\"+Inf\"} 6\n"
                      "tern_flush_latency_seconds_sum{node_id=\"b\"} 0.5\n"
                      "tern_flush_latency_seconds_count{node_id=\"b\"} 6\n"),
            std::string::npos)
      << text;
}

TEST(PrometheusWriter, TheCardinalityCapDropsAndCountsSeries) {
  PrometheusWriter w(2);
  w.Family("lag", "gauge", "Lag.");
  for (int i = 0; i < 5; ++i) {
    const std::string q = std::to_string(i);
    w.Sample({{"queue_id", q}}, i);
  }
  const std::string text = std::move(w).Finish();
  EXPECT_NE(text.find("lag{queue_id=\"1\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("lag{queue_id=\"2\"}"), std::string::npos);
  EXPECT_NE(text.find("tern_metrics_series_dropped_total 3\n"), std::string::npos);
}

}  // namespace
}  // namespace tern::http
