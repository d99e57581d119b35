// Verifier: counts, redeliveries, duplicate payloads, checksum failures, foreign bodies and
// gaps, and the pass rule.
#include "bench/load/verifier.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "bench/load/payload.h"

namespace tern::load {
namespace {

// Owns the bodies the items point at.
class Batch {
 public:
  Batch& Add(int64_t offset, uint32_t producer, uint64_t seq, size_t size = 64) {
    bodies_.emplace_back(size, '\0');
    WritePayload(producer, seq,
                 MutableByteSpan(reinterpret_cast<uint8_t*>(bodies_.back().data()), size));
    offsets_.push_back(offset);
    return *this;
  }
  Batch& AddRaw(int64_t offset, std::string body) {
    bodies_.push_back(std::move(body));
    offsets_.push_back(offset);
    return *this;
  }
  std::string& last_body() { return bodies_.back(); }
  std::vector<Verifier::Item> Items() const {
    std::vector<Verifier::Item> out;
    for (size_t i = 0; i < bodies_.size(); ++i) out.push_back({offsets_[i], AsBytes(bodies_[i])});
    return out;
  }

 private:
  std::vector<std::string> bodies_;
  std::vector<int64_t> offsets_;
};

TEST(Verifier, CleanStreamPassesWithExactCounts) {
  Verifier v;
  Verifier::Queue* q0 = v.GetQueue("T@b", 0);
  Verifier::Queue* q1 = v.GetQueue("T@b", 1);
  Batch a, b;
  for (int i = 0; i < 100; ++i) (i % 2 == 0 ? a : b).Add(i / 2, 1, static_cast<uint64_t>(i));
  v.Observe(q0, a.Items());
  v.Observe(q1, b.Items());
  const VerifyReport r = v.Report();
  EXPECT_EQ(r.received, 100u);
  EXPECT_EQ(r.unique, 100u);
  EXPECT_EQ(v.unique(), 100u);
  EXPECT_EQ(r.redelivered, 0u);
  EXPECT_EQ(r.duplicate_payloads, 0u);
  EXPECT_EQ(r.checksum_failures, 0u);
  EXPECT_EQ(r.gaps, 0u);
  EXPECT_EQ(r.producers, 1u);
  EXPECT_TRUE(r.Passed(100, true));
  EXPECT_FALSE(r.Passed(101, false));
}

TEST(Verifier, SameQueueOffsetTwiceIsARedeliveryNotANewMessage) {
  Verifier v;
  Verifier::Queue* q = v.GetQueue("T@b", 0);
  Batch first, again;
  first.Add(10, 1, 0).Add(11, 1, 1);
  again.Add(11, 1, 1).Add(12, 1, 2);
  v.Observe(q, first.Items());
  v.Observe(q, again.Items());
  const VerifyReport r = v.Report();
  EXPECT_EQ(r.received, 4u);
  EXPECT_EQ(r.unique, 3u);
  EXPECT_EQ(r.redelivered, 1u);
  EXPECT_EQ(r.duplicate_payloads, 0u);
  EXPECT_TRUE(r.Passed(3, true));  // at-least-once is allowed
}

TEST(Verifier, OneQueueOffsetOnTwoQueuesIsTwoMessages) {
  Verifier v;
  Batch a, b;
  a.Add(0, 1, 0);
  b.Add(0, 1, 1);
  v.Observe(v.GetQueue("T@b", 0), a.Items());
  v.Observe(v.GetQueue("T@b", 1), b.Items());
  EXPECT_EQ(v.Report().unique, 2u);
  EXPECT_EQ(v.GetQueue("T@b", 0), v.GetQueue("T@b", 0));
}

TEST(Verifier, SamePayloadAtANewOffsetIsADuplicatePayload) {
  Verifier v;
  Batch b;
  b.Add(0, 9, 5).Add(1, 9, 5);  // a producer retry stored it twice
  v.Observe(v.GetQueue("T@b", 0), b.Items());
  const VerifyReport r = v.Report();
  EXPECT_EQ(r.unique, 2u);
  EXPECT_EQ(r.duplicate_payloads, 1u);
}

TEST(Verifier, ChecksumFailuresAndForeignBodiesFailTheRun) {
  Verifier v;
  Batch b;
  b.Add(0, 1, 0);
  b.Add(1, 1, 1);
  b.last_body()[40] ^= 0x01;
  b.AddRaw(2, "not a payload");
  v.Observe(v.GetQueue("T@b", 0), b.Items());
  const VerifyReport r = v.Report();
  EXPECT_EQ(r.unique, 3u);
  EXPECT_EQ(r.checksum_failures, 1u);
  EXPECT_EQ(r.foreign, 1u);
  EXPECT_FALSE(r.Passed(0, false));
}

TEST(Verifier, MissingSequencesAreGaps) {
  Verifier v;
  Batch b;
  b.Add(0, 1, 0).Add(1, 1, 1).Add(2, 1, 4).Add(3, 2, 0).Add(4, 2, 2);
  v.Observe(v.GetQueue("T@b", 0), b.Items());
  const VerifyReport r = v.Report();
  EXPECT_EQ(r.gaps, 3u);  // producer 1: 2 and 3; producer 2: 1
  EXPECT_EQ(r.producers, 2u);
  EXPECT_TRUE(r.Passed(5, false));
  EXPECT_FALSE(r.Passed(5, true));
}

TEST(Verifier, OffsetsBelowTheFirstOneSeenAreTracked) {
  Verifier v;
  Verifier::Queue* q = v.GetQueue("T@b", 0);
  Batch late, early, again;
  late.Add(1000, 1, 0);
  early.Add(3, 1, 1).Add(700, 1, 2);
  again.Add(3, 1, 1).Add(1000, 1, 0).Add(700, 1, 2);
  v.Observe(q, late.Items());
  v.Observe(q, early.Items());
  v.Observe(q, again.Items());
  const VerifyReport r = v.Report();
  EXPECT_EQ(r.unique, 3u);
  EXPECT_EQ(r.redelivered, 3u);
}

TEST(Verifier, ConcurrentObserversCountEveryMessageOnce) {
  Verifier v;
  constexpr int kThreads = 4;
  constexpr int kBatches = 200;
  constexpr int kPerBatch = 32;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&v, t] {
      // Two threads per queue, interleaved offsets; each thread is its own producer.
      Verifier::Queue* q = v.GetQueue("T@b", t / 2);
      uint64_t seq = 0;
      for (int i = 0; i < kBatches; ++i) {
        Batch b;
        for (int j = 0; j < kPerBatch; ++j) {
          b.Add((i * kPerBatch + j) * 2 + t % 2, static_cast<uint32_t>(t), seq++);
        }
        v.Observe(q, b.Items());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const VerifyReport r = v.Report();
  EXPECT_EQ(r.unique, uint64_t{kThreads} * kBatches * kPerBatch);
  EXPECT_EQ(r.redelivered, 0u);
  EXPECT_EQ(r.gaps, 0u);
  EXPECT_EQ(r.producers, uint64_t{kThreads});
}

}  // namespace
}  // namespace tern::load
