// consume_runner.h: RunConsume, the `tern bench consume` workload, which reads a topic and
// verifies every message it gets (verifier.h).
//
//   push  a client::PushConsumer of `group` (clustering, ConsumeFrom::kFirstOffset for a new
//         group), `threads` consume threads, `pull_batch` messages per pull and per listener
//         call: what an application using the client library sees.
//   pull  PULL_MESSAGE driven directly (client/pull_api.h, offset_api.h): one long-polling
//         pull in flight per queue of the topic's route, starting at the group's committed
//         offset (the queue's first offset when it has none), records read in place
//         (record_scan.h), offsets committed with the pulls and at the end.
//
// The run ends when `expect` (> 0) unique messages have arrived, after `duration`, or when
// `*interrupt` becomes true. Throughput counts from the consumer's start to that moment.
//
// Errors: setup failures (no route, no name server) are returned as a Status; failed pulls
// are counted in the Summary by cause. Summary.passed is false when verification fails
// (VerifyReport::Passed with `expect` and `no_gaps`) or a response did not decode. Blocking;
// call from one thread.
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

enum class ConsumeMode { kPush, kPull };
std::string_view ConsumeModeName(ConsumeMode mode);
absl::StatusOr<ConsumeMode> ParseConsumeMode(std::string_view name);

struct ConsumeOptions {
  std::vector<std::string> namesrv_addrs;
  std::string topic = "TernBench";
  std::string group = "tern_bench_consumer";
  ConsumeMode mode = ConsumeMode::kPush;
  std::chrono::milliseconds duration{10000};
  uint64_t expect = 0;   // stop (and pass) at this many unique messages; 0: run the duration
  bool no_gaps = false;  // fail on sequence gaps too
  int threads = 4;       // push: consume threads
  int pull_batch = 32;   // messages asked per pull (the broker caps it, 32 by default)
  std::FILE* progress = nullptr;
  const std::atomic<bool>* interrupt = nullptr;
};

absl::StatusOr<Summary> RunConsume(const ConsumeOptions& options);

}  // namespace tern::load
