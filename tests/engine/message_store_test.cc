#include "engine/message_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/clock.h"
#include "engine/consume_queue_format.h"
#include "engine/index/index_service.h"
#include "engine/properties.h"
#include "tests/engine/store_test_util.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

using testing::SmallStoreOptions;
using testing::TestMessage;

class TagFilter : public MessageFilter {
 public:
  explicit TagFilter(std::set<int64_t> codes) : codes_(std::move(codes)) {}
  bool MatchByTagsCode(int64_t code) const override { return codes_.count(code) > 0; }

 private:
  std::set<int64_t> codes_;
};

// Waits (with a deadline) until the dispatcher has made everything visible.
void WaitDispatched(MessageStore& store) {
  const auto deadline = MonoClock::now() + std::chrono::seconds(10);
  while (store.dispatcher().dispatched_offset() < store.commit_log().max_offset()) {
    ASSERT_LT(MonoClock::now(), deadline) << "dispatch did not catch up";
    store.commit_log().append_notifier().Notify();
    std::this_thread::yield();
  }
}

absl::StatusOr<PutOutcome> Put(MessageStore& store, const TestMessage& m) {
  return store.PutMessage(m.View(), nullptr);
}

TEST(MessageStore, PutThenGetReturnsTheStoredRecordsInOrder) {
  testing::TempDir dir;
  auto store = MessageStore::Open(SmallStoreOptions(dir.path()));
  ASSERT_TRUE(store.ok()) << store.status();
  for (int i = 0; i < 10; ++i) {
    TestMessage m;
    m.body = "body-" + std::to_string(i);
    m.queue_id = 1;
    absl::StatusOr<PutOutcome> r = Put(**store, m);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->append.queue_offset, QueueOffset(i));
  }
  WaitDispatched(**store);
  GetMessageResult r = (*store)->GetMessage("TopicTest", 1, 0, 32, 0, nullptr);
  ASSERT_EQ(r.status, GetMessageStatus::kFound);
  ASSERT_EQ(r.messages.size(), 10u);
  EXPECT_EQ(r.next_begin_offset, 10);
  EXPECT_EQ(r.min_offset, 0);
  EXPECT_EQ(r.max_offset, 10);
  for (int i = 0; i < 10; ++i) {
    const DecodeResult d = DecodeRecord(r.messages[i], CrcCheck::kVerify);
    ASSERT_EQ(d.status, DecodeStatus::kRecord);
    EXPECT_EQ(AsChars(d.record.body), "body-" + std::to_string(i));
    EXPECT_EQ(d.record.queue_offset, i);
  }
}

TEST(MessageStore, GetMessageStatusesFollowRocketMq) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  EXPECT_EQ(store->GetMessage("Nope", 0, 0, 32, 0, nullptr).status,
            GetMessageStatus::kNoMatchedLogicQueue);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Put(*store, TestMessage()).ok());
  WaitDispatched(*store);
  GetMessageResult one = store->GetMessage("TopicTest", 0, 3, 32, 0, nullptr);
  EXPECT_EQ(one.status, GetMessageStatus::kOffsetOverflowOne);
  EXPECT_EQ(one.next_begin_offset, 3);
  GetMessageResult bad = store->GetMessage("TopicTest", 0, 9, 32, 0, nullptr);
  EXPECT_EQ(bad.status, GetMessageStatus::kOffsetOverflowBadly);
  EXPECT_EQ(bad.next_begin_offset, 0);  // min is 0: RocketMQ corrects to min
  GetMessageResult two = store->GetMessage("TopicTest", 0, 1, 1, 0, nullptr);
  EXPECT_EQ(two.status, GetMessageStatus::kFound);
  EXPECT_EQ(two.messages.size(), 1u);
  EXPECT_EQ(two.next_begin_offset, 2);
}

TEST(MessageStore, TagFilterSkipsOnConsumeQueueAndAdvancesNextOffset) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  for (int i = 0; i < 6; ++i) {
    TestMessage m;
    m.WithTag(i % 2 == 0 ? "TagA" : "TagB");
    m.body = std::to_string(i);
    ASSERT_TRUE(Put(*store, m).ok());
  }
  WaitDispatched(*store);
  TagFilter only_b({TagsCodeOf("TagB")});
  GetMessageResult r = store->GetMessage("TopicTest", 0, 0, 32, 0, &only_b);
  ASSERT_EQ(r.status, GetMessageStatus::kFound);
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(AsChars(DecodeRecord(r.messages[0], CrcCheck::kSkip).record.body), "1");
  TagFilter none({TagsCodeOf("TagC")});
  GetMessageResult n = store->GetMessage("TopicTest", 0, 0, 32, 0, &none);
  EXPECT_EQ(n.status, GetMessageStatus::kNoMatchedMessage);
  EXPECT_EQ(n.next_begin_offset, 6);
}

TEST(MessageStore, BatchCapsByCountAndBytes) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(Put(*store, TestMessage()).ok());
  WaitDispatched(*store);
  EXPECT_EQ(store->GetMessage("TopicTest", 0, 0, 64, 0, nullptr).messages.size(), 32u)
      << "maxTransferCountOnMessageInMemory";
  EXPECT_EQ(store->GetMessage("TopicTest", 0, 0, 5, 0, nullptr).messages.size(), 5u);
}

TEST(MessageStore, RecordsRollAcrossFilesWithBlankAndStayReadable) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  TestMessage m;
  m.body.assign(3000, 'x');
  for (int i = 0; i < 100; ++i) {
    m.body[0] = static_cast<char>('a' + i % 26);
    ASSERT_TRUE(Put(*store, m).ok());
  }
  EXPECT_GE(store->commit_log().files().file_count(), 4u);
  WaitDispatched(*store);
  std::vector<std::string> bodies = testing::ReadAllBodies(*store, "TopicTest", 0);
  ASSERT_EQ(bodies.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(bodies[i][0], 'a' + i % 26);
}

TEST(MessageStore, RejectsOversizedBodyWithTheLimitInTheError) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  TestMessage m;
  m.body.assign(16 * 1024 + 1, 'x');
  absl::StatusOr<PutOutcome> r = Put(*store, m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(r.status().message()).find("maxMessageSize"), std::string::npos);
}

TEST(MessageStore, BatchGetsConsecutiveQueueOffsetsInOneFile) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  std::vector<TestMessage> owned(8);
  std::vector<MessageToStore> views;
  for (size_t i = 0; i < owned.size(); ++i) {
    owned[i].body = "b" + std::to_string(i);
    views.push_back(owned[i].View());
  }
  ASSERT_TRUE(Put(*store, TestMessage()).ok());
  absl::StatusOr<PutOutcome> r = store->PutMessages(views, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->append.queue_offset, QueueOffset(1));
  EXPECT_EQ(r->append.message_count, 8);
  WaitDispatched(*store);
  EXPECT_EQ(testing::ReadAllBodies(*store, "TopicTest", 0).size(), 9u);
}

TEST(MessageStore, PreparedAndRollbackRecordsAreNotDispatched) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  TestMessage half;
  half.sys_flag = 0x4;  // PREPARED
  ASSERT_TRUE(Put(*store, half).ok());
  TestMessage plain;
  absl::StatusOr<PutOutcome> r = Put(*store, plain);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->append.queue_offset, QueueOffset(0)) << "PREPARED does not advance the queue";
  WaitDispatched(*store);
  EXPECT_EQ(store->reader().MaxOffsetInQueue("TopicTest", 0), 1);
}

TEST(MessageStore, QueryByKeyAndByMessageIdAndByTime) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  const int64_t t0 = NowMillis();
  std::vector<int64_t> offsets;
  for (int i = 0; i < 5; ++i) {
    TestMessage m;
    m.WithKeys("order-" + std::to_string(i) + " shared").WithUniqKey("UNIQ" + std::to_string(i));
    m.body = std::to_string(i);
    absl::StatusOr<PutOutcome> r = Put(*store, m);
    ASSERT_TRUE(r.ok());
    offsets.push_back(r->append.physical_offset.value());
  }
  WaitDispatched(*store);
  const int64_t t1 = NowMillis();
  QueryMessagesResult q = store->reader().QueryMessages("TopicTest", "order-3", 32, 0, t1 + 1000);
  ASSERT_EQ(q.messages.size(), 1u);
  EXPECT_EQ(AsChars(q.messages[0].record.body), "3");
  EXPECT_EQ(store->reader().QueryMessages("TopicTest", "shared", 32, 0, t1 + 1000).messages.size(),
            5u);
  EXPECT_EQ(store->reader().QueryMessages("TopicTest", "UNIQ4", 32, 0, t1 + 1000).messages.size(),
            1u);
  std::optional<FoundMessage> byid = store->reader().LookupMessage(PhysicalOffset(offsets[2]));
  ASSERT_TRUE(byid.has_value());
  EXPECT_EQ(AsChars(byid->record.body), "2");
  EXPECT_FALSE(store->reader().LookupMessage(PhysicalOffset(offsets[2] + 1)).has_value());
  EXPECT_EQ(store->reader().OffsetInQueueByTime("TopicTest", 0, t0 - 1000), 0);
  EXPECT_EQ(store->reader().OffsetInQueueByTime("TopicTest", 0, t1 + 1000), 4)
      << "all older: the last message";
  const int64_t ts2 = store->reader().MessageStoreTimestamp("TopicTest", 0, 2);
  EXPECT_LE(store->reader().OffsetInQueueByTime("TopicTest", 0, ts2), 2);
  EXPECT_EQ(store->reader().OffsetInQueueByTime("Nope", 0, ts2), 0);
  EXPECT_GE(store->reader().EarliestMessageTime("TopicTest", 0), t0);
}

TEST(MessageStore, RestartKeepsMessagesAndQueueOffsets) {
  testing::TempDir dir;
  {
    auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
    for (int i = 0; i < 20; ++i) {
      TestMessage m;
      m.body = std::to_string(i);
      ASSERT_TRUE(Put(*store, m).ok());
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("abort"))) << "clean shutdown removes abort";
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  EXPECT_TRUE(store->recovery_report().clean_shutdown);
  EXPECT_TRUE(store->recovery_report().used_checkpoint_extension);
  EXPECT_EQ(store->recovery_report().records_scanned, 0) << store->recovery_report().Summary();
  TestMessage m;
  m.body = "20";
  absl::StatusOr<PutOutcome> r = Put(*store, m);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->append.queue_offset, QueueOffset(20));
  WaitDispatched(*store);
  std::vector<std::string> bodies = testing::ReadAllBodies(*store, "TopicTest", 0);
  ASSERT_EQ(bodies.size(), 21u);
  for (int i = 0; i <= 20; ++i) EXPECT_EQ(bodies[i], std::to_string(i));
}

TEST(MessageStore, SecondOpenOfTheSameStoreIsRefused) {
  testing::TempDir dir;
  auto first = MessageStore::Open(SmallStoreOptions(dir.path()));
  ASSERT_TRUE(first.ok());
  auto second = MessageStore::Open(SmallStoreOptions(dir.path()));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MessageStore, SyncFlushCompletesWaitersAfterTheFlush) {
  testing::TempDir dir;
  StoreOptions o = SmallStoreOptions(dir.path());
  o.flush.mode = FlushMode::kSync;
  auto store = *MessageStore::Open(o);
  struct Waiter : FlushWaiter {
    std::atomic<int> calls{0};
    std::atomic<FlushOutcome> outcome{FlushOutcome::kError};
    void OnFlushed(FlushOutcome o) override {
      outcome = o;
      calls++;
    }
  } w;
  absl::StatusOr<PutOutcome> r = store->PutMessage(TestMessage().View(), &w);
  ASSERT_TRUE(r.ok());
  if (r->flush_pending) {
    const auto deadline = MonoClock::now() + std::chrono::seconds(10);
    while (w.calls.load() == 0) {
      ASSERT_LT(MonoClock::now(), deadline);
      std::this_thread::yield();
    }
    EXPECT_EQ(w.outcome.load(), FlushOutcome::kOk);
  }
  EXPECT_GE(store->commit_log().flushed_offset(), r->append.end_offset().value());
  // Under SYNC_FLUSH the record becomes visible only once flushed.
  WaitDispatched(*store);
  EXPECT_EQ(store->reader().MaxOffsetInQueue("TopicTest", 0), 1);
}

TEST(MessageStore, DeleteTopicRemovesItsQueues) {
  testing::TempDir dir;
  auto store = *MessageStore::Open(SmallStoreOptions(dir.path()));
  ASSERT_TRUE(Put(*store, TestMessage()).ok());
  WaitDispatched(*store);
  ASSERT_TRUE(std::filesystem::exists(dir.Sub("consumequeue/TopicTest/0")));
  ASSERT_TRUE(store->DeleteTopic("TopicTest").ok());
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("consumequeue/TopicTest")));
  EXPECT_EQ(store->GetMessage("TopicTest", 0, 0, 1, 0, nullptr).status,
            GetMessageStatus::kNoMatchedLogicQueue);
}

}  // namespace
}  // namespace tern::engine
