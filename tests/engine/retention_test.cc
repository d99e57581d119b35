#include "engine/retention.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "engine/base/clock.h"
#include "engine/message_store.h"
#include "tests/engine/forwarding_file_system.h"
#include "tests/engine/store_test_util.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

using testing::TestMessage;

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_.disk_usage = [this]() -> absl::StatusOr<DiskUsage> {
      DiskUsage u;
      u.total_bytes = 1000;
      u.free_bytes = static_cast<uint64_t>(1000 - used_permille_.load());
      return u;
    };
  }
  std::unique_ptr<MessageStore> OpenStore(int reserved_hours = 72) {
    StoreOptions o = testing::SmallStoreOptions(dir_.path());
    o.retention.file_reserved_hours = reserved_hours;
    o.retention.check_interval = std::chrono::hours(1);  // passes run only when the test asks
    o.retention.delete_when_hour = -1;                   // never "the delete hour"
    return *MessageStore::Open(o, &fs_);
  }
  void Fill(MessageStore& store, int n) {
    TestMessage m;
    m.body.assign(3000, 'r');
    for (int i = 0; i < n; ++i) ASSERT_TRUE(store.PutMessage(m.View(), nullptr).ok());
    const auto deadline = MonoClock::now() + std::chrono::seconds(10);
    while (store.dispatcher().dispatched_offset() < store.commit_log().max_offset()) {
      ASSERT_LT(MonoClock::now(), deadline);
      store.commit_log().append_notifier().Notify();
      std::this_thread::yield();
    }
  }
  testing::TempDir dir_;
  testing::ForwardingFileSystem fs_{DefaultFileSystem()};
  std::atomic<int> used_permille_{100};
};

TEST_F(RetentionTest, NothingIsDeletedOutsideTheDeleteHourWhileTheDiskHasRoom) {
  auto store = OpenStore(/*reserved_hours=*/0);
  Fill(*store, 100);
  const size_t files = store->commit_log().files().file_count();
  absl::StatusOr<RetentionPass> pass = store->RunRetention();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->commit_log_files_deleted, 0);
  EXPECT_EQ(store->commit_log().files().file_count(), files);
}

TEST_F(RetentionTest, ManualDeleteRemovesExpiredFilesAndTrimsQueues) {
  auto store = OpenStore(/*reserved_hours=*/0);  // everything is expired at once
  Fill(*store, 100);
  const size_t files = store->commit_log().files().file_count();
  ASSERT_GE(files, 4u);
  store->RequestManualDelete();
  absl::StatusOr<RetentionPass> pass = store->RunRetention();
  ASSERT_TRUE(pass.ok());
  EXPECT_GE(pass->commit_log_files_deleted, 1);
  EXPECT_EQ(store->commit_log().files().file_count(), files - pass->commit_log_files_deleted);
  EXPECT_GE(store->commit_log().files().file_count(), 1u) << "the last file always stays";
  const int64_t min = store->commit_log().min_offset();
  EXPECT_GT(min, 0);
  // The queue no longer offers offsets whose records are gone, and reads start at its new min.
  const int64_t qmin = store->reader().MinOffsetInQueue("TopicTest", 0);
  EXPECT_GT(qmin, 0);
  GetMessageResult r = store->GetMessage("TopicTest", 0, 0, 1, 0, nullptr);
  EXPECT_EQ(r.status, GetMessageStatus::kOffsetTooSmall);
  EXPECT_EQ(r.next_begin_offset, qmin);
  GetMessageResult ok = store->GetMessage("TopicTest", 0, qmin, 1, 0, nullptr);
  ASSERT_EQ(ok.status, GetMessageStatus::kFound);
  EXPECT_GE(DecodeRecord(ok.messages[0], CrcCheck::kSkip).record.physical_offset, min);
}

TEST_F(RetentionTest, UnexpiredFilesStayUnlessTheDiskIsAboveTheForceRatio) {
  auto store = OpenStore(/*reserved_hours=*/72);
  Fill(*store, 100);
  const size_t files = store->commit_log().files().file_count();
  used_permille_ = 800;  // above clean (75 %), below force (85 %): expired only, none are
  ASSERT_EQ(store->RunRetention()->commit_log_files_deleted, 0);
  used_permille_ = 870;  // above force: oldest files go anyway
  absl::StatusOr<RetentionPass> pass = store->RunRetention();
  ASSERT_TRUE(pass.ok());
  EXPECT_GE(pass->commit_log_files_deleted, 1);
  EXPECT_LT(store->commit_log().files().file_count(), files);
}

TEST_F(RetentionTest, WritesAreRefusedAboveNinetyPercentAndResumeWhenSpaceReturns) {
  auto store = OpenStore();
  used_permille_ = 950;
  absl::StatusOr<RetentionPass> pass = store->RunRetention();
  ASSERT_TRUE(pass.ok());
  EXPECT_TRUE(pass->writes_refused);
  absl::StatusOr<PutOutcome> r = store->PutMessage(TestMessage().View(), nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(std::string(r.status().message()).find("disk full"), std::string::npos);
  // Reads keep working while writes are refused.
  EXPECT_EQ(store->GetMessage("TopicTest", 0, 0, 1, 0, nullptr).status,
            GetMessageStatus::kNoMatchedLogicQueue);
  used_permille_ = 500;
  ASSERT_TRUE(store->RunRetention().ok());
  EXPECT_TRUE(store->PutMessage(TestMessage().View(), nullptr).ok());
}

TEST_F(RetentionTest, FilesNotYetDispatchedAreNeverDeleted) {
  auto store = OpenStore(/*reserved_hours=*/0);
  Fill(*store, 60);
  Retention r(&fs_, &store->commit_log(), &store->queues(), store->index(), RetentionOptions{},
              [] { return int64_t{0}; });  // nothing dispatched
  r.RequestManualDelete();
  absl::StatusOr<RetentionPass> pass = r.RunOnce();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->commit_log_files_deleted, 0);
}

}  // namespace
}  // namespace tern::engine
