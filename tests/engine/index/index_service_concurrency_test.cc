// One writer indexing, rolling and retiring files while readers query and a
// flusher flushes (also run under TSan: label "concurrency").
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/strings.h"
#include "engine/file_system.h"
#include "engine/index/index_service.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int kMessages = 3000;
constexpr int kReaders = 3;

int64_t PhyOf(int i) { return 100LL * i; }

TEST(IndexServiceConcurrency, QueriesRunWhileTheWriterIndexesRollsAndRetires) {
  testing::TempDir dir;
  IndexOptions options;
  options.hash_slot_num = 16;
  options.index_num = 32;  // 31 entries per file: a roll every ~15 messages
  IndexService svc(DefaultFileSystem(), dir.Sub("index"), options);
  ASSERT_TRUE(svc.Load(Access::kReadWrite).ok());

  std::atomic<int> published{0};          // messages 0..published-1 are indexed
  std::atomic<int64_t> retention_min{0};  // raised before each DeleteFilesBefore
  std::atomic<bool> writer_done{false};
  std::atomic<int> writer_errors{0};

  std::thread writer([&] {
    for (int i = 0; i < kMessages; ++i) {
      const std::string uniq = fmt::format("u{}", i);
      const std::string keys = fmt::format("k{}", i % 7);
      const absl::Status s = svc.BuildIndex({"TopicA", keys, uniq, PhyOf(i), kT0 + 10LL * i, 0});
      if (!s.ok()) {
        ADD_FAILURE() << s;
        writer_errors.fetch_add(1);
        break;
      }
      published.store(i + 1, std::memory_order_release);
      if (i % 200 == 199 && i >= 600) {
        const int64_t min = PhyOf(i - 400);
        retention_min.store(min, std::memory_order_release);
        absl::StatusOr<int> deleted = svc.DeleteFilesBefore(min);
        if (!deleted.ok()) writer_errors.fetch_add(1);
      }
    }
    writer_done.store(true, std::memory_order_release);
  });

  std::thread flusher([&] {
    while (!writer_done.load(std::memory_order_acquire)) {
      if (!svc.Flush().ok()) writer_errors.fetch_add(1);
      std::this_thread::yield();
    }
  });

  std::atomic<int> missing{0};
  std::atomic<int> bad{0};
  std::atomic<int64_t> queries{0};
  std::vector<std::thread> readers;
  readers.reserve(kReaders);
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937 rng(static_cast<unsigned>(r + 1));
      int64_t last_end = 0;
      int rounds_after_done = 0;
      while (rounds_after_done < 50) {
        if (writer_done.load(std::memory_order_acquire)) ++rounds_after_done;
        const int n = published.load(std::memory_order_acquire);
        if (n == 0) {
          std::this_thread::yield();
          continue;
        }
        const int i = static_cast<int>(rng() % static_cast<unsigned>(n));
        const IndexQueryResult q =
            svc.Query("TopicA", fmt::format("u{}", i), 64, 0, std::numeric_limits<int64_t>::max());
        const bool found = q.physical_offsets.size() == 1 && q.physical_offsets[0] == PhyOf(i);
        if (!found) {
          // Only retention may take an indexed message away.
          if (!q.physical_offsets.empty() ||
              retention_min.load(std::memory_order_acquire) <= PhyOf(i)) {
            missing.fetch_add(1);
          }
        }
        if (q.last_update_phy_offset < last_end) bad.fetch_add(1);  // never goes back
        last_end = q.last_update_phy_offset;

        const IndexQueryResult k = svc.Query("TopicA", fmt::format("k{}", i % 7), 64, 0,
                                             std::numeric_limits<int64_t>::max());
        if (k.physical_offsets.size() > 64) bad.fetch_add(1);
        for (size_t j = 0; j < k.physical_offsets.size(); ++j) {
          const int64_t p = k.physical_offsets[j];
          if (p % 100 != 0 || (p / 100) % 7 != i % 7) bad.fetch_add(1);
          if (j > 0 && p >= k.physical_offsets[j - 1]) bad.fetch_add(1);  // newest first
        }
        const auto files = svc.Files();
        for (size_t j = 1; j < files.size(); ++j) {
          if (!(files[j - 1]->name() < files[j]->name())) bad.fetch_add(1);
        }
        (void)svc.last_full_file_end_timestamp();
        queries.fetch_add(1);
      }
    });
  }

  writer.join();
  flusher.join();
  for (std::thread& t : readers) t.join();

  EXPECT_EQ(writer_errors.load(), 0);
  EXPECT_EQ(missing.load(), 0);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(queries.load(), 0);
  EXPECT_EQ(published.load(), kMessages);
  // Retention kept the newest files; everything at or after its last bound is
  // still there.
  for (int i = kMessages - 10; i < kMessages; ++i) {
    EXPECT_EQ(svc.Query("TopicA", fmt::format("u{}", i), 64, 0, std::numeric_limits<int64_t>::max())
                  .physical_offsets,
              std::vector<int64_t>{PhyOf(i)});
  }
  for (const auto& f : svc.Files()) {
    const absl::Status s = f->Validate();
    EXPECT_TRUE(s.ok()) << s;
  }
  EXPECT_TRUE(svc.Flush().ok());
}

}  // namespace
}  // namespace tern::engine
