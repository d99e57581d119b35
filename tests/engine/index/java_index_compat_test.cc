// The IndexFile written by Java RocketMQ 4.8.0
// (tests/testdata/java-4.8.0/store.tar.gz, with maxHashSlotNum=5000,
// maxIndexNum=20000): Tern reads it, finds every keyed message in it, and
// rebuilds the very same bytes from the CommitLog.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/check.h"
#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "engine/commit_log_format.h"
#include "engine/file_system.h"
#include "engine/index/index_file_name.h"
#include "engine/index/index_service.h"
#include "engine/mapped_file.h"
#include "engine/properties.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

constexpr int32_t kJavaSlots = 5000;
constexpr int32_t kJavaEntries = 20000;
constexpr int64_t kAll = std::numeric_limits<int64_t>::max();

size_t ParseOctal(const char* p, size_t n) {
  size_t v = 0;
  for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '7'; ++i) v = v * 8 + (p[i] - '0');
  return v;
}

// Extracts the regular files and directories of a (ustar or GNU) .tar.gz under
// `to`.
void ExtractTarGz(const std::string& archive, const std::string& to) {
  FileSystem* fs = DefaultFileSystem();
  gzFile gz = gzopen(archive.c_str(), "rb");
  TERN_CHECK_MSG(gz != nullptr, archive.c_str());
  std::string data;
  char buf[1 << 16];
  int n;
  while ((n = gzread(gz, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
  TERN_CHECK(n == 0);
  gzclose(gz);

  constexpr size_t kBlock = 512;
  std::string long_name;
  for (size_t pos = 0; pos + kBlock <= data.size();) {
    const char* h = data.data() + pos;
    if (std::string_view(h, kBlock).find_first_not_of('\0') == std::string_view::npos) break;
    std::string name(h, strnlen(h, 100));
    const std::string prefix(h + 345, strnlen(h + 345, 155));
    if (!prefix.empty()) name = JoinPath(prefix, name);
    if (!long_name.empty()) name = std::exchange(long_name, "");
    const size_t size = ParseOctal(h + 124, 12);
    const char type = h[156];
    pos += kBlock;
    TERN_CHECK(pos + size <= data.size());
    const std::string_view body(data.data() + pos, size);
    const std::string path = JoinPath(to, name);
    if (type == 'L') {
      long_name = std::string(body.substr(0, strnlen(body.data(), size)));
    } else if (type == '5') {
      TERN_CHECK(fs->CreateDirs(path).ok());
    } else if (type == '0' || type == '\0') {
      TERN_CHECK(fs->CreateDirs(ParentDir(path)).ok());
      TERN_CHECK(fs->WriteFile(path, body, SyncMode::kNoSync).ok());
    }  // pax headers and links: not in the archive, ignored
    pos += (size + kBlock - 1) / kBlock * kBlock;
  }
}

// One CommitLog record, as the dispatcher would hand it to the index.
struct StoredRecord {
  std::string topic;
  std::string keys;
  std::string uniq_key;
  int64_t phy = 0;
  int64_t store_timestamp = 0;
  int32_t sys_flag = 0;

  IndexRecord Record() const { return {topic, keys, uniq_key, phy, store_timestamp, sys_flag}; }
  std::vector<std::string> IndexKeys() const {
    std::vector<std::string> out;
    if (format::TransactionType(sys_flag) == format::kTransactionRollbackType) return out;
    if (!uniq_key.empty()) out.push_back(uniq_key);
    ForEachKey(keys, [&](std::string_view k) { out.emplace_back(k); });
    return out;
  }
};

std::vector<StoredRecord> ReadCommitLog(const std::string& dir) {
  FileSystem* fs = DefaultFileSystem();
  std::vector<StoredRecord> out;
  absl::StatusOr<std::vector<std::string>> names = fs->ListDir(dir);
  TERN_CHECK(names.ok());
  for (const std::string& name : *names) {
    int64_t from = 0;
    TERN_CHECK(ParseOffsetFileName(name, &from));
    absl::StatusOr<std::shared_ptr<MappedFile>> file =
        MappedFile::Open(fs, JoinPath(dir, name), from, 0, Access::kReadOnly);
    TERN_CHECK(file.ok());
    const uint8_t* data = (*file)->data();
    const size_t size = (*file)->size();
    for (size_t pos = 0; pos < size;) {
      const DecodeResult r = DecodeRecord(ByteSpan(data + pos, size - pos), CrcCheck::kVerify);
      if (r.status == DecodeStatus::kBlank) break;
      if (r.status == DecodeStatus::kCorrupt) {
        // The end of the written data: zeros from here on.
        TERN_CHECK(std::all_of(data + pos, data + std::min(size, pos + 64),
                               [](uint8_t b) { return b == 0; }));
        break;
      }
      const RecordView& v = r.record;
      TERN_CHECK(v.physical_offset == from + static_cast<int64_t>(pos));
      StoredRecord rec;
      rec.topic = std::string(v.topic);
      rec.keys = std::string(FindProperty(v.properties, property::kKeys).value_or(""));
      rec.uniq_key =
          std::string(FindProperty(v.properties, property::kUniqueClientMessageIdKey).value_or(""));
      rec.phy = v.physical_offset;
      rec.store_timestamp = v.store_timestamp;
      rec.sys_flag = v.sys_flag;
      out.push_back(std::move(rec));
      pos += static_cast<size_t>(v.total_size());
    }
  }
  return out;
}

IndexOptions JavaGeometry() {
  IndexOptions o;
  o.hash_slot_num = kJavaSlots;
  o.index_num = kJavaEntries;
  return o;
}

class JavaIndexCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    ExtractTarGz(testing::TestDataDir() + "/java-4.8.0/store.tar.gz", dir_->path());
    records_ = new std::vector<StoredRecord>(ReadCommitLog(dir_->Sub("store/commitlog")));
  }
  static void TearDownTestSuite() {
    delete records_;
    delete dir_;
  }
  static std::string JavaIndexDir() { return dir_->Sub("store/index"); }
  static const std::vector<StoredRecord>& records() { return *records_; }

  static testing::TempDir* dir_;
  static std::vector<StoredRecord>* records_;
};
testing::TempDir* JavaIndexCompat::dir_ = nullptr;
std::vector<StoredRecord>* JavaIndexCompat::records_ = nullptr;

TEST_F(JavaIndexCompat, HeaderMatchesTheCommitLogAndTheFileValidates) {
  IndexService svc(DefaultFileSystem(), JavaIndexDir(), JavaGeometry());
  ASSERT_TRUE(svc.Load(Access::kReadOnly).ok());
  ASSERT_EQ(svc.Files().size(), 1u);
  const std::shared_ptr<const IndexFile> f = svc.Files()[0];
  EXPECT_TRUE(IsIndexFileName(f->name())) << f->name();
  const absl::Status valid = f->Validate();
  EXPECT_TRUE(valid.ok()) << valid;

  ASSERT_EQ(records().size(), 201u);  // README: 201 records
  int32_t keys = 0;
  std::set<int32_t> slots;
  const StoredRecord* first = nullptr;
  const StoredRecord* last = nullptr;
  for (const StoredRecord& r : records()) {
    for (const std::string& k : r.IndexKeys()) {
      ++keys;
      slots.insert(IndexKeyHash(fmt::format("{}#{}", r.topic, k)) % kJavaSlots);
      if (first == nullptr) first = &r;
      last = &r;
    }
  }
  ASSERT_NE(first, nullptr);
  const IndexHeader h = f->header();
  EXPECT_EQ(h.index_count, keys + 1);
  EXPECT_EQ(h.hash_slot_count, static_cast<int32_t>(slots.size()));
  EXPECT_EQ(h.begin_phy_offset, first->phy);
  EXPECT_EQ(h.begin_timestamp, first->store_timestamp);
  EXPECT_EQ(h.end_phy_offset, last->phy);
  EXPECT_EQ(h.end_timestamp, last->store_timestamp);
  EXPECT_FALSE(f->full());
  EXPECT_EQ(svc.end_phy_offset(), last->phy);
  EXPECT_EQ(svc.last_full_file_end_timestamp(), 0);
}

TEST_F(JavaIndexCompat, EveryKeyedRecordIsFoundByQuery) {
  IndexService svc(DefaultFileSystem(), JavaIndexDir(), JavaGeometry());
  ASSERT_TRUE(svc.Load(Access::kReadOnly).ok());
  std::map<std::pair<std::string, std::string>, std::set<int64_t>> expected;
  size_t keyed_records = 0;
  for (const StoredRecord& r : records()) {
    const std::vector<std::string> keys = r.IndexKeys();
    if (!keys.empty()) ++keyed_records;
    for (const std::string& k : keys) expected[{r.topic, k}].insert(r.phy);
  }
  EXPECT_GT(keyed_records, 100u);
  for (const auto& [topic_key, phys] : expected) {
    const IndexQueryResult q = svc.Query(topic_key.first, topic_key.second, 64, 0, kAll);
    EXPECT_EQ(std::set<int64_t>(q.physical_offsets.begin(), q.physical_offsets.end()), phys)
        << topic_key.first << "#" << topic_key.second;
    EXPECT_EQ(q.last_update_phy_offset, svc.end_phy_offset());
  }
  // A key that is not there.
  EXPECT_TRUE(svc.Query(records()[0].topic, "no-such-key", 64, 0, kAll).physical_offsets.empty());
}

TEST_F(JavaIndexCompat, RebuildingFromTheCommitLogReproducesTheJavaFileByteForByte) {
  const std::shared_ptr<const IndexFile> java = [] {
    IndexService svc(DefaultFileSystem(), JavaIndexDir(), JavaGeometry());
    TERN_CHECK(svc.Load(Access::kReadOnly).ok());
    return svc.Files()[0];
  }();
  testing::TempDir out;
  IndexService svc(DefaultFileSystem(), out.Sub("index"), JavaGeometry());
  ASSERT_TRUE(svc.Load(Access::kReadWrite).ok());
  for (const StoredRecord& r : records()) ASSERT_TRUE(svc.BuildIndex(r.Record()).ok());
  ASSERT_TRUE(svc.Flush().ok());
  ASSERT_EQ(svc.Files().size(), 1u);

  const std::string ours = *DefaultFileSystem()->ReadFile(svc.Files()[0]->path());
  const std::string theirs = *DefaultFileSystem()->ReadFile(java->path());
  ASSERT_EQ(ours.size(), theirs.size());
  size_t first_diff = 0;
  while (first_diff < ours.size() && ours[first_diff] == theirs[first_diff]) ++first_diff;
  EXPECT_EQ(first_diff, ours.size()) << "first differing byte at " << first_diff;
}

TEST_F(JavaIndexCompat, TruncatingTheJavaFileMatchesARebuildOfThePrefix) {
  testing::TempDir out;
  testing::CopyTree(JavaIndexDir(), out.Sub("java"));
  IndexService java(DefaultFileSystem(), out.Sub("java"), JavaGeometry());
  ASSERT_TRUE(java.Load(Access::kReadWrite).ok());
  const int64_t cut = records()[records().size() / 2].phy;
  ASSERT_TRUE(java.TruncateFrom(cut).ok());

  IndexService rebuilt(DefaultFileSystem(), out.Sub("rebuilt"), JavaGeometry());
  ASSERT_TRUE(rebuilt.Load(Access::kReadWrite).ok());
  for (const StoredRecord& r : records()) {
    if (r.phy < cut) {
      ASSERT_TRUE(rebuilt.BuildIndex(r.Record()).ok());
    }
  }
  const std::string a = *DefaultFileSystem()->ReadFile(java.Files()[0]->path());
  const std::string b = *DefaultFileSystem()->ReadFile(rebuilt.Files()[0]->path());
  // All but the endTimestamp, which truncation reconstructs to the second.
  EXPECT_EQ(a.substr(kIndexBeginPhyOffsetPos), b.substr(kIndexBeginPhyOffsetPos));
  EXPECT_EQ(a.substr(0, kIndexEndTimestampPos), b.substr(0, kIndexEndTimestampPos));
  const int64_t end_ts = java.Files()[0]->end_timestamp();
  EXPECT_LE(end_ts, rebuilt.Files()[0]->end_timestamp());
  EXPECT_GT(end_ts, rebuilt.Files()[0]->end_timestamp() - 1000);
  EXPECT_TRUE(java.Files()[0]->Validate().ok());

  // Re-dispatching the rest brings back the Java file's slots and entries
  // exactly.
  for (const StoredRecord& r : records()) ASSERT_TRUE(java.BuildIndex(r.Record()).ok());
  const std::string original =
      *DefaultFileSystem()->ReadFile(JoinPath(JavaIndexDir(), java.Files()[0]->name()));
  EXPECT_EQ(*DefaultFileSystem()->ReadFile(java.Files()[0]->path()), original);
}

}  // namespace
}  // namespace tern::engine
