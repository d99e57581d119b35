#include "engine/index/index_service.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/check.h"
#include "engine/base/strings.h"
#include "engine/commit_log_format.h"
#include "engine/index/index_file_name.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kAll = std::numeric_limits<int64_t>::max();
constexpr char kTopic[] = "TopicA";

// A dispatched message; owns the strings an IndexRecord borrows.
struct Msg {
  std::string topic = kTopic;
  std::string keys;
  std::string uniq;
  int64_t phy = 0;
  int64_t ts = 0;
  int32_t sys_flag = 0;

  IndexRecord Record() const { return {topic, keys, uniq, phy, ts, sys_flag}; }
};

IndexOptions Geometry(int32_t slots, int32_t entries) {
  IndexOptions o;
  o.hash_slot_num = slots;
  o.index_num = entries;
  return o;
}

std::unique_ptr<IndexService> OpenService(const std::string& dir, IndexOptions options,
                                          Access access = Access::kReadWrite) {
  auto svc = std::make_unique<IndexService>(DefaultFileSystem(), dir, options);
  const absl::Status s = svc->Load(access);
  TERN_CHECK_MSG(s.ok(), std::string(MessageOf(s)).c_str());
  return svc;
}

void Build(IndexService& svc, const std::vector<Msg>& msgs, size_t from = 0,
           size_t to = std::numeric_limits<size_t>::max()) {
  for (size_t i = from; i < std::min(to, msgs.size()); ++i) {
    const absl::Status s = svc.BuildIndex(msgs[i].Record());
    TERN_CHECK_MSG(s.ok(), std::string(MessageOf(s)).c_str());
  }
}

std::vector<int64_t> Find(const IndexService& svc, std::string_view key, int32_t max = 64,
                          int64_t begin = 0, int64_t end = kAll) {
  return svc.Query(kTopic, key, max, begin, end).physical_offsets;
}

// Message i: UNIQ_KEY u<i>, KEYS "k<i % 5>", at 1000 + 100 i, stored at kT0 +
// 1000 i.
std::vector<Msg> TwoKeyMessages(int n) {
  std::vector<Msg> msgs;
  msgs.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Msg m;
    m.uniq = fmt::format("u{}", i);
    m.keys = fmt::format("k{}", i % 5);
    m.phy = 1000 + 100 * i;
    m.ts = kT0 + 1000 * i;
    msgs.push_back(m);
  }
  return msgs;
}

std::vector<std::string> Names(const IndexService& svc) {
  std::vector<std::string> names;
  for (const auto& f : svc.Files()) names.emplace_back(f->name());
  return names;
}

std::vector<std::string> DirNames(const std::string& dir) {
  absl::StatusOr<std::vector<std::string>> names = DefaultFileSystem()->ListDir(dir);
  TERN_CHECK(names.ok());
  return *names;
}

// Every entry of every file, oldest first, plus each file's header.
struct Dump {
  std::vector<IndexHeader> headers;
  std::vector<IndexEntry> entries;
  bool operator==(const Dump&) const = default;
};
Dump DumpOf(const IndexService& svc) {
  Dump d;
  for (const auto& f : svc.Files()) {
    d.headers.push_back(f->header());
    f->ForEachEntry([&](int32_t, const IndexEntry& e) { d.entries.push_back(e); });
  }
  return d;
}

class IndexServiceTest : public ::testing::Test {
 protected:
  std::string IndexDir(const std::string& name = "index") const { return dir_.Sub(name); }
  testing::TempDir dir_;
};

TEST_F(IndexServiceTest, IndexesUniqKeyAndEveryKeysToken) {
  auto svc = OpenService(IndexDir(), Geometry(64, 32));
  Build(*svc, {Msg{kTopic, "a b  c ", "U1", 100, kT0}});
  ASSERT_EQ(svc->Files().size(), 1u);
  EXPECT_EQ(svc->Files()[0]->entry_count(),
            4);  // U1, a, b, c; empty tokens skipped
  for (const char* key : {"U1", "a", "b", "c"})
    EXPECT_THAT(Find(*svc, key), ElementsAre(100)) << key;
  EXPECT_THAT(Find(*svc, ""), IsEmpty());
  EXPECT_THAT(Find(*svc, "a b"), IsEmpty());
  EXPECT_THAT(svc->Query("OtherTopic", "a", 64, 0, kAll).physical_offsets, IsEmpty());
  // Keys are "topic#key": the stored hash is that of the joined string.
  int32_t first_hash = -1;
  svc->Files()[0]->ForEachEntry([&](int32_t n, const IndexEntry& e) {
    if (n == 1) first_hash = e.key_hash;
  });
  EXPECT_EQ(first_hash, IndexKeyHash("TopicA#U1"));
}

TEST_F(IndexServiceTest, QueryOnAnEmptyIndexFindsNothing) {
  auto svc = OpenService(IndexDir(), Geometry(64, 32));
  const IndexQueryResult r = svc->Query(kTopic, "a", 64, 0, kAll);
  EXPECT_THAT(r.physical_offsets, IsEmpty());
  EXPECT_EQ(r.last_update_timestamp, 0);
  EXPECT_EQ(r.last_update_phy_offset, 0);
  EXPECT_EQ(svc->end_phy_offset(), 0);
  EXPECT_EQ(svc->last_full_file_end_timestamp(), 0);
  EXPECT_FALSE(DefaultFileSystem()->Exists(IndexDir()));
}

TEST_F(IndexServiceTest, FirstRecordCreatesTheFileEvenWithoutKeys) {
  auto svc = OpenService(IndexDir(), Geometry(64, 32));
  Build(*svc, {Msg{kTopic, "", "", 0, kT0}});
  ASSERT_EQ(svc->Files().size(), 1u);
  EXPECT_EQ(svc->Files()[0]->header(), IndexHeader{});
  EXPECT_TRUE(IsIndexFileName(svc->Files()[0]->name()));
  EXPECT_EQ(DirNames(IndexDir()), Names(*svc));
  // A message at offset 0 is still indexed: nothing is at endPhyOffset 0 yet.
  Build(*svc, {Msg{kTopic, "a", "", 0, kT0}});
  EXPECT_THAT(Find(*svc, "a"), ElementsAre(0));
}

TEST_F(IndexServiceTest, SkipsRollbackRecordsOnly) {
  auto svc = OpenService(IndexDir(), Geometry(64, 32));
  Build(*svc, {Msg{kTopic, "none", "", 100, kT0, 0},
               Msg{kTopic, "prepared", "", 200, kT0, format::kTransactionPreparedType},
               Msg{kTopic, "commit", "", 300, kT0, format::kTransactionCommitType},
               Msg{kTopic, "rollback", "", 400, kT0, format::kTransactionRollbackType}});
  EXPECT_THAT(Find(*svc, "none"), ElementsAre(100));
  EXPECT_THAT(Find(*svc, "prepared"), ElementsAre(200));
  EXPECT_THAT(Find(*svc, "commit"), ElementsAre(300));
  EXPECT_THAT(Find(*svc, "rollback"), IsEmpty());
  EXPECT_EQ(svc->Files()[0]->entry_count(), 3);
}

TEST_F(IndexServiceTest, SkipsRecordsBelowTheIndexedEnd) {
  auto svc = OpenService(IndexDir(), Geometry(64, 32));
  Build(*svc, {Msg{kTopic, "a", "", 1000, kT0}, Msg{kTopic, "b", "", 500, kT0}});
  EXPECT_THAT(Find(*svc, "b"), IsEmpty());
  EXPECT_EQ(svc->end_phy_offset(), 1000);
}

TEST_F(IndexServiceTest, RedispatchAfterRestartIsIdempotent) {
  // Three entries per file and two keys per message: message 1 straddles files
  // 1 and 2.
  const std::vector<Msg> msgs = TwoKeyMessages(2);
  auto svc = OpenService(IndexDir(), Geometry(64, 4));
  Build(*svc, msgs);
  ASSERT_EQ(svc->Files().size(), 2u);
  const Dump before = DumpOf(*svc);
  Build(*svc, msgs);  // the dispatcher replays from an earlier offset
  EXPECT_EQ(DumpOf(*svc), before);
  EXPECT_THAT(Find(*svc, "u1"), ElementsAre(1100));
  EXPECT_THAT(Find(*svc, "k1"), ElementsAre(1100));
}

TEST_F(IndexServiceTest, RedispatchOfAPartlyIndexedMessageAddsOnlyMissingKeys) {
  auto svc = OpenService(IndexDir(), Geometry(64, 32));
  Build(*svc, {Msg{kTopic, "", "U", 100, kT0}});  // as if the crash came after UNIQ_KEY
  Build(*svc, {Msg{kTopic, "a b", "U", 100, kT0}});
  EXPECT_EQ(svc->Files()[0]->entry_count(), 3);
  EXPECT_THAT(Find(*svc, "U"), ElementsAre(100));
  EXPECT_THAT(Find(*svc, "b"), ElementsAre(100));
}

TEST_F(IndexServiceTest, FullFileRollsToANewFileInheritingItsEnd) {
  auto svc = OpenService(IndexDir(), Geometry(64, 4));  // three entries per file
  Build(*svc, {Msg{kTopic, "a b c", "", 100, kT0 + 400}});
  ASSERT_EQ(svc->Files().size(), 1u);
  EXPECT_TRUE(svc->Files()[0]->full());
  EXPECT_EQ(svc->last_full_file_end_timestamp(), kT0 + 400);

  // The next record rolls, keys or not; the fresh header carries the full
  // file's end fields.
  Build(*svc, {Msg{kTopic, "", "", 200, kT0 + 1000}});
  ASSERT_EQ(svc->Files().size(), 2u);
  EXPECT_EQ(svc->Files()[1]->header(), (IndexHeader{kT0 + 400, kT0 + 400, 100, 100, 0, 1}));
  EXPECT_GT(svc->Files()[1]->name(), svc->Files()[0]->name());

  // Its first put takes timeDiff against the inherited time, then replaces the
  // begin fields.
  Build(*svc, {Msg{kTopic, "d", "", 300, kT0 + 2900}});
  EXPECT_EQ(svc->Files()[1]->header(), (IndexHeader{kT0 + 2900, kT0 + 2900, 300, 300, 1, 2}));
  svc->Files()[1]->ForEachEntry([](int32_t, const IndexEntry& e) { EXPECT_EQ(e.time_diff, 2); });
  EXPECT_EQ(svc->end_phy_offset(), 300);
  EXPECT_EQ(svc->last_full_file_end_timestamp(), kT0 + 400);
  for (const char* key : {"a", "b", "c"}) EXPECT_THAT(Find(*svc, key), ElementsAre(100));
  EXPECT_THAT(Find(*svc, "d"), ElementsAre(300));

  // A message whose keys do not fit continues in a new file.
  Build(*svc, {Msg{kTopic, "e f g", "", 400, kT0 + 3000}});
  ASSERT_EQ(svc->Files().size(), 3u);
  EXPECT_EQ(svc->Files()[2]->header().begin_phy_offset, 400);
  EXPECT_THAT(Find(*svc, "g"), ElementsAre(400));
}

TEST_F(IndexServiceTest, FileNamesStayUniqueAndIncreasing) {
  auto svc = OpenService(IndexDir(), Geometry(8, 2));  // one entry per file
  std::vector<Msg> msgs;
  msgs.reserve(40);
  for (int i = 0; i < 40; ++i) msgs.push_back(Msg{kTopic, fmt::format("k{}", i), "", 10 * i, kT0});
  Build(*svc, msgs);  // 40 files within a few milliseconds
  const std::vector<std::string> names = Names(*svc);
  ASSERT_EQ(names.size(), 40u);
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_TRUE(IsIndexFileName(names[i])) << names[i];
    if (i > 0) {
      EXPECT_LT(names[i - 1], names[i]);
    }
  }
  EXPECT_EQ(DirNames(IndexDir()), names);
}

TEST_F(IndexServiceTest, QueriesSpanFilesNewestFirstUpToTheCap) {
  auto svc = OpenService(IndexDir(), Geometry(16, 8));  // seven entries per file
  std::vector<Msg> msgs;
  msgs.reserve(200);
  for (int i = 0; i < 200; ++i)
    msgs.push_back(Msg{kTopic, "dup", "", 1000 + 10 * i, kT0 + 1000 * i});
  Build(*svc, msgs);
  EXPECT_GT(svc->Files().size(), 25u);

  std::vector<int64_t> newest;
  for (int i = 199; i >= 0; --i) newest.push_back(1000 + 10 * i);
  const IndexQueryResult r = svc->Query(kTopic, "dup", 1000, 0, kAll);
  EXPECT_THAT(r.physical_offsets,
              ElementsAreArray(std::vector<int64_t>(newest.begin(), newest.begin() + 64)));
  EXPECT_EQ(r.last_update_phy_offset, 1000 + 10 * 199);
  EXPECT_EQ(r.last_update_timestamp, kT0 + 1000 * 199);
  EXPECT_THAT(Find(*svc, "dup", 10),
              ElementsAreArray(std::vector<int64_t>(newest.begin(), newest.begin() + 10)));
  const IndexQueryResult none = svc->Query(kTopic, "dup", 0, 0, kAll);
  EXPECT_THAT(none.physical_offsets, IsEmpty());
  EXPECT_EQ(none.last_update_phy_offset, 1000 + 10 * 199);
}

TEST_F(IndexServiceTest, QueryFiltersByIndexTime) {
  auto svc = OpenService(IndexDir(), Geometry(16, 8));
  std::vector<Msg> msgs;
  msgs.reserve(100);
  for (int i = 0; i < 100; ++i) {
    msgs.push_back(Msg{kTopic, "dup", "", 1000 + 10 * i, kT0 + 1000 * i});
  }
  Build(*svc, msgs);
  const int64_t begin = kT0 + 50'000, end = kT0 + 80'000;

  // The index time of an entry is its file's beginTimestamp + timeDiff seconds;
  // expected is every entry whose index time is in range (newest first).
  std::vector<int64_t> expected;
  for (const auto& f : svc->Files()) {
    const int64_t file_begin = f->begin_timestamp();
    f->ForEachEntry([&](int32_t, const IndexEntry& e) {
      const int64_t t = file_begin + 1000LL * e.time_diff;
      if (t >= begin && t <= end) expected.push_back(e.phy_offset);
    });
  }
  std::reverse(expected.begin(), expected.end());
  const std::vector<int64_t> got = Find(*svc, "dup", 64, begin, end);
  EXPECT_EQ(got, expected);
  // Stored at kT0 + 50 s .. kT0 + 80 s: messages 50..80, give or take the first
  // entry of a rolled file, whose index time is one second late (the Java
  // timeDiff quirk): message 49 opens a file and is indexed at 50 s.
  EXPECT_GE(got.size(), 30u);
  EXPECT_LE(got.size(), 32u);
  for (int i = 51; i < 80; ++i) {
    EXPECT_NE(std::find(got.begin(), got.end(), 1000 + 10 * i), got.end()) << i;
  }
  EXPECT_EQ(std::find(got.begin(), got.end(), 1000 + 10 * 81), got.end());
  EXPECT_EQ(std::find(got.begin(), got.end(), 1000 + 10 * 48), got.end());
}

TEST_F(IndexServiceTest, TruncateFromCutsTheSuffixAndRedispatchRebuildsIt) {
  const std::vector<Msg> msgs = TwoKeyMessages(40);
  auto reference = OpenService(IndexDir("reference"), Geometry(16, 8));
  Build(*reference, msgs);

  auto svc = OpenService(IndexDir(), Geometry(16, 8));
  Build(*svc, msgs);
  const size_t files_before = svc->Files().size();
  const int64_t cut = msgs[23].phy;
  ASSERT_TRUE(svc->TruncateFrom(cut).ok());
  EXPECT_LT(svc->Files().size(), files_before);
  EXPECT_EQ(DirNames(IndexDir()), Names(*svc));
  EXPECT_EQ(svc->end_phy_offset(), msgs[22].phy);
  for (const auto& f : svc->Files()) EXPECT_TRUE(f->Validate().ok());
  for (int i = 0; i < 40; ++i) {
    const std::vector<int64_t> found = Find(*svc, fmt::format("u{}", i));
    if (i < 23) {
      EXPECT_THAT(found, ElementsAre(msgs[i].phy)) << i;
    } else {
      EXPECT_THAT(found, IsEmpty()) << i;
    }
  }
  for (int k = 0; k < 5; ++k) {
    for (int64_t phy : Find(*svc, fmt::format("k{}", k))) EXPECT_LT(phy, cut);
  }

  Build(*svc, msgs, 23);
  EXPECT_EQ(DumpOf(*svc), DumpOf(*reference));
  for (int k = 0; k < 5; ++k) {
    const std::string key = fmt::format("k{}", k);
    EXPECT_EQ(Find(*svc, key), Find(*reference, key)) << key;
  }
}

TEST_F(IndexServiceTest, TruncateFromDeletesAFreshFileWithInheritedBegin) {
  const std::vector<Msg> msgs = {Msg{kTopic, "a", "", 100, kT0},
                                 Msg{kTopic, "b c", "", 200, kT0 + 1000},
                                 Msg{kTopic, "", "", 300, kT0 + 2000}};
  {
    auto svc = OpenService(IndexDir("keep"), Geometry(64, 4));
    Build(*svc, msgs);  // file 1 full at 200; file 2 fresh, begin = end = 200
    ASSERT_EQ(svc->Files().size(), 2u);
    ASSERT_EQ(svc->Files()[1]->header().begin_phy_offset, 200);
    const Dump before = DumpOf(*svc);
    ASSERT_TRUE(svc->TruncateFrom(201).ok());
    EXPECT_EQ(DumpOf(*svc), before);
  }
  auto svc = OpenService(IndexDir(), Geometry(64, 4));
  Build(*svc, msgs);
  ASSERT_TRUE(svc->TruncateFrom(200).ok());
  // Keeping the fresh file (endPhyOffset 200) would make BuildIndex skip
  // message 200 forever.
  ASSERT_EQ(svc->Files().size(), 1u);
  EXPECT_EQ(svc->end_phy_offset(), 100);
  EXPECT_FALSE(svc->Files()[0]->full());
  EXPECT_THAT(Find(*svc, "b"), IsEmpty());
  Build(*svc, msgs, 1);
  EXPECT_THAT(Find(*svc, "b"), ElementsAre(200));
  EXPECT_THAT(Find(*svc, "c"), ElementsAre(200));
  EXPECT_THAT(Find(*svc, "a"), ElementsAre(100));
}

TEST_F(IndexServiceTest, TruncateFromBeforeEverythingDeletesEveryFile) {
  auto svc = OpenService(IndexDir(), Geometry(16, 8));
  Build(*svc, TwoKeyMessages(20));
  ASSERT_TRUE(svc->TruncateFrom(0).ok());
  EXPECT_TRUE(svc->Files().empty());
  EXPECT_TRUE(DirNames(IndexDir()).empty());
  Build(*svc, TwoKeyMessages(3));
  EXPECT_THAT(Find(*svc, "u2"), ElementsAre(1200));
}

TEST_F(IndexServiceTest, DeleteFilesBeforeRetiresOldFilesButNeverTheNewest) {
  auto svc = OpenService(IndexDir(), Geometry(16, 4));  // three entries per file
  std::vector<Msg> msgs;
  msgs.reserve(10);
  for (int i = 0; i < 10; ++i) {
    msgs.push_back(Msg{kTopic, fmt::format("a{0} b{0} c{0}", i), "", 1000 * (i + 1), kT0 + i});
  }
  Build(*svc, msgs);
  ASSERT_EQ(svc->Files().size(), 10u);  // file i holds message i
  absl::StatusOr<int> deleted = svc->DeleteFilesBefore(msgs[4].phy);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 4);
  EXPECT_EQ(DirNames(IndexDir()).size(), 6u);
  EXPECT_THAT(Find(*svc, "a3"), IsEmpty());
  EXPECT_THAT(Find(*svc, "a4"), ElementsAre(5000));
  deleted = svc->DeleteFilesBefore(msgs[4].phy);
  EXPECT_EQ(*deleted, 0);
  deleted = svc->DeleteFilesBefore(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*deleted, 5);
  ASSERT_EQ(svc->Files().size(), 1u);
  EXPECT_THAT(Find(*svc, "c9"), ElementsAre(10000));
  EXPECT_EQ(DirNames(IndexDir()), Names(*svc));
}

TEST_F(IndexServiceTest, DeleteFilesEndingAfterDropsNewerFiles) {
  auto svc = OpenService(IndexDir(), Geometry(16, 4));
  std::vector<Msg> msgs;
  msgs.reserve(5);
  for (int i = 0; i < 5; ++i) {
    msgs.push_back(
        Msg{kTopic, fmt::format("a{0} b{0} c{0}", i), "", 1000 * (i + 1), kT0 + 1000 * i});
  }
  Build(*svc, msgs);
  absl::StatusOr<int> deleted = svc->DeleteFilesEndingAfter(kT0 + 2000);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(svc->end_phy_offset(), 3000);
  EXPECT_EQ(DirNames(IndexDir()), Names(*svc));
  Build(*svc, msgs);  // re-dispatch rebuilds what was dropped
  EXPECT_THAT(Find(*svc, "b4"), ElementsAre(5000));
  EXPECT_THAT(Find(*svc, "b2"), ElementsAre(3000));
}

TEST_F(IndexServiceTest, ReopenAfterCloseGivesTheSameAnswers) {
  const std::vector<Msg> msgs = TwoKeyMessages(40);
  auto reference = OpenService(IndexDir("reference"), Geometry(16, 8));
  Build(*reference, msgs);

  Dump dump;
  {
    auto svc = OpenService(IndexDir(), Geometry(16, 8));
    Build(*svc, msgs, 0, 30);
    ASSERT_TRUE(svc->Flush().ok());
    dump = DumpOf(*svc);
  }
  auto svc = OpenService(IndexDir(), Geometry(16, 8));
  EXPECT_EQ(DumpOf(*svc), dump);
  for (int i = 0; i < 30; ++i)
    EXPECT_THAT(Find(*svc, fmt::format("u{}", i)), ElementsAre(msgs[i].phy));
  Build(*svc, msgs);  // replay from the start: only 30.. are new
  EXPECT_EQ(DumpOf(*svc), DumpOf(*reference));
  for (int k = 0; k < 5; ++k) {
    const std::string key = fmt::format("k{}", k);
    EXPECT_EQ(Find(*svc, key), Find(*reference, key)) << key;
  }
  ASSERT_TRUE(svc->Flush().ok());
}

TEST_F(IndexServiceTest, LoadRejectsACorruptHeaderNamingTheFile) {
  std::string victim;
  {
    auto svc = OpenService(IndexDir(), Geometry(16, 8));
    Build(*svc, TwoKeyMessages(20));
    ASSERT_GE(svc->Files().size(), 3u);
    victim = std::string(svc->Files()[1]->name());
  }
  const std::string path = JoinPath(IndexDir(), victim);
  std::string bytes = *DefaultFileSystem()->ReadFile(path);
  StoreBE32(reinterpret_cast<uint8_t*>(bytes.data()) + kIndexIndexCountPos, 999);
  ASSERT_TRUE(DefaultFileSystem()->WriteFile(path, bytes, SyncMode::kNoSync).ok());

  IndexService svc(DefaultFileSystem(), IndexDir(), Geometry(16, 8));
  const absl::Status s = svc.Load(Access::kReadOnly);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(MessageOf(s), HasSubstr(victim));
  EXPECT_THAT(MessageOf(s), HasSubstr("indexCount 999"));
}

TEST_F(IndexServiceTest, LoadRejectsAFileOfTheWrongGeometry) {
  {
    auto svc = OpenService(IndexDir(), Geometry(16, 8));
    Build(*svc, TwoKeyMessages(2));
  }
  IndexService svc(DefaultFileSystem(), IndexDir(), Geometry(16, 9));
  const absl::Status s = svc.Load(Access::kReadOnly);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
}

TEST_F(IndexServiceTest, ReadOnlyServiceAnswersQueriesButRejectsWrites) {
  const std::vector<Msg> msgs = TwoKeyMessages(10);
  {
    auto svc = OpenService(IndexDir(), Geometry(16, 8));
    Build(*svc, msgs);
  }
  auto svc = OpenService(IndexDir(), Geometry(16, 8), Access::kReadOnly);
  EXPECT_THAT(Find(*svc, "u7"), ElementsAre(msgs[7].phy));
  EXPECT_EQ(svc->BuildIndex(msgs[9].Record()).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(svc->TruncateFrom(0).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(svc->DeleteFilesBefore(kAll).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(svc->Flush().ok());
  for (const auto& f : svc->Files()) EXPECT_TRUE(f->Validate().ok());
}

TEST_F(IndexServiceTest, DisabledIndexBuildsNothing) {
  IndexOptions options = Geometry(16, 8);
  options.enable = false;
  auto svc = OpenService(IndexDir(), options);
  Build(*svc, TwoKeyMessages(5));
  EXPECT_TRUE(svc->Files().empty());
  EXPECT_FALSE(DefaultFileSystem()->Exists(IndexDir()));
}

}  // namespace
}  // namespace tern::engine
