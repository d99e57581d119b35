#include "server/namesrv/kv_config_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/file_system.h"
#include "tests/util/temp_dir.h"

namespace tern::namesrv {
namespace {

using ::testing::HasSubstr;

class KvConfigManagerTest : public ::testing::Test {
 protected:
  tern::testing::TempDir dir_;
  engine::FileSystem* fs_ = engine::DefaultFileSystem();
  std::string path_ = dir_.Sub("namesrv/kvConfig.json");
};

TEST_F(KvConfigManagerTest, PutGetDeleteAndList) {
  KvConfigManager kv(fs_, path_);
  ASSERT_TRUE(kv.Load(nullptr).ok());
  EXPECT_FALSE(kv.Get("ns", "k").has_value());
  ASSERT_TRUE(kv.Put("ns", "k", "v1").ok());
  ASSERT_TRUE(kv.Put("ns", "k", "v2").ok());
  ASSERT_TRUE(kv.Put("ns", "j", "w").ok());
  EXPECT_EQ(kv.Get("ns", "k"), "v2");
  EXPECT_EQ(kv.GetNamespace("ns")->table,
            (std::map<std::string, std::string>{{"j", "w"}, {"k", "v2"}}));
  ASSERT_TRUE(kv.Delete("ns", "k").ok());
  ASSERT_TRUE(kv.Delete("ns", "absent").ok());
  ASSERT_TRUE(kv.Delete("absent", "k").ok());
  EXPECT_FALSE(kv.Get("ns", "k").has_value());
  ASSERT_TRUE(kv.Delete("ns", "j").ok());
  EXPECT_FALSE(kv.GetNamespace("ns").has_value()) << "an emptied namespace disappears";
}

TEST_F(KvConfigManagerTest, PersistsInJavasFormatAndReloads) {
  {
    KvConfigManager kv(fs_, path_);
    ASSERT_TRUE(kv.Put("ORDER_TOPIC_CONFIG", "T", "broker-a:4").ok());
    ASSERT_TRUE(kv.Put("x", "k", "v").ok());
  }
  EXPECT_EQ(fs_->ReadFile(path_).value(),
            R"({"configTable":{"ORDER_TOPIC_CONFIG":{"T":"broker-a:4"},"x":{"k":"v"}}})");
  KvConfigManager reloaded(fs_, path_);
  ASSERT_TRUE(reloaded.Load(nullptr).ok());
  EXPECT_EQ(reloaded.Get("ORDER_TOPIC_CONFIG", "T"), "broker-a:4");
  EXPECT_EQ(reloaded.Get("x", "k"), "v");
}

TEST_F(KvConfigManagerTest, ReadsAJavaWrittenFile) {
  ASSERT_TRUE(fs_->CreateDirs(dir_.Sub("namesrv")).ok());
  ASSERT_TRUE(fs_->WriteFile(path_, R"({"configTable":{"ns":{"a":"1","b":"two"},"empty":{}}})",
                             engine::SyncMode::kNoSync)
                  .ok());
  KvConfigManager kv(fs_, path_);
  ASSERT_TRUE(kv.Load(nullptr).ok());
  EXPECT_EQ(kv.Get("ns", "b"), "two");
  EXPECT_FALSE(kv.GetNamespace("empty").has_value());
}

TEST_F(KvConfigManagerTest, FallsBackToTheBackupWhenTheFileIsCorrupt) {
  {
    KvConfigManager kv(fs_, path_);
    ASSERT_TRUE(kv.Put("ns", "k", "old").ok());
    ASSERT_TRUE(kv.Put("ns", "k", "new").ok());  // "old" table kept as .bak
  }
  ASSERT_TRUE(fs_->WriteFile(path_, "{\"configTable\":{", engine::SyncMode::kNoSync).ok());
  std::string warning;
  KvConfigManager kv(fs_, path_);
  ASSERT_TRUE(kv.Load([&](std::string_view w) { warning = std::string(w); }).ok());
  EXPECT_EQ(kv.Get("ns", "k"), "old");
  EXPECT_THAT(warning, HasSubstr("kvConfig.json"));
}

TEST_F(KvConfigManagerTest, RefusesToStartWhenFileAndBackupAreBothCorrupt) {
  ASSERT_TRUE(fs_->CreateDirs(dir_.Sub("namesrv")).ok());
  ASSERT_TRUE(fs_->WriteFile(path_, "garbage", engine::SyncMode::kNoSync).ok());
  ASSERT_TRUE(fs_->WriteFile(path_ + ".bak", "garbage", engine::SyncMode::kNoSync).ok());
  KvConfigManager kv(fs_, path_);
  EXPECT_TRUE(absl::IsDataLoss(kv.Load(nullptr)));
}

TEST_F(KvConfigManagerTest, AFailedWriteChangesNothing) {
  // The "directory" is a file, so the save fails.
  ASSERT_TRUE(fs_->WriteFile(dir_.Sub("blocker"), "x", engine::SyncMode::kNoSync).ok());
  KvConfigManager kv(fs_, dir_.Sub("blocker/kvConfig.json"));
  EXPECT_FALSE(kv.Put("ns", "k", "v").ok());
  EXPECT_FALSE(kv.Get("ns", "k").has_value());
}

TEST(KvConfigFile, DecodesLeniently) {
  absl::StatusOr<KvConfigFile> file =
      KvConfigFile::Decode(R"({"configTable":{"ns":{"n":5,"b":true,"z":null}},"other":1})");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->config_table.at("ns").at("n"), "5");
  EXPECT_EQ(file->config_table.at("ns").at("b"), "true");
  EXPECT_FALSE(file->config_table.at("ns").contains("z"));
  EXPECT_FALSE(KvConfigFile::Decode(R"({"configTable":{"ns":[1]}})").ok());
}

TEST(KvConfigManagerInMemory, WorksWithoutAPath) {
  KvConfigManager kv(nullptr, "");
  ASSERT_TRUE(kv.Load(nullptr).ok());
  ASSERT_TRUE(kv.Put("ns", "k", "v").ok());
  EXPECT_EQ(kv.Get("ns", "k"), "v");
}

}  // namespace
}  // namespace tern::namesrv
