// N appenders, the dispatcher, the flusher, checkpoints and readers all at once (run under
// TSan in CI): readers see every queue grow contiguously with intact records.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "engine/base/clock.h"
#include "engine/message_store.h"
#include "tests/engine/store_test_util.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

using testing::TestMessage;

void RunWorkload(FlushMode mode) {
  testing::TempDir dir;
  StoreOptions o = testing::SmallStoreOptions(dir.path());
  o.flush.mode = mode;
  o.consume_queue_flush_interval = std::chrono::milliseconds(5);
  auto store = *MessageStore::Open(o);
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 500;
  constexpr int kQueues = 3;
  std::atomic<bool> failed{false};

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        TestMessage m;
        m.queue_id = (w + i) % kQueues;
        m.body = std::to_string(w) + ":" + std::to_string(i);
        m.WithTag(i % 2 ? "odd" : "even").WithKeys("w" + std::to_string(w));
        if (!store->PutMessage(m.View(), nullptr).ok()) failed = true;
      }
    });
  }
  // Readers tail every queue until all messages are seen.
  std::atomic<int> read_total{0};
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      std::vector<int64_t> next(kQueues, 0);
      int seen = 0;
      const auto deadline = MonoClock::now() + std::chrono::seconds(60);
      while (seen < kWriters * kPerWriter && MonoClock::now() < deadline) {
        for (int q = 0; q < kQueues; ++q) {
          GetMessageResult g = store->GetMessage("TopicTest", q, next[q], 16, 0, nullptr);
          for (ByteSpan raw : g.messages) {
            const DecodeResult d = DecodeRecord(raw, CrcCheck::kVerify);
            if (d.status != DecodeStatus::kRecord || d.record.queue_offset != next[q]) {
              failed = true;
            }
            ++next[q];
            ++seen;
          }
        }
      }
      read_total += seen;
    });
  }
  threads.emplace_back([&] {  // lookups by key while the index grows
    for (int i = 0; i < 50; ++i) {
      (void)store->reader().QueryMessages("TopicTest", "w1", 8, 0, INT64_MAX);
      (void)store->stats();
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(read_total.load(), 2 * kWriters * kPerWriter);
  int64_t total = 0;
  for (int q = 0; q < kQueues; ++q) total += store->reader().MaxOffsetInQueue("TopicTest", q);
  EXPECT_EQ(total, kWriters * kPerWriter);
}

TEST(StoreConcurrency, AppendersDispatcherAndReadersAsyncFlush) { RunWorkload(FlushMode::kAsync); }
TEST(StoreConcurrency, AppendersDispatcherAndReadersSyncFlush) { RunWorkload(FlushMode::kSync); }

}  // namespace
}  // namespace tern::engine
