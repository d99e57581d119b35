// tps_sampler.h: per-second samples of a few counters, for RocketMQ's runtime-info rates
// ("putTps": 10 s, 1 min and 10 min averages) and day totals. Sample() is called once a
// second by the broker's scheduler; Rates() from any thread. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "engine/base/mutex.h"

namespace tern::broker {

class TpsSampler {
 public:
  // Records the counter's value now (monotone).
  void Sample(int64_t now_ms, int64_t value);
  // RocketMQ's format: three space-separated rates over 10 s, 1 min, 10 min; a window without
  // enough samples is left empty (Java leaves it empty too).
  std::string Rates() const;
  double Rate(int64_t window_ms) const;

 private:
  mutable Mutex mu_;
  std::deque<std::pair<int64_t, int64_t>> samples_ ABSL_GUARDED_BY(mu_);  // (ms, value)
};

}  // namespace tern::broker
