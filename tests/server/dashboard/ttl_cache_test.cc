// TtlCache: reuse within the TTL, one load per key for concurrent callers, failed loads not
// cached, and invalidation — including while a load is in flight (ASan found Invalidate
// reading an entry it had just erased).
#include "server/dashboard/ttl_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "engine/base/mutex.h"

namespace tern::dashboard {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kLong{60000};

TEST(TtlCache, ReusesAValueWithinItsTtlAndDropsFailures) {
  TtlCache<int> cache;
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<int> { return ++loads; };
  EXPECT_EQ(**cache.Get("k", kLong, load), 1);
  EXPECT_EQ(**cache.Get("k", kLong, load), 1);
  EXPECT_EQ(**cache.Get("k", milliseconds(-1), load), 2);  // expired
  EXPECT_FALSE(
      cache.Get("bad", kLong, [] { return absl::StatusOr<int>(absl::InternalError("x")); }).ok());
  EXPECT_EQ(**cache.Get("bad", kLong, load), 3);  // the failure was not cached
}

TEST(TtlCache, InvalidateDropsKeys) {
  TtlCache<int> cache;
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<int> { return ++loads; };
  cache.Invalidate("missing");
  EXPECT_EQ(**cache.Get("a", kLong, load), 1);
  EXPECT_EQ(**cache.Get("b", kLong, load), 2);
  cache.Invalidate("a");
  EXPECT_EQ(**cache.Get("a", kLong, load), 3);
  EXPECT_EQ(**cache.Get("b", kLong, load), 2);
  cache.InvalidateAll();
  EXPECT_EQ(**cache.Get("b", kLong, load), 4);
}

TEST(TtlCache, KeepsAtMostMaxEntries) {
  TtlCache<int> cache(2);
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<int> { return ++loads; };
  for (const char* k : {"a", "b", "c"}) ASSERT_TRUE(cache.Get(k, kLong, load).ok());
  EXPECT_EQ(**cache.Get("c", kLong, load), 3);
  EXPECT_EQ(loads, 3);
  ASSERT_TRUE(cache.Get("a", kLong, load).ok());  // "a" went first: reloaded
  EXPECT_EQ(loads, 4);
}

// A write that invalidates while a load is in flight: that load's value is handed to its
// caller but not reused, so the next Get sees the write.
TEST(TtlCache, InvalidationDuringALoadIsNotLost) {
  for (const bool all : {false, true}) {
    TtlCache<int> cache;
    Mutex mu;
    CondVar cv;
    bool loading = false;
    bool release = false;
    std::thread loader([&] {
      absl::StatusOr<TtlCache<int>::Ptr> v = cache.Get("k", kLong, [&]() -> absl::StatusOr<int> {
        MutexLock lock(&mu);
        loading = true;
        cv.SignalAll();
        while (!release) cv.Wait(&mu);
        return 1;
      });
      EXPECT_EQ(**v, 1);
    });
    {
      MutexLock lock(&mu);
      while (!loading) cv.Wait(&mu);
    }
    if (all) {
      cache.InvalidateAll();
    } else {
      cache.Invalidate("k");
    }
    {
      MutexLock lock(&mu);
      release = true;
      cv.SignalAll();
    }
    loader.join();
    EXPECT_EQ(**cache.Get("k", kLong, [] { return absl::StatusOr<int>(2); }), 2) << all;
  }
}

TEST(TtlCache, ConcurrentCallersShareOneLoad) {
  TtlCache<int> cache;
  std::atomic<int> loads{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        absl::StatusOr<TtlCache<int>::Ptr> v =
            cache.Get("k", kLong, [&]() -> absl::StatusOr<int> { return ++loads; });
        if (!v.ok() || **v != 1) ++wrong;
        if (i % 50 == 0) {
          cache.Get("other" + std::to_string(i), kLong, [] { return absl::StatusOr<int>(0); })
              .IgnoreError();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(loads.load(), 1);
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace tern::dashboard
