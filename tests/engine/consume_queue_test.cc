#include "engine/consume_queue.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

constexpr size_t kUnitsPerFile = 8;

class ConsumeQueueTest : public ::testing::Test {
 protected:
  std::unique_ptr<ConsumeQueue> Make() {
    auto cq =
        std::make_unique<ConsumeQueue>(DefaultFileSystem(), dir_.path(), "T", 3, kUnitsPerFile);
    EXPECT_TRUE(cq->Load(Access::kReadWrite).ok());
    EXPECT_TRUE(cq->RecoverEnd().ok());
    return cq;
  }
  testing::TempDir dir_;
};

TEST_F(ConsumeQueueTest, UnitsAreTwentyBytesAtQueueOffsetTimesTwenty) {
  auto cq = Make();
  ASSERT_TRUE(cq->Put(5000136, 262, 2598919, 0).ok());
  ASSERT_TRUE(cq->Put(5000398, 100, 0, 1).ok());
  EXPECT_EQ(cq->max_offset(), 2);
  EXPECT_EQ(cq->min_offset(), 0);
  EXPECT_EQ(cq->max_physical_end(), 5000498);
  const std::string path = dir_.Sub("T/3/00000000000000000000");
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(std::filesystem::file_size(path), kUnitsPerFile * 20);
  const std::optional<CqUnit> u = cq->Get(0);
  ASSERT_TRUE(u.has_value());
  // The recorded 4.8.0 example unit (protocol.md 5.1).
  uint8_t bytes[20];
  EncodeCqUnit(*u, bytes);
  const uint8_t expected[20] = {0, 0, 0, 0, 0, 0x4c, 0x4b, 0xc8, 0,    0,
                                1, 6, 0, 0, 0, 0,    0,    0x27, 0xa8, 0x07};
  EXPECT_EQ(0, std::memcmp(bytes, expected, 20));
}

TEST_F(ConsumeQueueTest, RollsToNextFileNamedByByteOffset) {
  auto cq = Make();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(cq->Put(i * 100, 100, 0, i).ok());
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("T/3/00000000000000000160")));
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("T/3/00000000000000000320")));
  std::optional<CqUnits> units = cq->GetUnits(6, 32);
  ASSERT_TRUE(units.has_value());
  EXPECT_EQ(units->count, 2) << "a read stays within one file";
  EXPECT_EQ(cq->RollNextFile(6), 8);
}

TEST_F(ConsumeQueueTest, ReDispatchIsIdempotent) {
  auto cq = Make();
  ASSERT_TRUE(cq->Put(0, 100, 0, 0).ok());
  ASSERT_TRUE(cq->Put(100, 100, 0, 1).ok());
  ASSERT_TRUE(cq->Put(0, 100, 0, 0).ok());
  ASSERT_TRUE(cq->Put(100, 100, 0, 1).ok());
  EXPECT_EQ(cq->max_offset(), 2);
}

TEST_F(ConsumeQueueTest, GapInQueueOffsetsGetsFillerUnits) {
  auto cq = Make();
  ASSERT_TRUE(cq->Put(0, 100, 0, 0).ok());
  ASSERT_TRUE(cq->Put(300, 100, 0, 3).ok());
  EXPECT_EQ(cq->max_offset(), 4);
  EXPECT_TRUE(cq->Get(1)->is_filler());
  EXPECT_TRUE(cq->Get(2)->is_filler());
  EXPECT_EQ(cq->Get(3)->physical_offset, 300);
}

TEST_F(ConsumeQueueTest, FirstUnitAtNonZeroOffsetFillsTheFileFront) {
  auto cq = Make();
  ASSERT_TRUE(cq->Put(4096, 100, 7, 19).ok());
  // File starting at unit 16 (byte 320) with fillers for 16..18.
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("T/3/00000000000000000320")));
  EXPECT_EQ(cq->min_offset(), 19);
  EXPECT_EQ(cq->max_offset(), 20);
  EXPECT_FALSE(cq->Get(18).has_value()) << "below min";
  cq.reset();
  auto again = Make();
  EXPECT_EQ(again->min_offset(), 19);
  EXPECT_EQ(again->max_offset(), 20);
}

TEST_F(ConsumeQueueTest, RecoverEndStopsAtFirstZeroUnitAndZeroFillsAfter) {
  {
    auto cq = Make();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(cq->Put(i * 100, 100, 0, i).ok());
    // Stale garbage after a hole: a torn page could leave this; recovery must not count it.
    MappedFile& f = *cq->files().LastFile();
    const CqUnit stale{9999, 50, 0};
    EncodeCqUnit(stale, f.data() + 6 * 20);
  }
  auto cq = Make();
  EXPECT_EQ(cq->max_offset(), 5);
  const MappedFile& f = *cq->files().LastFile();
  for (size_t i = 5 * 20; i < f.size(); ++i) ASSERT_EQ(f.data()[i], 0) << i;
}

TEST_F(ConsumeQueueTest, TruncateFromPhysicalDropsTheSuffixOnly) {
  auto cq = Make();
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(cq->Put(i * 100, 100, 0, i).ok());
  ASSERT_TRUE(cq->TruncateFromPhysical(700).ok());
  EXPECT_EQ(cq->max_offset(), 7);
  EXPECT_EQ(cq->max_physical_end(), 700);
  EXPECT_EQ(cq->files().file_count(), 1u);
  ASSERT_TRUE(cq->Put(700, 100, 0, 7).ok());
  EXPECT_EQ(cq->max_offset(), 8);
}

TEST_F(ConsumeQueueTest, DeleteFilesBeforeMovesMinOffset) {
  auto cq = Make();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(cq->Put(i * 100, 100, 0, i).ok());
  absl::StatusOr<int> n = cq->DeleteFilesBefore(1000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(cq->min_offset(), 10);
  EXPECT_FALSE(cq->Get(9).has_value());
  EXPECT_EQ(cq->Get(10)->physical_offset, 1000);
}

TEST(TopicName, OnlyRocketMqCharactersBecomeDirectories) {
  EXPECT_TRUE(IsValidTopicName("%RETRY%group_1-a|b"));
  EXPECT_FALSE(IsValidTopicName("../x"));
  EXPECT_FALSE(IsValidTopicName("a/b"));
  EXPECT_FALSE(IsValidTopicName(""));
  EXPECT_FALSE(IsValidTopicName(std::string(128, 'a')));
  EXPECT_FALSE(IsValidTopicName(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace tern::engine
