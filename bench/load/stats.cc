#include "bench/load/stats.h"

#include <fmt/format.h>

#include "client/status_codes.h"

namespace tern::load {

std::string ErrorKey(const absl::Status& status) {
  const int32_t code = client::RocketMqCode(status);
  if (code >= 0) return fmt::format("rocketmq:{}", code);
  return fmt::format("status:{}", absl::StatusCodeToString(status.code()));
}

Lane* RunStats::AddLane() {
  MutexLock lock(&mu_);
  return &lanes_.emplace_back();
}

void RunStats::AddError(const absl::Status& status, uint64_t msgs) {
  errors_.fetch_add(msgs, std::memory_order_relaxed);
  const std::string key = ErrorKey(status);
  MutexLock lock(&mu_);
  errors_by_key_[key] += msgs;
}

StatsTotals RunStats::Totals() const {
  StatsTotals t;
  t.errors = errors_.load(std::memory_order_relaxed);
  MutexLock lock(&mu_);
  for (const Lane& lane : lanes_) {
    t.msgs += lane.msgs.load(std::memory_order_relaxed);
    t.bytes += lane.bytes.load(std::memory_order_relaxed);
    t.latency.Merge(lane.latency.Snapshot());
  }
  return t;
}

std::map<std::string, uint64_t> RunStats::ErrorsByKey() const {
  MutexLock lock(&mu_);
  return errors_by_key_;
}

}  // namespace tern::load
