// histogram.h: LatencyHistogram, an HDR-style log-linear histogram of latencies in
// microseconds, and HistogramSnapshot, a plain copy of one for percentiles and merging.
//
// Buckets: values below 256 µs have one bucket each (exact); above, every power-of-two range
// [2^m, 2^(m+1)) is split into 128 equal buckets, so a bucket is at most 1/128 (0.8 %) of its
// value wide. The top range ends at kMaxTrackableMicros (2^26 - 1 µs, about 67 s); larger
// values are counted in the last bucket, and the exact maximum is kept apart. 2,560 buckets,
// 20 KiB. Percentiles report a bucket's upper edge (never below the true value), capped at the
// recorded maximum, as HdrHistogram's "highest equivalent value" does.
//
// Thread safety: Record() is lock-free (relaxed atomic adds) and may be called from any number
// of threads, but the intended use is one histogram per thread or per connection (no shared
// cache line), merged at the end. Snapshot() may run concurrently with Record(): it sees every
// Record() that happened before it and possibly some concurrent ones (good enough for
// per-second progress; the final summary is taken after the writers stop).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace tern::load {

inline constexpr int kSubBucketBits = 7;
inline constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;  // 128
inline constexpr int kMaxShift = 18;                                    // ranges up to [2^25, 2^26)
inline constexpr uint64_t kMaxTrackableMicros =
    (uint64_t{1} << (kMaxShift + kSubBucketBits + 1)) - 1;
inline constexpr size_t kBucketCount = (kMaxShift + 2) * kSubBuckets;  // 2,560

// Bucket of `micros` (values above kMaxTrackableMicros go to the last bucket).
size_t BucketIndex(uint64_t micros);
// The largest value that falls into bucket `index`.
uint64_t BucketUpperEdge(size_t index);

// A copy of a histogram's counts. Plain value type.
class HistogramSnapshot {
 public:
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  // The value at or below which `percentile` % of the recorded values lie (0 < p <= 100);
  // 0 when empty. Within 1/128 above the exact value, never below it.
  uint64_t Percentile(double percentile) const;
  void Merge(const HistogramSnapshot& other);
  // This snapshot minus an earlier snapshot of the same histogram (counts only; max and min
  // are the later snapshot's, an approximation for interval reports).
  HistogramSnapshot Since(const HistogramSnapshot& earlier) const;

 private:
  friend class LatencyHistogram;
  std::array<uint64_t, kBucketCount> buckets_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

class LatencyHistogram {
 public:
  LatencyHistogram() = default;
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  void Record(uint64_t micros) {
    buckets_[BucketIndex(micros)].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(micros, std::memory_order_relaxed);
    uint64_t m = max_.load(std::memory_order_relaxed);
    while (micros > m && !max_.compare_exchange_weak(m, micros, std::memory_order_relaxed)) {
    }
    m = min_.load(std::memory_order_relaxed);
    while (micros < m && !min_.compare_exchange_weak(m, micros, std::memory_order_relaxed)) {
    }
  }
  HistogramSnapshot Snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBucketCount> buckets_{};
  std::atomic<uint64_t> sum_{0};
  std::atomic<uint64_t> max_{0};
  std::atomic<uint64_t> min_{UINT64_MAX};
};

}  // namespace tern::load
