#include "engine/commit_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "engine/base/clock.h"
#include "engine/commit_log_format.h"
#include "tests/engine/forwarding_file_system.h"
#include "tests/util/temp_dir.h"
#include "tests/util/test_records.h"

namespace tern::engine {
namespace {

using testing::TestMessage;

CommitLogOptions Small() {
  CommitLogOptions o;
  o.file_size = 4096;
  o.max_message_size = 1024;
  return o;
}

class CommitLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<CommitLog> Open(FileSystem* fs = DefaultFileSystem(),
                                  FileAllocator* alloc = nullptr) {
    auto log = std::make_unique<CommitLog>(fs, dir_.Sub("commitlog"), Small(), alloc);
    EXPECT_TRUE(log->Load(Access::kReadWrite).ok());
    EXPECT_TRUE(log->SetEnd(log->max_offset()).ok());
    return log;
  }
  static absl::StatusOr<AppendResult> Append(CommitLog& log, const TestMessage& m) {
    std::vector<uint8_t> rec = m.Encode();
    return log.Append(rec, QueueKeyView{m.topic, m.queue_id});
  }
  testing::TempDir dir_;
};

TEST_F(CommitLogTest, AssignsQueueOffsetsPhysicalOffsetsAndMonotoneStoreTime) {
  auto log = Open();
  int64_t expected_phys = 0;
  int64_t last_ts = 0;
  for (int i = 0; i < 5; ++i) {
    TestMessage m;
    m.queue_id = i % 2;
    absl::StatusOr<AppendResult> r = Append(*log, m);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->physical_offset.value(), expected_phys);
    EXPECT_EQ(r->queue_offset.value(), i / 2);
    EXPECT_GE(r->store_timestamp, last_ts);
    last_ts = r->store_timestamp;
    std::optional<CommitLogSlice> s = log->Read(r->physical_offset, r->bytes);
    ASSERT_TRUE(s.has_value());
    const DecodeResult d = DecodeRecord(s->bytes, CrcCheck::kVerify);
    ASSERT_EQ(d.status, DecodeStatus::kRecord);
    EXPECT_EQ(d.record.physical_offset, expected_phys);
    EXPECT_EQ(d.record.queue_offset, i / 2);
    EXPECT_EQ(d.record.store_timestamp, r->store_timestamp);
    expected_phys += r->bytes;
  }
  EXPECT_EQ(log->max_offset(), expected_phys);
}

TEST_F(CommitLogTest, RecordThatDoesNotFitLeavesBlankAndGoesToNextFile) {
  auto log = Open();
  TestMessage m;
  m.body.assign(900, 'z');
  std::vector<AppendResult> results;
  for (int i = 0; i < 6; ++i) {
    absl::StatusOr<AppendResult> r = Append(*log, m);
    ASSERT_TRUE(r.ok());
    results.push_back(*r);
  }
  // 4096-byte files hold four ~1 KB records; the fifth starts the second file.
  EXPECT_EQ(results[4].physical_offset.value(), 4096);
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("commitlog/00000000000000004096")));
  std::shared_ptr<MappedFile> first = log->files().FirstFile();
  const size_t blank_at = static_cast<size_t>(results[3].end_offset().value());
  const DecodeResult d =
      DecodeRecord(ByteSpan(first->data() + blank_at, 4096 - blank_at), CrcCheck::kVerify);
  ASSERT_EQ(d.status, DecodeStatus::kBlank);
  EXPECT_EQ(d.blank_size, static_cast<int32_t>(4096 - blank_at));
  for (size_t i = blank_at + 8; i < 4096; ++i) ASSERT_EQ(first->data()[i], 0) << "zeroed tail";
}

TEST_F(CommitLogTest, RejectsOversizedBodies) {
  auto log = Open();
  TestMessage m;
  m.body.assign(1025, 'x');
  absl::StatusOr<AppendResult> r = Append(*log, m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CommitLogTest, BatchIsOneUnitWithConsecutiveOffsets) {
  auto log = Open();
  std::vector<uint8_t> all;
  for (int i = 0; i < 3; ++i) {
    std::vector<uint8_t> rec = TestMessage().Encode();
    all.insert(all.end(), rec.begin(), rec.end());
  }
  absl::StatusOr<AppendResult> r = log->AppendBatch(all, 3, QueueKeyView{"TopicTest", 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message_count, 3);
  size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    const DecodeResult d = DecodeRecord(
        log->ReadToFileEnd(PhysicalOffset(static_cast<int64_t>(pos)))->bytes, CrcCheck::kVerify);
    ASSERT_EQ(d.status, DecodeStatus::kRecord);
    EXPECT_EQ(d.record.queue_offset, i);
    EXPECT_EQ(d.record.physical_offset, static_cast<int64_t>(pos));
    pos += d.record.raw.size();
  }
  EXPECT_EQ(log->NextQueueOffset(QueueKeyView{"TopicTest", 0}), 3);
}

TEST_F(CommitLogTest, SetEndTruncatesZeroFillsAndDeletesLaterFiles) {
  auto log = Open();
  TestMessage m;
  m.body.assign(900, 'z');
  std::vector<AppendResult> results;
  for (int i = 0; i < 6; ++i) results.push_back(*Append(*log, m));
  ASSERT_TRUE(log->SetEnd(results[2].end_offset().value()).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("commitlog/00000000000000004096")));
  EXPECT_EQ(log->max_offset(), results[2].end_offset().value());
  std::shared_ptr<MappedFile> f = log->files().LastFile();
  for (size_t i = static_cast<size_t>(results[2].end_offset().value()); i < f->size(); ++i) {
    ASSERT_EQ(f->data()[i], 0);
  }
  absl::StatusOr<AppendResult> again = Append(*log, m);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->physical_offset, results[2].end_offset());
}

TEST_F(CommitLogTest, FlushAdvancesFlushedOffsetAcrossFiles) {
  auto log = Open();
  TestMessage m;
  m.body.assign(900, 'z');
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(Append(*log, m).ok());
  EXPECT_EQ(log->flushed_offset(), 0);
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->flushed_offset(), log->max_offset());
}

TEST_F(CommitLogTest, FailedSyncMakesTheLogReadOnlyForGood) {
  testing::ForwardingFileSystem fs(DefaultFileSystem());
  auto log = Open(&fs);
  ASSERT_TRUE(Append(*log, TestMessage()).ok());
  int calls = 0;
  fs.before_sync = [&calls] {
    ++calls;
    return calls == 1 ? absl::InternalError("EIO") : absl::OkStatus();
  };
  EXPECT_FALSE(log->Flush().ok());
  EXPECT_EQ(log->flushed_offset(), 0) << "never advanced past a failed sync";
  EXPECT_TRUE(log->read_only());
  EXPECT_FALSE(log->Flush().ok()) << "a later sync that 'succeeds' is not trusted";
  absl::StatusOr<AppendResult> r = Append(*log, TestMessage());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(CommitLogTest, RefusedWritesAnswerResourceExhaustedUntilLifted) {
  auto log = Open();
  log->SetWritesRefused(true, "disk full: 95% used");
  absl::StatusOr<AppendResult> r = Append(*log, TestMessage());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  log->SetWritesRefused(false, "");
  EXPECT_TRUE(Append(*log, TestMessage()).ok());
}

TEST_F(CommitLogTest, PreallocatedNextFileIsUsedAtTheRoll) {
  FileAllocator alloc(DefaultFileSystem(), /*prefault=*/true);
  alloc.Start();
  auto log = Open(DefaultFileSystem(), &alloc);
  TestMessage m;
  m.body.assign(900, 'z');
  ASSERT_TRUE(Append(*log, m).ok());  // creates file 0 and asks for file 1 in the background
  const auto deadline = MonoClock::now() + std::chrono::seconds(10);
  while (alloc.created() < 2) {  // file 0 inline, file 1 in the background
    ASSERT_LT(MonoClock::now(), deadline) << "file 1 was never prepared";
    std::this_thread::yield();
  }
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Append(*log, m).ok());  // rolls into file 1
  EXPECT_EQ(log->files().file_count(), 2u);
  EXPECT_EQ(alloc.hits(), 1);
  alloc.Stop();
}

}  // namespace
}  // namespace tern::engine
