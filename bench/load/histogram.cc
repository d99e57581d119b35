#include "bench/load/histogram.h"

#include <algorithm>
#include <cmath>

namespace tern::load {

size_t BucketIndex(uint64_t micros) {
  if (micros > kMaxTrackableMicros) return kBucketCount - 1;
  // shift = max(0, msb - kSubBucketBits); index = shift * 128 + (micros >> shift), which is
  // `micros` itself below 256 and continues with 128 buckets per power of two above.
  const int msb = 63 - __builtin_clzll(micros | 1);
  const int shift = std::max(0, msb - kSubBucketBits);
  return static_cast<size_t>(shift) * kSubBuckets + static_cast<size_t>(micros >> shift);
}

uint64_t BucketUpperEdge(size_t index) {
  if (index < 2 * kSubBuckets) return index;
  const int shift = static_cast<int>(index / kSubBuckets) - 1;
  const uint64_t sub = index - static_cast<uint64_t>(shift) * kSubBuckets;  // 128..255
  return ((sub + 1) << shift) - 1;
}

uint64_t HistogramSnapshot::Percentile(double percentile) const {
  if (count_ == 0) return 0;
  const double p = std::clamp(percentile, 0.0, 100.0);
  // The rank of the value asked for, 1-based: the smallest r with r >= p% of count.
  // (The epsilon keeps 99.9 % of 1000 at rank 999 despite binary floating point.)
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_) - 1e-9));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i + 1 < kBucketCount; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(BucketUpperEdge(i), max_);
  }
  return max_;  // the last bucket also holds everything beyond the range
}

void HistogramSnapshot::Merge(const HistogramSnapshot& other) {
  for (size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

HistogramSnapshot HistogramSnapshot::Since(const HistogramSnapshot& earlier) const {
  HistogramSnapshot d = *this;
  for (size_t i = 0; i < kBucketCount; ++i) {
    d.buckets_[i] -= std::min(d.buckets_[i], earlier.buckets_[i]);
  }
  d.count_ -= std::min(d.count_, earlier.count_);
  d.sum_ -= std::min(d.sum_, earlier.sum_);
  return d;
}

HistogramSnapshot LatencyHistogram::Snapshot() const {
  HistogramSnapshot s;
  uint64_t total = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    s.buckets_[i] = buckets_[i].load(std::memory_order_relaxed);
    total += s.buckets_[i];
  }
  // The count is the bucket sum, so percentiles walk a consistent total even while records
  // race with this snapshot.
  s.count_ = total;
  s.sum_ = sum_.load(std::memory_order_relaxed);
  s.max_ = max_.load(std::memory_order_relaxed);
  s.min_ = min_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace tern::load
