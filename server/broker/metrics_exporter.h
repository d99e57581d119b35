// metrics_exporter.h: the broker's Prometheus exposition (/metrics).
//
// RocketMQ 5's metric and label names where they exist (rocketmq_messages_in_total,
// rocketmq_throughput_in_total, rocketmq_consumer_lag_messages, rocketmq_consumer_lag_latency,
// rocketmq_storage_size, ...; labels cluster, node_id, topic, consumer_group), plus what no
// RocketMQ exporter has: per-queue lag (queue_id), dispatch-behind bytes, the flush latency
// histogram, SYSTEM_BUSY replies, recovery figures, page-cache residency of the CommitLog, and
// the process's own figures. Per-topic message counts are the ConsumeQueues' max offsets, so
// they survive restarts. Series per family are capped (metricsMaxSeriesPerFamily); cut
// series are counted in tern_metrics_series_dropped_total.
//
// Thread safety: Render() may run on any thread (an HTTP thread); it only reads thread-safe
// broker state. Cost: one pass over topics x groups x queues plus one store read per lagging
// queue (for the lag latency), and a mincore() over the CommitLog mappings.
#pragma once

#include <functional>
#include <string>

#include "server/broker/broker_context.h"

namespace tern::broker {

struct MetricsHooks {
  std::function<int64_t()> connections;   // open client connections
  std::function<int64_t()> parked_pulls;  // long-polling pulls waiting
};

class MetricsExporter {
 public:
  MetricsExporter(BrokerContext* ctx, MetricsHooks hooks) : ctx_(ctx), hooks_(std::move(hooks)) {}
  std::string Render() const;

 private:
  BrokerContext* const ctx_;
  const MetricsHooks hooks_;
};

// Bytes of [data, data + size) resident in the page cache (mincore); 0 on error.
int64_t ResidentBytes(const void* data, size_t size);

}  // namespace tern::broker
