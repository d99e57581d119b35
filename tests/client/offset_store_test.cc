#include "client/offset_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "client/process_queue.h"
#include "tests/util/temp_dir.h"

namespace tern::client {
namespace {

TEST(LocalOffsetStore, PersistsAndReloads) {
  testing::TempDir dir;
  const MessageQueue q{"T", "broker-a", 3};
  {
    LocalOffsetStore store(dir.path(), "127.0.0.1@1", "g");
    ASSERT_TRUE(store.Load().ok());
    EXPECT_EQ(store.Read(q, true).status().code(), absl::StatusCode::kNotFound);
    store.Update(q, 10, /*increase_only=*/true);
    store.Update(q, 7, /*increase_only=*/true);  // out-of-order completion does not go back
    EXPECT_EQ(*store.Read(q, false), 10);
    store.Update(q, 7, /*increase_only=*/false);  // an explicit reset does
    store.Persist({});
  }
  LocalOffsetStore again(dir.path(), "127.0.0.1@1", "g");
  ASSERT_TRUE(again.Load().ok());
  EXPECT_EQ(*again.Read(q, true), 7);
}

TEST(LocalOffsetStore, AMalformedFileIsReportedNotGuessed) {
  testing::TempDir dir;
  LocalOffsetStore store(dir.path(), "c", "g");
  store.Update({"T", "b", 0}, 1, false);
  store.Persist({});
  { std::ofstream(store.path()) << "T\tb\tzero\t5\n"; }
  LocalOffsetStore broken(dir.path(), "c", "g");
  EXPECT_EQ(broken.Load().code(), absl::StatusCode::kDataLoss);
}

MessageExt At(int64_t offset) {
  MessageExt m;
  m.queue_offset = offset;
  m.body = "xx";
  return m;
}

TEST(ProcessQueue, CommitsTheSmallestOffsetStillInFlight) {
  ProcessQueue pq({"T", "b", 0}, 0);
  EXPECT_EQ(pq.Remove({At(0)}), -1);  // nothing in flight
  pq.Put({At(5), At(6), At(7)});
  EXPECT_EQ(pq.count(), 3u);
  EXPECT_EQ(pq.bytes(), 6u);
  EXPECT_EQ(pq.span(), 2);
  EXPECT_EQ(pq.Remove({At(7)}), 5);  // 5 is still being consumed
  EXPECT_EQ(pq.Remove({At(5)}), 6);
  EXPECT_EQ(pq.Remove({At(6)}), 8);  // all done: one past the largest seen
  EXPECT_EQ(pq.count(), 0u);
  EXPECT_EQ(pq.bytes(), 0u);
}

}  // namespace
}  // namespace tern::client
