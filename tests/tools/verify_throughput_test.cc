// Verify throughput on a warm store written by the engine with the broker's default geometry
// (1 GiB CommitLog files, 300,000-unit ConsumeQueue files, 5M/20M index). Skipped unless
// TERN_VERIFY_BENCH_MB is set (the size of the store to write, in MB); prints MB/s of CommitLog
// verified for the full check and for the CommitLog walk alone. Build Release to measure.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/inspect/verify.h"
#include "engine/message_store.h"
#include "tests/util/temp_dir.h"
#include "tests/util/test_records.h"

namespace tern::inspect {
namespace {

TEST(VerifyThroughput, WarmStore) {
  const char* mb = std::getenv("TERN_VERIFY_BENCH_MB");  // NOLINT(concurrency-mt-unsafe)
  if (mb == nullptr) GTEST_SKIP() << "set TERN_VERIFY_BENCH_MB to run";
  const int64_t target = std::stoll(mb) * 1000 * 1000;
  ::tern::testing::TempDir dir;
  engine::StoreOptions o;
  o.root_dir = dir.Sub("store");
  {
    auto store = engine::MessageStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    ::tern::testing::TestMessage m;
    m.topic = "Bench";
    m.body.assign(1024, 'b');
    for (int64_t i = 0; (*store)->commit_log().max_offset() < target; ++i) {
      m.queue_id = static_cast<int32_t>(i % 8);
      m.properties.clear();
      m.WithTag(i % 2 ? "TagA" : "TagB")
          .WithKeys("k" + std::to_string(i))
          .WithUniqKey("U" + std::to_string(i));
      ASSERT_TRUE((*store)->PutMessage(m.View(), nullptr).ok());
    }
    (*store)->Shutdown();
  }
  auto run = [&](bool full) {
    VerifyOptions v;
    v.check_queues = full;
    v.check_index = full;
    absl::StatusOr<VerifyReport> r = VerifyStore(*engine::DefaultFileSystem(), o.root_dir, v);
    EXPECT_TRUE(r.ok() && r->clean());
    return r.ok() ? static_cast<double>(r->bytes_walked) / 1e6 / r->seconds : 0.0;
  };
  run(true);  // warm the page cache
  for (int i = 0; i < 3; ++i) {
    const double full = run(true);
    const double walk = run(false);
    std::printf("verify %s MB store: full check %.0f MB/s, CommitLog walk only %.0f MB/s\n", mb,
                full, walk);
  }
}

}  // namespace
}  // namespace tern::inspect
