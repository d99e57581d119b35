// Recovery of stores left behind by crashes and corruption: every case reopens a real store
// directory whose files were damaged the way a crash or bad disk would.
#include "engine/recovery.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/base/bytes.h"
#include "engine/base/crc32.h"
#include "engine/commit_log_format.h"
#include "engine/message_store.h"
#include "tests/engine/store_test_util.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

using testing::SmallStoreOptions;
using testing::TestMessage;

struct Written {
  std::vector<int64_t> offsets;  // physical offset of each record
  std::vector<int32_t> sizes;
};

// Writes `n` messages "m0".."m{n-1}" to queue 0 and shuts down cleanly.
Written WriteStore(const std::string& root, int n, size_t body_size = 200) {
  Written w;
  auto store = *MessageStore::Open(SmallStoreOptions(root));
  for (int i = 0; i < n; ++i) {
    TestMessage m;
    m.body = "m" + std::to_string(i);
    m.body.resize(body_size, '.');
    m.WithKeys("k" + std::to_string(i));
    absl::StatusOr<PutOutcome> r = store->PutMessage(m.View(), nullptr);
    EXPECT_TRUE(r.ok());
    w.offsets.push_back(r->append.physical_offset.value());
    w.sizes.push_back(r->append.bytes);
  }
  return w;
}

std::string CommitLogPath(const std::string& root, int64_t offset, int64_t file_size = 64 * 1024) {
  return root + "/commitlog/" + FileNameForOffset(offset - offset % file_size);
}

void PatchFile(const std::string& path, int64_t pos, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(pos);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string ReadFileBytes(const std::string& path, int64_t pos, size_t n) {
  std::ifstream f(path, std::ios::binary);
  f.seekg(pos);
  std::string out(n, '\0');
  f.read(out.data(), static_cast<std::streamsize>(n));
  return out;
}

// Marks the store as crashed and rewinds the checkpoint extension so that `flushed` is the last
// durable point, as it would be after a crash that lost what came later.
void SimulateCrash(const std::string& root, int64_t flushed) {
  std::ofstream(root + "/abort").put('\0');
  std::string ckp = ReadFileBytes(root + "/checkpoint", 0, 4096);
  auto* p = reinterpret_cast<uint8_t*>(ckp.data());
  StoreBE64(p + 72, static_cast<uint64_t>(flushed));
  StoreBE64(p + 80, static_cast<uint64_t>(flushed));
  StoreBE32(p + 88, Crc32(ByteSpan(p + 64, 24)));
  PatchFile(root + "/checkpoint", 0, ckp);
}

std::vector<std::string> Bodies(MessageStore& store) {
  std::vector<std::string> out;
  for (const std::string& b : testing::ReadAllBodies(store, "TopicTest", 0)) {
    out.push_back(b.substr(0, b.find('.')));
  }
  return out;
}

TEST(Recovery, TornLastRecordIsCutAtEveryBytePosition) {
  testing::TempDir base;
  const Written w = WriteStore(base.Sub("clean"), 5, /*body_size=*/40);
  const int64_t last = w.offsets.back();
  const int32_t size = w.sizes.back();
  const std::string record = ReadFileBytes(CommitLogPath(base.Sub("clean"), last), last, size);
  for (int32_t cut = 0; cut < size; ++cut) {
    // What recovery reports as cut: the written prefix up to its last non-zero byte.
    int64_t expected_cut = 0;
    for (int32_t i = 0; i < cut; ++i) {
      if (record[i] != 0) expected_cut = i + 1;
    }
    testing::TempDir dir;
    const std::string root = dir.Sub("s");
    testing::CopyTree(base.Sub("clean"), root);
    // Bytes of the last record from `cut` on never reached the disk.
    PatchFile(CommitLogPath(root, last), last + cut, std::string(size - cut, '\0'));
    SimulateCrash(root, last);
    auto store = MessageStore::Open(SmallStoreOptions(root));
    ASSERT_TRUE(store.ok()) << "cut " << cut << ": " << store.status();
    const RecoveryReport& rep = (*store)->recovery_report();
    EXPECT_FALSE(rep.clean_shutdown);
    EXPECT_EQ(rep.end_offset, last) << "cut " << cut;
    EXPECT_EQ(rep.bytes_cut, expected_cut) << "cut " << cut << " " << rep.Summary();
    EXPECT_TRUE(rep.quarantined.empty());
    EXPECT_EQ(Bodies(**store), (std::vector<std::string>{"m0", "m1", "m2", "m3"})) << cut;
    // The log continues where the valid data ended, with the next queue offset.
    TestMessage m;
    m.body = "again";
    absl::StatusOr<PutOutcome> r = (*store)->PutMessage(m.View(), nullptr);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->append.physical_offset.value(), last);
    EXPECT_EQ(r->append.queue_offset.value(), 4);
  }
}

TEST(Recovery, GarbageAfterTheDurableEndIsZeroFilledSoItCannotComeBack) {
  testing::TempDir dir;
  const std::string root = dir.Sub("s");
  const Written w = WriteStore(root, 4);
  const int64_t end = w.offsets.back() + w.sizes.back();
  // A torn write leaves a stale-but-plausible copy of record 0 after the end.
  const std::string rec0 = ReadFileBytes(CommitLogPath(root, 0), 0, w.sizes[0]);
  PatchFile(CommitLogPath(root, end), end + 64, rec0);
  PatchFile(CommitLogPath(root, end), end, "garbage!");
  SimulateCrash(root, end);
  {
    auto store = *MessageStore::Open(SmallStoreOptions(root));
    EXPECT_EQ(store->recovery_report().end_offset, end);
    EXPECT_GT(store->recovery_report().bytes_cut, 0);
  }
  EXPECT_EQ(ReadFileBytes(CommitLogPath(root, end), end, 64 + rec0.size()),
            std::string(64 + rec0.size(), '\0'));
}

TEST(Recovery, FlippedBodyByteInTheMiddleIsQuarantinedAndLaterRecordsKept) {
  testing::TempDir dir;
  const std::string root = dir.Sub("s");
  const Written w = WriteStore(root, 6);
  // Flip a body byte of record 2 (its body starts at +84+4).
  const int64_t at = w.offsets[2] + 88;
  std::string b = ReadFileBytes(CommitLogPath(root, at), at, 1);
  b[0] ^= 0x40;
  PatchFile(CommitLogPath(root, at), at, b);
  // Lose the checkpoint extension and the ConsumeQueues: recovery must rebuild from the log.
  std::filesystem::remove(root + "/checkpoint");
  std::filesystem::remove_all(root + "/consumequeue");
  std::ofstream(root + "/abort").put('\0');
  auto store = MessageStore::Open(SmallStoreOptions(root));
  ASSERT_TRUE(store.ok()) << store.status();
  const RecoveryReport& rep = (*store)->recovery_report();
  ASSERT_EQ(rep.quarantined.size(), 1u) << rep.Summary();
  EXPECT_EQ(rep.quarantined[0].begin, w.offsets[2]);
  EXPECT_EQ(rep.quarantined[0].end, w.offsets[3]);
  EXPECT_EQ(rep.end_offset, w.offsets.back() + w.sizes.back());
  EXPECT_EQ(Bodies(**store), (std::vector<std::string>{"m0", "m1", "m3", "m4", "m5"}));
  // The corrupt record's queue offset holds a filler: offsets still match records.
  GetMessageResult r = (*store)->GetMessage("TopicTest", 0, 3, 1, 0, nullptr);
  ASSERT_EQ(r.status, GetMessageStatus::kFound);
  EXPECT_EQ(DecodeRecord(r.messages[0], CrcCheck::kVerify).record.queue_offset, 3);
}

TEST(Recovery, ABlankHeaderInTheMiddleOfAFileDoesNotHideTheRecordsAfterIt) {
  // A BLANK filler is legitimate only at the end of a file (its size is the rest of the
  // file). A BLANK header written over a record in the middle is damage, not "end of file".
  testing::TempDir dir;
  const std::string root = dir.Sub("s");
  const Written w = WriteStore(root, 6);
  std::string blank(8, '\0');
  StoreBE32(reinterpret_cast<uint8_t*>(blank.data()), static_cast<uint32_t>(w.sizes[2]));
  StoreBE32(reinterpret_cast<uint8_t*>(blank.data()) + 4,
            static_cast<uint32_t>(format::kBlankMagic));
  PatchFile(CommitLogPath(root, w.offsets[2]), w.offsets[2], blank);
  std::filesystem::remove(root + "/checkpoint");
  std::filesystem::remove_all(root + "/consumequeue");
  std::ofstream(root + "/abort").put('\0');
  auto store = MessageStore::Open(SmallStoreOptions(root));
  ASSERT_TRUE(store.ok()) << store.status();
  const RecoveryReport& rep = (*store)->recovery_report();
  ASSERT_EQ(rep.quarantined.size(), 1u) << rep.Summary();
  EXPECT_EQ(rep.quarantined[0].begin, w.offsets[2]);
  EXPECT_EQ(rep.end_offset, w.offsets.back() + w.sizes.back());
  EXPECT_EQ(Bodies(**store), (std::vector<std::string>{"m0", "m1", "m3", "m4", "m5"}));
}

TEST(Recovery, CorruptRecordBelowTheScanStartIsNeverDelivered) {
  testing::TempDir dir;
  const std::string root = dir.Sub("s");
  const Written w = WriteStore(root, 4);
  const int64_t at = w.offsets[1] + 90;
  std::string b = ReadFileBytes(CommitLogPath(root, at), at, 1);
  b[0] ^= 0x01;
  PatchFile(CommitLogPath(root, at), at, b);
  auto store = *MessageStore::Open(SmallStoreOptions(root));  // clean: no scan
  EXPECT_EQ(Bodies(*store), (std::vector<std::string>{"m0", "m2", "m3"}));
  EXPECT_GE(store->reader().corrupt_records_skipped(), 1);
}

TEST(Recovery, MissingCheckpointFallsBackToScanningTheLog) {
  testing::TempDir dir;
  const std::string root = dir.Sub("s");
  WriteStore(root, 30);
  std::filesystem::remove(root + "/checkpoint");
  std::ofstream(root + "/abort").put('\0');
  auto store = *MessageStore::Open(SmallStoreOptions(root));
  EXPECT_FALSE(store->recovery_report().used_checkpoint_extension);
  EXPECT_EQ(Bodies(*store).size(), 30u);
  TestMessage m;
  EXPECT_EQ(store->PutMessage(m.View(), nullptr)->append.queue_offset.value(), 30);
}

TEST(Recovery, GarbledCheckpointIsDetectedByItsChecksum) {
  testing::TempDir dir;
  const std::string root = dir.Sub("s");
  WriteStore(root, 30);
  PatchFile(root + "/checkpoint", 70, "\x13\x37\x13\x37");
  std::ofstream(root + "/abort").put('\0');
  auto store = *MessageStore::Open(SmallStoreOptions(root));
  EXPECT_FALSE(store->recovery_report().used_checkpoint_extension);
  EXPECT_EQ(Bodies(*store).size(), 30u);
}

TEST(Recovery, DeletedConsumeQueuesAreRebuiltFromTheLog) {
  testing::TempDir dir;
  const std::string root = dir.Sub("s");
  WriteStore(root, 100);  // several CommitLog and ConsumeQueue files
  std::filesystem::remove_all(root + "/consumequeue");
  auto store = *MessageStore::Open(SmallStoreOptions(root));
  std::vector<std::string> bodies = Bodies(*store);
  ASSERT_EQ(bodies.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(bodies[i], "m" + std::to_string(i));
  EXPECT_EQ(store->reader().QueryMessages("TopicTest", "k42", 4, 0, INT64_MAX).messages.size(), 1u);
}

TEST(Recovery, ConsumeQueueUnitsBeyondTheLogEndAreRemoved) {
  testing::TempDir dir;
  const std::string root = dir.Sub("s");
  const Written w = WriteStore(root, 5);
  // The log lost its last two records but the ConsumeQueue (flushed first) still has them.
  PatchFile(CommitLogPath(root, w.offsets[3]), w.offsets[3],
            std::string(w.sizes[3] + w.sizes[4], '\0'));
  SimulateCrash(root, w.offsets[3]);
  auto store = *MessageStore::Open(SmallStoreOptions(root));
  EXPECT_EQ(store->reader().MaxOffsetInQueue("TopicTest", 0), 3);
  EXPECT_EQ(Bodies(*store).size(), 3u);
}

TEST(Recovery, FindNextValidRecordSkipsGarbage) {
  std::vector<uint8_t> buf(300, 0xEE);
  TestMessage m;
  std::vector<uint8_t> rec = m.Encode();
  PatchAppendFields(rec.data(), QueueOffset(0), PhysicalOffset(1000 + 37), 1);
  std::copy(rec.begin(), rec.end(), buf.begin() + 37);
  EXPECT_EQ(FindNextValidRecord(buf, 0, 1000), 37);
  EXPECT_EQ(FindNextValidRecord(buf, 0, 999), -1) << "physical offset must match";
  EXPECT_EQ(FindNextValidRecord(buf, 38, 1000), -1);
}

}  // namespace
}  // namespace tern::engine
