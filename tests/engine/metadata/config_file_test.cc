#include "engine/metadata/config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/metadata/consumer_offset.h"
#include "engine/metadata/delay_offset.h"
#include "engine/metadata/subscription_group.h"
#include "engine/metadata/topic_config.h"
#include "tests/engine/metadata/java_config_files.h"
#include "tests/util/temp_dir.h"

namespace tern::engine::metadata {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::JavaConfigFile;
using ::testing::SizeIs;

// The POSIX file system, except that reading the paths in `unreadable` fails
// with EIO.
class UnreadableFilesFileSystem : public FileSystem {
 public:
  std::set<std::string> unreadable;

  absl::StatusOr<std::unique_ptr<MappedRegion>> CreateAndMap(const std::string& path,
                                                             size_t size) override {
    return base_->CreateAndMap(path, size);
  }
  absl::StatusOr<std::unique_ptr<MappedRegion>> MapExisting(const std::string& path,
                                                            size_t expected_size,
                                                            Access access) override {
    return base_->MapExisting(path, expected_size, access);
  }
  absl::Status SyncRegion(MappedRegion& region, size_t offset, size_t len) override {
    return base_->SyncRegion(region, offset, len);
  }
  absl::Status ZeroRange(MappedRegion& region, size_t offset, size_t len) override {
    return base_->ZeroRange(region, offset, len);
  }
  absl::StatusOr<std::string> ReadFile(const std::string& path) override {
    if (unreadable.contains(path)) return absl::DataLossError("read " + path + ": EIO");
    return base_->ReadFile(path);
  }
  absl::Status WriteFile(const std::string& path, std::string_view data, SyncMode sync) override {
    return base_->WriteFile(path, data, sync);
  }
  absl::Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }
  absl::Status DeleteFile(const std::string& path) override { return base_->DeleteFile(path); }
  absl::Status DeleteDir(const std::string& path) override { return base_->DeleteDir(path); }
  absl::Status CreateDirs(const std::string& path) override { return base_->CreateDirs(path); }
  absl::Status SyncDir(const std::string& path) override { return base_->SyncDir(path); }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) override {
    return base_->ListDir(path);
  }
  bool Exists(const std::string& path) override { return base_->Exists(path); }
  bool IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override {
    return base_->FileSize(path);
  }
  absl::StatusOr<int64_t> ModifiedTimeMillis(const std::string& path) override {
    return base_->ModifiedTimeMillis(path);
  }
  absl::StatusOr<DiskUsage> GetDiskUsage(const std::string& path) override {
    return base_->GetDiskUsage(path);
  }
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return base_->LockFile(path);
  }

 private:
  FileSystem* base_ = DefaultFileSystem();
};

class ConfigFileTest : public ::testing::Test {
 protected:
  void Write(const std::string& path, std::string_view content) {
    ASSERT_TRUE(fs_.WriteFile(path, content, SyncMode::kNoSync).ok());
  }
  std::string Read(const std::string& path) {
    absl::StatusOr<std::string> s = fs_.ReadFile(path);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : "";
  }
  ConfigWarningSink Sink() {
    return [this](std::string_view w) { warnings_.emplace_back(w); };
  }
  absl::StatusOr<std::optional<TopicConfigFile>> LoadTopics() {
    return LoadConfigDocument<TopicConfigFile>(fs_, path_, Sink());
  }

  tern::testing::TempDir dir_;
  UnreadableFilesFileSystem fs_;
  const std::string path_ = dir_.Sub("topics.json");
  const std::string bak_ = path_ + ".bak";
  std::vector<std::string> warnings_;
};

TEST_F(ConfigFileTest, FreshStoreLoadsAsNulloptWithoutWarnings) {
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE(loaded->has_value());
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(ConfigFileTest, ValidMainFileIsLoadedWithoutWarnings) {
  Write(path_, JavaConfigFile("topics.json"));
  Write(bak_, JavaConfigFile("topics.json.bak"));
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->data_version.counter, 35);
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(ConfigFileTest, TruncatedMainFileFallsBackToBakWithExactlyOneWarning) {
  const std::string& java = JavaConfigFile("topics.json");
  Write(path_, java.substr(0, java.size() / 2));
  Write(bak_, JavaConfigFile("topics.json.bak"));
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->data_version.counter, 34);  // the .bak's version
  EXPECT_EQ((*loaded)->topic_config_table.size(), 42u);
  ASSERT_THAT(warnings_, SizeIs(1));
  EXPECT_THAT(warnings_[0],
              AllOf(HasSubstr(path_ + " is invalid"), HasSubstr("parse error"), HasSubstr(bak_)));
}

TEST_F(ConfigFileTest, GarbledMainFileFallsBackToBak) {
  std::string garbled = JavaConfigFile("consumerOffset.json");
  garbled[garbled.find(',', garbled.size() / 2)] = '#';
  const std::string path = dir_.Sub("consumerOffset.json");
  Write(path, garbled);
  Write(path + ".bak", JavaConfigFile("consumerOffset.json.bak"));
  absl::StatusOr<std::optional<ConsumerOffsetFile>> loaded =
      LoadConfigDocument<ConsumerOffsetFile>(fs_, path, Sink());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->offset_table.size(), 27u);
  EXPECT_THAT(warnings_, SizeIs(1));
}

TEST_F(ConfigFileTest, DecodableSyntaxWithWrongTypesAlsoFallsBack) {
  Write(path_, R"({"topicConfigTable":{"T":{"perm":"rw"}}})");
  Write(bak_, JavaConfigFile("topics.json.bak"));
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->data_version.counter, 34);
  ASSERT_THAT(warnings_, SizeIs(1));
  EXPECT_THAT(warnings_[0], HasSubstr("$.topicConfigTable.T.perm"));
}

TEST_F(ConfigFileTest, EmptyMainFileFallsBackToBak) {
  Write(path_, "");
  Write(bak_, JavaConfigFile("topics.json.bak"));
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->data_version.counter, 34);
  ASSERT_THAT(warnings_, SizeIs(1));
  EXPECT_THAT(warnings_[0], HasSubstr(path_ + " is empty"));
}

TEST_F(ConfigFileTest, MissingMainFileWithBakLoadsBak) {
  Write(bak_, JavaConfigFile("topics.json.bak"));
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->data_version.counter, 34);
  ASSERT_THAT(warnings_, SizeIs(1));
  EXPECT_THAT(warnings_[0], HasSubstr(path_ + " is missing"));
}

TEST_F(ConfigFileTest, UnreadableMainFileFallsBackToBak) {
  Write(path_, JavaConfigFile("topics.json"));
  Write(bak_, JavaConfigFile("topics.json.bak"));
  fs_.unreadable.insert(path_);
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->data_version.counter, 34);
  ASSERT_THAT(warnings_, SizeIs(1));
  EXPECT_THAT(warnings_[0], AllOf(HasSubstr(path_ + " cannot be read"), HasSubstr("EIO")));
}

TEST_F(ConfigFileTest, BothFilesCorruptIsDataLossNamingBothFiles) {
  Write(path_, "{\"topicConfigTable\":{");
  Write(bak_, "garbage");
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(loaded.status().message()),
              AllOf(HasSubstr(path_ + " is invalid"), HasSubstr(bak_ + " is invalid"),
                    HasSubstr("refuses to start")));
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(ConfigFileTest, CorruptMainFileWithoutBakIsDataLossNotAFreshStore) {
  Write(path_, "{\"topicConfigTable\":{");
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(loaded.status().message()),
              AllOf(HasSubstr(path_ + " is invalid"), HasSubstr(bak_ + " is missing")));
}

TEST_F(ConfigFileTest, MissingMainFileWithCorruptBakIsDataLoss) {
  Write(bak_, "");
  absl::StatusOr<std::optional<TopicConfigFile>> loaded = LoadTopics();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(loaded.status().message()),
              AllOf(HasSubstr(path_ + " is missing"), HasSubstr(bak_ + " is empty")));
}

TEST_F(ConfigFileTest, UntypedLoadWithoutValidatorTakesAnyNonEmptyContent) {
  Write(path_, "not json");
  absl::StatusOr<std::optional<std::string>> loaded = LoadConfigFile(fs_, path_, nullptr, nullptr);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->value_or(""), "not json");
}

TEST_F(ConfigFileTest, SaveKeepsThePreviousContentAsBak) {
  ASSERT_TRUE(SaveConfigFile(fs_, path_, "first").ok());
  EXPECT_EQ(Read(path_), "first");
  EXPECT_FALSE(fs_.Exists(bak_));
  ASSERT_TRUE(SaveConfigFile(fs_, path_, "second").ok());
  EXPECT_EQ(Read(path_), "second");
  EXPECT_EQ(Read(bak_), "first");
  ASSERT_TRUE(SaveConfigFile(fs_, path_, "third").ok());
  EXPECT_EQ(Read(path_), "third");
  EXPECT_EQ(Read(bak_), "second");
  EXPECT_FALSE(fs_.Exists(path_ + ".tmp"));
}

TEST_F(ConfigFileTest, SaveOverACorruptMainFileKeepsTheGoodBak) {
  // After a load fell back to the .bak, the next save must not demote the
  // corrupt file over the only good copy: a crash right after would leave two
  // bad files.
  Write(path_, "{\"topicConfigTable\":{");
  Write(bak_, JavaConfigFile("topics.json.bak"));
  TopicConfigFile updated;
  updated.data_version.counter = 36;
  ASSERT_TRUE(SaveConfigDocument(fs_, path_, updated).ok());
  EXPECT_EQ(Read(path_), updated.Encode());
  EXPECT_EQ(Read(bak_), JavaConfigFile("topics.json.bak"));
  // The next save demotes the now-valid file as usual.
  ASSERT_TRUE(SaveConfigDocument(fs_, path_, TopicConfigFile{}).ok());
  EXPECT_EQ(Read(bak_), updated.Encode());
}

TEST_F(ConfigFileTest, SaveOverAnEmptyOrUnreadableMainFileKeepsTheBak) {
  Write(path_, "");
  Write(bak_, "good");
  ASSERT_TRUE(SaveConfigFile(fs_, path_, "new").ok());
  EXPECT_EQ(Read(path_), "new");
  EXPECT_EQ(Read(bak_), "good");

  fs_.unreadable.insert(path_);
  ASSERT_TRUE(SaveConfigFile(fs_, path_, "newer").ok());
  fs_.unreadable.clear();
  EXPECT_EQ(Read(path_), "newer");
  EXPECT_EQ(Read(bak_), "good");
}

template <typename Doc>
void ExpectSavedDocumentLoadsBack(FileSystem& fs, const std::string& path, const Doc& doc) {
  ASSERT_TRUE(SaveConfigDocument(fs, path, doc).ok());
  std::vector<std::string> warnings;
  absl::StatusOr<std::optional<Doc>> loaded =
      LoadConfigDocument<Doc>(fs, path, [&](std::string_view w) { warnings.emplace_back(w); });
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, doc);
  EXPECT_THAT(warnings, IsEmpty());
}

TEST_F(ConfigFileTest, EveryJavaDocumentSavesAndLoadsBack) {
  const auto topics = TopicConfigFile::Decode(JavaConfigFile("topics.json"));
  const auto offsets = ConsumerOffsetFile::Decode(JavaConfigFile("consumerOffset.json"));
  const auto delays = DelayOffsetFile::Decode(JavaConfigFile("delayOffset.json"));
  const auto groups = SubscriptionGroupFile::Decode(JavaConfigFile("subscriptionGroup.json"));
  ASSERT_TRUE(topics.ok() && offsets.ok() && delays.ok() && groups.ok());
  ExpectSavedDocumentLoadsBack(fs_, dir_.Sub("topics.json"), *topics);
  ExpectSavedDocumentLoadsBack(fs_, dir_.Sub("consumerOffset.json"), *offsets);
  ExpectSavedDocumentLoadsBack(fs_, dir_.Sub("delayOffset.json"), *delays);
  ExpectSavedDocumentLoadsBack(fs_, dir_.Sub("subscriptionGroup.json"), *groups);
  EXPECT_EQ(Read(dir_.Sub("delayOffset.json")), JavaConfigFile("delayOffset.json"));
}

}  // namespace
}  // namespace tern::engine::metadata
