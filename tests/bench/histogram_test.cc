// LatencyHistogram: bucket geometry, percentiles against a sorted reference, merging,
// interval differences, and concurrent recording.
#include "bench/load/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

namespace tern::load {
namespace {

// The exact percentile of `sorted` with the histogram's rank rule (the smallest value at or
// above which p % of the values lie).
uint64_t Reference(const std::vector<uint64_t>& sorted, double p) {
  uint64_t rank =
      static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size()) - 1e-9));
  rank = std::clamp<uint64_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

TEST(Histogram, BucketsCoverEveryValueInOrder) {
  uint64_t prev_edge = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    const uint64_t edge = BucketUpperEdge(i);
    EXPECT_EQ(BucketIndex(edge), i) << edge;
    if (i > 0) {
      EXPECT_GT(edge, prev_edge) << i;
      EXPECT_EQ(BucketIndex(prev_edge + 1), i) << prev_edge + 1;
    }
    prev_edge = edge;
  }
  EXPECT_EQ(BucketUpperEdge(kBucketCount - 1), kMaxTrackableMicros);
  EXPECT_EQ(BucketIndex(kMaxTrackableMicros + 1), kBucketCount - 1);
  EXPECT_EQ(BucketIndex(uint64_t{1} << 62), kBucketCount - 1);
}

TEST(Histogram, SmallValuesAreExactAndLargeOnesWithinOnePart128) {
  for (uint64_t v = 0; v < 256; ++v) EXPECT_EQ(BucketUpperEdge(BucketIndex(v)), v);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = rng() % kMaxTrackableMicros;
    const uint64_t edge = BucketUpperEdge(BucketIndex(v));
    EXPECT_GE(edge, v);
    EXPECT_LE(static_cast<double>(edge - v), static_cast<double>(v) / 128.0) << v;
  }
}

TEST(Histogram, PercentilesMatchASortedReference) {
  std::mt19937_64 rng(42);
  // Log-normal around 300 µs with a long tail, plus a few multi-second outliers.
  std::lognormal_distribution<double> dist(std::log(300.0), 1.2);
  LatencyHistogram h;
  std::vector<uint64_t> values;
  for (int i = 0; i < 200000; ++i) {
    uint64_t v = static_cast<uint64_t>(dist(rng));
    if (i % 20000 == 0) v = 5000000 + static_cast<uint64_t>(i);
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.count(), values.size());
  EXPECT_EQ(s.max(), values.back());
  EXPECT_EQ(s.min(), values.front());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const uint64_t exact = Reference(values, p);
    const uint64_t got = s.Percentile(p);
    EXPECT_GE(got, exact) << "p" << p;
    EXPECT_LE(static_cast<double>(got - exact), static_cast<double>(exact) / 128.0) << "p" << p;
  }
  EXPECT_EQ(s.Percentile(100), values.back());
}

TEST(Histogram, EmptyAndSingleValue) {
  LatencyHistogram h;
  EXPECT_EQ(h.Snapshot().Percentile(99), 0u);
  EXPECT_EQ(h.Snapshot().count(), 0u);
  EXPECT_EQ(h.Snapshot().min(), 0u);
  h.Record(1234);
  const HistogramSnapshot s = h.Snapshot();
  // Capped at the maximum, so a single value reads back exactly.
  EXPECT_EQ(s.Percentile(50), 1234u);
  EXPECT_EQ(s.Percentile(99.9), 1234u);
  EXPECT_DOUBLE_EQ(s.mean(), 1234.0);
}

TEST(Histogram, ValuesBeyondTheRangeKeepTheirExactMaximum) {
  LatencyHistogram h;
  h.Record(10);
  h.Record(kMaxTrackableMicros * 10);
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.max(), kMaxTrackableMicros * 10);
  EXPECT_EQ(s.Percentile(100), kMaxTrackableMicros * 10);
  EXPECT_EQ(s.Percentile(50), 10u);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 50000; ++i) {
    const uint64_t v = rng() % 100000;
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
  }
  HistogramSnapshot merged = a.Snapshot();
  merged.Merge(b.Snapshot());
  const HistogramSnapshot want = all.Snapshot();
  EXPECT_EQ(merged.count(), want.count());
  EXPECT_EQ(merged.max(), want.max());
  EXPECT_EQ(merged.min(), want.min());
  EXPECT_DOUBLE_EQ(merged.mean(), want.mean());
  for (double p : {50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(merged.Percentile(p), want.Percentile(p));
}

TEST(Histogram, SinceGivesTheIntervalBetweenTwoSnapshots) {
  LatencyHistogram h;
  for (int i = 0; i < 1000; ++i) h.Record(100);
  const HistogramSnapshot first = h.Snapshot();
  for (int i = 0; i < 1000; ++i) h.Record(5000);
  const HistogramSnapshot interval = h.Snapshot().Since(first);
  EXPECT_EQ(interval.count(), 1000u);
  EXPECT_GE(interval.Percentile(1), 5000u);  // none of the earlier 100 µs values
  EXPECT_LE(interval.Percentile(50), BucketUpperEdge(BucketIndex(5000)));
}

TEST(Histogram, ConcurrentRecordersLoseNothing) {
  LatencyHistogram h;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < kPerThread; ++i) h.Record(static_cast<uint64_t>(t * 1000 + i % 1000));
    });
  }
  // A reader may snapshot while they record.
  for (int i = 0; i < 10; ++i) EXPECT_LE(h.Snapshot().count(), uint64_t{kThreads} * kPerThread);
  for (std::thread& t : threads) t.join();
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.count(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(s.max(), uint64_t{(kThreads - 1) * 1000 + 999});
  EXPECT_EQ(s.min(), 0u);
}

}  // namespace
}  // namespace tern::load
