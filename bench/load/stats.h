// stats.h: RunStats, what a workload counts while it runs: per-lane message and byte counters
// with a latency histogram each, and errors keyed by their cause.
//
// A lane is one sender (a connection's thread, or its async window) or one consumer stream; it
// has its own cache lines, so lanes never contend. Errors are keyed "rocketmq:<code>" when the
// broker refused with a RocketMQ response code (client::RocketMqCode) and "status:<CODE>" for
// failures without one (network errors, timeouts), so the summary can say what went wrong.
//
// Thread safety: AddLane() and every read may run at any time from any thread (lanes are never
// removed; their addresses are stable for the RunStats' lifetime); a lane's counters and
// histogram are lock-free. AddError() takes a mutex (errors are rare, or the run is broken).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "bench/load/histogram.h"
#include "engine/base/mutex.h"

namespace tern::load {

struct alignas(64) Lane {
  std::atomic<uint64_t> msgs{0};
  std::atomic<uint64_t> bytes{0};
  LatencyHistogram latency;

  void Done(uint64_t n, uint64_t body_bytes) {
    msgs.fetch_add(n, std::memory_order_relaxed);
    bytes.fetch_add(body_bytes, std::memory_order_relaxed);
  }
};

struct StatsTotals {
  uint64_t msgs = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;  // failed messages
  HistogramSnapshot latency;
};

// "rocketmq:<code>" or "status:<CODE>" (see above).
std::string ErrorKey(const absl::Status& status);

class RunStats {
 public:
  RunStats() = default;
  RunStats(const RunStats&) = delete;
  RunStats& operator=(const RunStats&) = delete;

  Lane* AddLane();
  // `msgs` messages failed with `status`.
  void AddError(const absl::Status& status, uint64_t msgs);
  StatsTotals Totals() const;
  std::map<std::string, uint64_t> ErrorsByKey() const;
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  mutable Mutex mu_;
  std::deque<Lane> lanes_ ABSL_GUARDED_BY(mu_);  // deque: stable addresses
  std::map<std::string, uint64_t> errors_by_key_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> errors_{0};
};

}  // namespace tern::load
