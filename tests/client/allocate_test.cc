#include "client/allocate.h"

#include <gtest/gtest.h>

#include <set>

namespace tern::client {
namespace {

std::vector<MessageQueue> Queues(int n) {
  std::vector<MessageQueue> out;
  // Deliberately unsorted, across two brokers.
  for (int i = n - 1; i >= 0; --i) out.push_back({"T", i % 2 == 0 ? "b" : "a", i / 2});
  return out;
}

TEST(AllocateAveragely, EightQueuesThreeMembersSplitThreeThreeTwoInSortedOrder) {
  const std::vector<std::string> ids = {"c@3", "a@1", "b@2"};
  auto a = AllocateAveragely("a@1", Queues(8), ids);
  auto b = AllocateAveragely("b@2", Queues(8), ids);
  auto c = AllocateAveragely("c@3", Queues(8), ids);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  ASSERT_EQ(c.size(), 2u);
  // Sorted by broker then queue id: a0 a1 a2 a3 b0 b1 b2 b3.
  EXPECT_EQ(a[0], (MessageQueue{"T", "a", 0}));
  EXPECT_EQ(a[2], (MessageQueue{"T", "a", 2}));
  EXPECT_EQ(b[0], (MessageQueue{"T", "a", 3}));
  EXPECT_EQ(c[1], (MessageQueue{"T", "b", 3}));
  std::set<MessageQueue> all;
  for (const auto* v : {&a, &b, &c}) all.insert(v->begin(), v->end());
  EXPECT_EQ(all.size(), 8u);
}

TEST(AllocateAveragely, MoreMembersThanQueuesLeavesTheLastOnesIdle) {
  const std::vector<std::string> ids = {"1", "2", "3"};
  EXPECT_EQ(AllocateAveragely("1", Queues(2), ids).size(), 1u);
  EXPECT_EQ(AllocateAveragely("2", Queues(2), ids).size(), 1u);
  EXPECT_TRUE(AllocateAveragely("3", Queues(2), ids).empty());
}

TEST(AllocateAveragely, AnUnknownMemberGetsNothing) {
  EXPECT_TRUE(AllocateAveragely("x", Queues(4), {"1", "2"}).empty());
  EXPECT_TRUE(AllocateAveragely("1", {}, {"1"}).empty());
}

}  // namespace
}  // namespace tern::client
