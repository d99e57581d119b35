#include "server/broker/queue_lock_manager.h"

#include <gtest/gtest.h>

namespace tern::broker {
namespace {

const LockedQueue kQ0{"T", "b", 0};
const LockedQueue kQ1{"T", "b", 1};

TEST(QueueLockManager, GrantsFreeQueuesRefusesHeldOnesAndRenewsTheHolders) {
  QueueLockManager locks(60000);
  EXPECT_EQ(locks.TryLockBatch("g", {kQ0, kQ1}, "a", 1000).size(), 2u);
  EXPECT_TRUE(locks.TryLockBatch("g", {kQ0, kQ1}, "b", 2000).empty());
  EXPECT_EQ(locks.TryLockBatch("g", {kQ0}, "a", 3000).size(), 1u);  // renewal
  EXPECT_EQ(locks.Holder("g", kQ0, 3000), "a");
  // Another group is independent.
  EXPECT_EQ(locks.TryLockBatch("other", {kQ0}, "b", 3000).size(), 1u);
}

TEST(QueueLockManager, ExpiredLocksGoToTheNextClient) {
  QueueLockManager locks(60000);
  locks.TryLockBatch("g", {kQ0, kQ1}, "a", 0);
  locks.TryLockBatch("g", {kQ1}, "a", 30000);  // q1 renewed, q0 not
  auto granted = locks.TryLockBatch("g", {kQ0, kQ1}, "b", 60001);
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0], kQ0);
  EXPECT_EQ(locks.Holder("g", kQ1, 60001), "a");
}

TEST(QueueLockManager, UnlockReleasesOnlyTheCallersLocks) {
  QueueLockManager locks;
  locks.TryLockBatch("g", {kQ0}, "a", 0);
  EXPECT_FALSE(locks.UnlockBatch("g", {kQ0}, "b"));
  EXPECT_EQ(locks.Holder("g", kQ0, 0), "a");
  EXPECT_TRUE(locks.UnlockBatch("g", {kQ0}, "a"));
  EXPECT_EQ(locks.Holder("g", kQ0, 0), "");
  EXPECT_EQ(locks.TryLockBatch("g", {kQ0}, "b", 0).size(), 1u);
}

TEST(QueueLockManager, ClientsThatLeftTheGroupLoseTheirLocksAtOnce) {
  QueueLockManager locks;
  locks.TryLockBatch("g", {kQ0}, "a", 0);
  locks.TryLockBatch("g", {kQ1}, "b", 0);
  EXPECT_FALSE(locks.ReleaseAbsent("g", {"a", "b"}));
  EXPECT_TRUE(locks.ReleaseAbsent("g", {"b"}));
  EXPECT_EQ(locks.Holder("g", kQ0, 0), "");
  EXPECT_EQ(locks.Holder("g", kQ1, 0), "b");
}

}  // namespace
}  // namespace tern::broker
