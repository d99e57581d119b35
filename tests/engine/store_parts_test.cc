// Unit tests of the small store parts: file system seam, mapped file queue, checkpoint,
// delay levels.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/checkpoint.h"
#include "engine/delay_levels.h"
#include "engine/file_system.h"
#include "engine/mapped_file_queue.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

TEST(FileSystem, CreateAndMapPreallocatesZeroedFileAndRefusesExisting) {
  testing::TempDir dir;
  FileSystem* fs = DefaultFileSystem();
  auto region = fs->CreateAndMap(dir.Sub("f"), 8192);
  ASSERT_TRUE(region.ok());
  EXPECT_EQ(std::filesystem::file_size(dir.Sub("f")), 8192u);
  for (size_t i = 0; i < 8192; ++i) ASSERT_EQ((*region)->data()[i], 0);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("f.tmp")));
  EXPECT_EQ(fs->CreateAndMap(dir.Sub("f"), 8192).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(FileSystem, ZeroRangeClearsTheTailDurably) {
  testing::TempDir dir;
  FileSystem* fs = DefaultFileSystem();
  auto region = *fs->CreateAndMap(dir.Sub("f"), 3 * 4096);
  std::memset(region->data(), 0xAB, region->size());
  ASSERT_TRUE(fs->ZeroRange(*region, 100, region->size() - 100).ok());
  EXPECT_EQ(region->data()[99], 0xAB);
  for (size_t i = 100; i < region->size(); ++i) ASSERT_EQ(region->data()[i], 0) << i;
}

TEST(FileSystem, LockConflictsWithinTheProcessToo) {
  testing::TempDir dir;
  FileSystem* fs = DefaultFileSystem();
  auto first = fs->LockFile(dir.Sub("lock"));
  ASSERT_TRUE(first.ok());
  auto second = fs->LockFile(dir.Sub("lock"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  first->reset();
  EXPECT_TRUE(fs->LockFile(dir.Sub("lock")).ok());
}

TEST(FileSystem, AtomicReplaceKeepsThePreviousVersionAsBak) {
  testing::TempDir dir;
  FileSystem* fs = DefaultFileSystem();
  ASSERT_TRUE(AtomicReplaceFile(*fs, dir.Sub("c.json"), "v1").ok());
  ASSERT_TRUE(AtomicReplaceFile(*fs, dir.Sub("c.json"), "v2").ok());
  EXPECT_EQ(*fs->ReadFile(dir.Sub("c.json")), "v2");
  EXPECT_EQ(*fs->ReadFile(dir.Sub("c.json.bak")), "v1");
  EXPECT_FALSE(fs->Exists(dir.Sub("c.json.tmp")));
}

TEST(FileSystem, PathHelpers) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(ParentDir("/x/y/z"), "/x/y");
  EXPECT_EQ(ParentDir("z"), "");
  EXPECT_EQ(ParentDir("/z"), "/");
}

TEST(MappedFileQueue, FilesAreNamedByTwentyDigitOffsetsAndFoundByOffset) {
  testing::TempDir dir;
  MappedFileQueue q(DefaultFileSystem(), dir.Sub("q"), 4096);
  ASSERT_TRUE(q.Load(Access::kReadWrite).ok());
  EXPECT_TRUE(q.empty());
  ASSERT_TRUE(q.AppendFile(0).ok());
  ASSERT_TRUE(q.AppendFile(4096).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("q/00000000000000004096")));
  EXPECT_EQ(q.FindFile(5000)->from_offset(), 4096);
  EXPECT_EQ(q.FindFile(8192), nullptr);
  EXPECT_EQ(q.NextFile(*q.FirstFile())->from_offset(), 4096);
  int64_t parsed = 0;
  EXPECT_TRUE(ParseOffsetFileName("00000000001073741824", &parsed));
  EXPECT_EQ(parsed, 1073741824);
  EXPECT_FALSE(ParseOffsetFileName("0000000000107374182x", &parsed));
  EXPECT_EQ(FileNameForOffset(1073741824), "00000000001073741824");
}

TEST(MappedFileQueue, LoadRejectsGapsAndWrongSizesNamingTheFile) {
  testing::TempDir dir;
  {
    MappedFileQueue q(DefaultFileSystem(), dir.Sub("q"), 4096);
    ASSERT_TRUE(q.AppendFile(0).ok());
    ASSERT_TRUE(q.AppendFile(4096).ok());
    ASSERT_TRUE(q.AppendFile(8192).ok());
  }
  std::filesystem::remove(dir.Sub("q/00000000000000004096"));
  MappedFileQueue q(DefaultFileSystem(), dir.Sub("q"), 4096);
  absl::Status s = q.Load(Access::kReadWrite);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(s.message()).find("00000000000000008192"), std::string::npos);
  std::filesystem::resize_file(dir.Sub("q/00000000000000008192"), 100);
  std::filesystem::remove(dir.Sub("q/00000000000000000000"));
  MappedFileQueue q2(DefaultFileSystem(), dir.Sub("q"), 4096);
  EXPECT_EQ(q2.Load(Access::kReadWrite).code(), absl::StatusCode::kDataLoss);
}

TEST(MappedFileQueue, LeftoverTempFileFromACrashIsRemovedOnLoad) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.Sub("q"));
  std::ofstream(dir.Sub("q/00000000000000004096.tmp")) << "half";
  MappedFileQueue q(DefaultFileSystem(), dir.Sub("q"), 4096);
  ASSERT_TRUE(q.Load(Access::kReadWrite).ok());
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("q/00000000000000004096.tmp")));
}

TEST(MappedFileQueue, PinnedFileStaysReadableAfterDeletion) {
  testing::TempDir dir;
  MappedFileQueue q(DefaultFileSystem(), dir.Sub("q"), 4096);
  ASSERT_TRUE(q.AppendFile(0).ok());
  ASSERT_TRUE(q.AppendFile(4096).ok());
  std::shared_ptr<MappedFile> pin = q.FirstFile();
  pin->data()[7] = 42;
  ASSERT_EQ(*q.DeleteHeadFiles([](const MappedFile&) { return true; }, 10), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("q/00000000000000000000")));
  EXPECT_EQ(pin->data()[7], 42) << "still mapped while pinned";
}

TEST(Checkpoint, ExtensionRoundTripsAndJavaFieldsAreBigEndianAtZeroEightSixteen) {
  testing::TempDir dir;
  {
    auto cp =
        *StoreCheckpoint::Open(DefaultFileSystem(), dir.Sub("checkpoint"), Access::kReadWrite);
    EXPECT_FALSE(cp->extension().has_value());
    cp->Update(1795934896347, 1795934896000, 0, {12345, 678});
    ASSERT_TRUE(cp->Flush().ok());
  }
  auto cp = *StoreCheckpoint::Open(DefaultFileSystem(), dir.Sub("checkpoint"), Access::kReadOnly);
  EXPECT_EQ(cp->physic_msg_timestamp(), 1795934896347);
  EXPECT_EQ(cp->logics_msg_timestamp(), 1795934896000);
  ASSERT_TRUE(cp->extension().has_value());
  EXPECT_EQ(cp->extension()->commit_log_flushed_offset, 12345);
  EXPECT_EQ(cp->extension()->dispatched_offset, 678);
  EXPECT_EQ(std::filesystem::file_size(dir.Sub("checkpoint")), 4096u);
}

TEST(Checkpoint, ReadsTheJavaWrittenCheckpoint) {
  // protocol.md 5.4: the 4.8.0 store's physicMsgTimestamp is 1795934896347.
  testing::TempDir dir;
  const std::string tarball = testing::TestDataDir() + "/java-4.8.0/store.tar.gz";
  ASSERT_EQ(std::system(("tar xzf '" + tarball + "' -C '" + dir.path() + "' store/checkpoint")
                            .c_str()),  // NOLINT(concurrency-mt-unsafe)
            0);
  auto cp =
      *StoreCheckpoint::Open(DefaultFileSystem(), dir.Sub("store/checkpoint"), Access::kReadOnly);
  EXPECT_EQ(cp->physic_msg_timestamp(), 1795934896347);
  EXPECT_EQ(cp->index_msg_timestamp(), 0);
  EXPECT_FALSE(cp->extension().has_value());
}

TEST(DelayLevels, ParsesRocketMqSpecAndClamps) {
  const DelayLevels& d = DelayLevels::Default();
  EXPECT_EQ(d.max_level(), 18);
  EXPECT_EQ(d.DelayMillis(1), 1000);
  EXPECT_EQ(d.DelayMillis(5), 60000);
  EXPECT_EQ(d.DelayMillis(18), 2 * 3600 * 1000);
  EXPECT_EQ(d.DelayMillis(99), 2 * 3600 * 1000);
  EXPECT_EQ(d.DeliverTimestamp(2, 1000), 6000);
  EXPECT_FALSE(DelayLevels::Parse("1s 5x").ok());
  EXPECT_FALSE(DelayLevels::Parse("").ok());
  EXPECT_EQ(DelayLevels::Parse("2d")->DelayMillis(1), 2 * 86400 * 1000);
}

}  // namespace
}  // namespace tern::engine
