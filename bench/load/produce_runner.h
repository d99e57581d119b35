// produce_runner.h: RunProduce, the `tern bench produce` workload.
//
// Each connection is its own client::Producer, hence its own ClientInstance and TCP
// connection. Modes:
//   sync    `inflight` threads per connection, each with one Send() in flight
//   async   one thread per connection keeping `inflight` SendAsync() calls outstanding
//   oneway  `inflight` threads per connection calling SendOneway() (latency: hand-off time)
//   batch   `inflight` threads per connection, each with one SendBatch() of `batch` messages
// Bodies are payload.h payloads of `body_size` bytes, one producer id per sending lane, with
// the tag `tag`, a key "<producer id>-<sequence>" and the UNIQ_KEY the producer adds.
//
// With `rate` > 0 all lanes share one RatePacer (open loop; latency counts from the intended
// send time); otherwise they send as fast as replies allow (closed loop; latency is the
// service time). The run ends after `duration`, after `max_messages` messages, or when
// `*interrupt` becomes true; in-flight async sends are then awaited. Before the clock starts
// the topic is created if needed (topic_setup.h) and every connection is opened.
//
// Errors: setup failures (no name server, topic cannot be created) are returned as a Status;
// send failures are counted in the Summary by cause. Blocking; call from one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/load/summary.h"

namespace tern::load {

enum class ProduceMode { kSync, kAsync, kOneway, kBatch };
std::string_view ProduceModeName(ProduceMode mode);
absl::StatusOr<ProduceMode> ParseProduceMode(std::string_view name);

struct ProduceOptions {
  std::vector<std::string> namesrv_addrs;
  std::string topic = "TernBench";
  size_t body_size = 128;  // >= kPayloadHeaderSize (24)
  int connections = 1;
  // sync, oneway, batch: sending threads per connection; async: sends in flight per connection.
  int inflight = 1;
  ProduceMode mode = ProduceMode::kSync;
  int batch = 64;  // messages per SendBatch
  std::chrono::milliseconds duration{10000};
  uint64_t max_messages = 0;  // 0: no limit
  double rate = 0;            // messages per second over all connections; 0: unpaced
  std::string tag = "TagA";
  int queues = 8;  // queues of the topic if the run creates it
  std::string group = "tern_bench_producer";
  std::FILE* progress = nullptr;  // per-second lines; null: none
  const std::atomic<bool>* interrupt = nullptr;
};

absl::StatusOr<Summary> RunProduce(const ProduceOptions& options);

}  // namespace tern::load
