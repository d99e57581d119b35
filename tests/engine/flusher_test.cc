#include "engine/flusher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/base/clock.h"
#include "tests/engine/forwarding_file_system.h"
#include "tests/util/temp_dir.h"
#include "tests/util/test_records.h"

namespace tern::engine {
namespace {

using testing::TestMessage;

// A waiter a test thread can block on (tests only: the engine never blocks per message).
class BlockingWaiter : public FlushWaiter {
 public:
  void OnFlushed(FlushOutcome o) override {
    std::lock_guard<std::mutex> lock(mu_);
    outcome_ = o;
    ++calls_;
    cv_.notify_all();
  }
  FlushOutcome Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    const bool done = cv_.wait_for(lock, std::chrono::seconds(20), [this] { return calls_ > 0; });
    EXPECT_TRUE(done) << "waiter never completed";
    return outcome_;
  }
  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  FlushOutcome outcome_ = FlushOutcome::kError;
  int calls_ = 0;
};

class FlusherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CommitLogOptions o;
    o.file_size = 1 << 20;
    log_ = std::make_unique<CommitLog>(&fs_, dir_.Sub("commitlog"), o, nullptr);
    ASSERT_TRUE(log_->Load(Access::kReadWrite).ok());
    ASSERT_TRUE(log_->SetEnd(0).ok());
  }
  AppendResult Append() {
    std::vector<uint8_t> rec = TestMessage().Encode();
    absl::StatusOr<AppendResult> r = log_->Append(rec, QueueKeyView{"TopicTest", 0});
    EXPECT_TRUE(r.ok());
    return *r;
  }
  FlushOptions SyncOptions() {
    FlushOptions o;
    o.mode = FlushMode::kSync;
    o.sync_timeout = std::chrono::milliseconds(2000);
    return o;
  }

  testing::TempDir dir_;
  testing::ForwardingFileSystem fs_{DefaultFileSystem()};
  std::unique_ptr<CommitLog> log_;
};

TEST_F(FlusherTest, GroupCommitCompletesEveryWaiterWithFewerSyncsThanMessages) {
  std::atomic<int> syncs{0};
  fs_.before_sync = [&] {
    ++syncs;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // a slow disk, so waiters pile up
    return absl::OkStatus();
  };
  Flusher flusher(log_.get(), SyncOptions(), nullptr);
  flusher.Start();
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        const AppendResult r = Append();
        BlockingWaiter w;
        flusher.Wake();
        const Flusher::WaitResult wr = flusher.WaitForFlush(&w, r.end_offset().value());
        if (wr == Flusher::WaitResult::kAlreadyFlushed ||
            (wr == Flusher::WaitResult::kRegistered && w.Wait() == FlushOutcome::kOk)) {
          EXPECT_GE(log_->flushed_offset(), r.end_offset().value());
          ++ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  flusher.Stop();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_LT(syncs.load(), kThreads * kPerThread / 2) << "group commit shares syncs";
  EXPECT_GT(flusher.stats().waiters_done, 0);
  // Every sync is in the latency histogram.
  const FlushStats st = flusher.stats();
  int64_t in_buckets = 0;
  for (int64_t c : st.latency_buckets) in_buckets += c;
  EXPECT_EQ(in_buckets, st.flushes);
  EXPECT_GT(st.flushes, 0);
}

TEST(FlushStats, RecordsEachSyncInItsLatencyBucket) {
  FlushStats s;
  s.RecordFlush(10);       // <= 50 us
  s.RecordFlush(50);       // <= 50 us (bounds are inclusive)
  s.RecordFlush(700);      // <= 1 ms
  s.RecordFlush(5000000);  // beyond 1 s
  EXPECT_EQ(s.flushes, 4);
  EXPECT_EQ(s.latency_buckets[0], 2);
  EXPECT_EQ(s.latency_buckets[4], 1);
  EXPECT_EQ(s.latency_buckets.back(), 1);
  EXPECT_EQ(s.latency_micros_total, 10 + 50 + 700 + 5000000);
  EXPECT_EQ(s.last_flush_micros, 5000000);
}

TEST_F(FlusherTest, WaiterTimesOutWithFlushDiskTimeoutWhenTheDiskStalls) {
  std::mutex gate;
  gate.lock();  // the disk hangs until the test releases it
  fs_.before_sync = [&] {
    std::lock_guard<std::mutex> g(gate);
    return absl::OkStatus();
  };
  FlushOptions o = SyncOptions();
  o.sync_timeout = std::chrono::milliseconds(100);
  Flusher flusher(log_.get(), o, nullptr);
  flusher.Start();
  const AppendResult r = Append();
  BlockingWaiter w;
  ASSERT_EQ(flusher.WaitForFlush(&w, r.end_offset().value()), Flusher::WaitResult::kRegistered);
  flusher.Wake();
  EXPECT_EQ(w.Wait(), FlushOutcome::kTimeout);
  gate.unlock();
  flusher.Stop();
  EXPECT_EQ(w.calls(), 1) << "completed exactly once";
  EXPECT_EQ(flusher.stats().timeouts, 1);
}

TEST_F(FlusherTest, SyncErrorFailsEveryWaiterAndLaterOnes) {
  fs_.before_sync = [] { return absl::InternalError("EIO"); };
  Flusher flusher(log_.get(), SyncOptions(), nullptr);
  flusher.Start();
  const AppendResult r = Append();
  BlockingWaiter w;
  if (flusher.WaitForFlush(&w, r.end_offset().value()) == Flusher::WaitResult::kRegistered) {
    flusher.Wake();
    EXPECT_EQ(w.Wait(), FlushOutcome::kError);
  }
  const auto deadline = MonoClock::now() + std::chrono::seconds(10);
  while (!log_->read_only()) {
    ASSERT_LT(MonoClock::now(), deadline);
    std::this_thread::yield();
  }
  const AppendResult r2 = [&] {
    AppendResult x;
    x.physical_offset = PhysicalOffset(log_->max_offset());
    x.bytes = 1;
    return x;
  }();
  BlockingWaiter w2;
  EXPECT_EQ(flusher.WaitForFlush(&w2, r2.end_offset().value()), Flusher::WaitResult::kFailed);
  EXPECT_EQ(log_->flushed_offset(), 0);
  flusher.Stop();
}

TEST_F(FlusherTest, StopFlushesAndAnswersPendingWaiters) {
  Flusher flusher(log_.get(), SyncOptions(), nullptr);
  flusher.Start();
  std::vector<std::unique_ptr<BlockingWaiter>> waiters;
  for (int i = 0; i < 10; ++i) {
    const AppendResult r = Append();
    auto w = std::make_unique<BlockingWaiter>();
    if (flusher.WaitForFlush(w.get(), r.end_offset().value()) == Flusher::WaitResult::kRegistered) {
      waiters.push_back(std::move(w));
    }
  }
  flusher.Stop();
  for (auto& w : waiters) EXPECT_EQ(w->Wait(), FlushOutcome::kOk);
  EXPECT_EQ(log_->flushed_offset(), log_->max_offset());
}

TEST_F(FlusherTest, AsyncModeFlushesPeriodically) {
  FlushOptions o;
  o.mode = FlushMode::kAsync;
  o.interval = std::chrono::milliseconds(5);
  o.min_pages = 0;
  std::atomic<int64_t> seen{0};
  Flusher flusher(log_.get(), o, [&](int64_t off) { seen = off; });
  flusher.Start();
  const AppendResult r = Append();
  const auto deadline = MonoClock::now() + std::chrono::seconds(10);
  while (seen.load() < r.end_offset().value()) {
    ASSERT_LT(MonoClock::now(), deadline);
    std::this_thread::yield();
  }
  flusher.Stop();
}

}  // namespace
}  // namespace tern::engine
