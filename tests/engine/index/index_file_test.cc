#include "engine/index/index_file.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/check.h"
#include "engine/base/java_hash.h"
#include "engine/base/strings.h"
#include "engine/file_system.h"
#include "engine/index/index_file_format.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int32_t kSlots = 64;
constexpr int32_t kEntries = 32;
constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kAll = std::numeric_limits<int64_t>::max();
const char* const kName = "20240101120000123";

std::string ReadAll(const std::string& path) {
  absl::StatusOr<std::string> data = DefaultFileSystem()->ReadFile(path);
  TERN_CHECK(data.ok());
  return *std::move(data);
}

void WriteAll(const std::string& path, const std::string& data) {
  TERN_CHECK(DefaultFileSystem()->WriteFile(path, data, SyncMode::kNoSync).ok());
}

// The bytes of a header, spelled out independently of EncodeIndexHeader.
std::string HeaderBytes(int64_t begin_ts, int64_t end_ts, int64_t begin_phy, int64_t end_phy,
                        int32_t slot_count, int32_t index_count) {
  std::string out(kIndexHeaderSize, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  StoreBE64(p, static_cast<uint64_t>(begin_ts));
  StoreBE64(p + 8, static_cast<uint64_t>(end_ts));
  StoreBE64(p + 16, static_cast<uint64_t>(begin_phy));
  StoreBE64(p + 24, static_cast<uint64_t>(end_phy));
  StoreBE32(p + 32, static_cast<uint32_t>(slot_count));
  StoreBE32(p + 36, static_cast<uint32_t>(index_count));
  return out;
}

int32_t SlotValue(const std::string& bytes, int32_t slot) {
  return LoadBEI32(reinterpret_cast<const uint8_t*>(bytes.data()) + IndexSlotPos(slot));
}

IndexEntry EntryOf(const std::string& bytes, int32_t entry, int32_t slots = kSlots) {
  return DecodeIndexEntry(reinterpret_cast<const uint8_t*>(bytes.data()) +
                          IndexEntryPos(slots, entry));
}

int32_t SlotOf(std::string_view key, int32_t slots = kSlots) { return IndexKeyHash(key) % slots; }

// The first "T#k<i>" (i >= from) whose slot satisfies `pred`.
template <typename Pred>
std::string FindKey(Pred pred, int from = 0) {
  for (int i = from;; ++i) {
    std::string key = fmt::format("T#k{}", i);
    if (pred(key)) return key;
  }
}

class IndexFileTest : public ::testing::Test {
 protected:
  std::shared_ptr<IndexFile> NewFile(int32_t slots = kSlots, int32_t entries = kEntries,
                                     const std::string& name = kName, int64_t phy = 0,
                                     int64_t ts = 0) {
    absl::StatusOr<std::shared_ptr<IndexFile>> f =
        IndexFile::Create(fs_, dir_.path(), name, slots, entries, phy, ts);
    TERN_CHECK(f.ok());
    return *std::move(f);
  }
  std::string PathOf(const std::string& name = kName) const { return dir_.Sub(name); }

  FileSystem* fs_ = DefaultFileSystem();
  testing::TempDir dir_;
};

std::vector<int64_t> SelectAll(const IndexFile& f, std::string_view key, size_t max = 64,
                               int64_t begin = 0, int64_t end = kAll) {
  std::vector<int64_t> out;
  f.Select(key, max, begin, end, &out);
  return out;
}

TEST(IndexFileFormat, SizeIsHeaderPlusSlotsPlusEntries) {
  EXPECT_EQ(IndexFileSize(5'000'000, 20'000'000), 420'000'040u);
  EXPECT_EQ(IndexFileSize(5000, 20000), 420'040u);
  EXPECT_EQ(IndexSlotPos(3), 40u + 12u);
  EXPECT_EQ(IndexEntryPos(kSlots, 2), 40u + 64u * 4u + 40u);
}

TEST(IndexFileFormat, KeyHashIsAbsoluteJavaHashWithIntMinAsZero) {
  // "polygenelubricants".hashCode() == Integer.MIN_VALUE, whose Math.abs stays
  // negative.
  ASSERT_EQ(JavaStringHashCode("polygenelubricants"), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(IndexKeyHash("polygenelubricants"), 0);
  const int32_t h = JavaStringHashCode("TopicTest#key");
  EXPECT_EQ(IndexKeyHash("TopicTest#key"), h < 0 ? -h : h);
  EXPECT_GE(IndexKeyHash("TopicTest#key"), 0);
}

TEST_F(IndexFileTest, NewFileHasIndexCountOneAndEntryZeroUnused) {
  auto f = NewFile();
  EXPECT_EQ(f->header().index_count, 1);
  EXPECT_EQ(f->entry_count(), 0);
  EXPECT_FALSE(f->full());
  EXPECT_EQ(f->name(), kName);
  const std::string bytes = ReadAll(PathOf());
  ASSERT_EQ(bytes.size(), IndexFileSize(kSlots, kEntries));
  EXPECT_EQ(bytes.substr(0, kIndexHeaderSize), HeaderBytes(0, 0, 0, 0, 0, 1));
  ASSERT_TRUE(f->Put("T#a", 100, kT0));
  ASSERT_TRUE(f->Put("T#b", 200, kT0));
  const std::string after = ReadAll(PathOf());
  EXPECT_EQ(after.substr(IndexEntryPos(kSlots, 0), kIndexEntrySize),
            std::string(kIndexEntrySize, '\0'));
  EXPECT_EQ(EntryOf(after, 1).phy_offset, 100);
  EXPECT_EQ(EntryOf(after, 2).phy_offset, 200);
}

TEST_F(IndexFileTest, HeaderBytesAfterFirstAndSecondPut) {
  auto f = NewFile();
  const std::string k1 = "T#k0";
  const std::string k2 = FindKey([&](const std::string& k) { return SlotOf(k) != SlotOf(k1); });
  ASSERT_TRUE(f->Put(k1, 1000, kT0 + 123));
  std::string bytes = ReadAll(PathOf());
  EXPECT_EQ(bytes.substr(0, kIndexHeaderSize), HeaderBytes(kT0 + 123, kT0 + 123, 1000, 1000, 1, 2));
  EXPECT_EQ(EntryOf(bytes, 1), (IndexEntry{IndexKeyHash(k1), 1000, 0, 0}));
  EXPECT_EQ(SlotValue(bytes, SlotOf(k1)), 1);

  ASSERT_TRUE(f->Put(k2, 1500, kT0 + 123 + 2999));
  bytes = ReadAll(PathOf());
  EXPECT_EQ(bytes.substr(0, kIndexHeaderSize),
            HeaderBytes(kT0 + 123, kT0 + 3122, 1000, 1500, 2, 3));
  // timeDiff is whole seconds since beginTimestamp: 2999 ms -> 2.
  EXPECT_EQ(EntryOf(bytes, 2), (IndexEntry{IndexKeyHash(k2), 1500, 2, 0}));
  EXPECT_EQ(SlotValue(bytes, SlotOf(k2)), 2);
  EXPECT_EQ(f->header(), (IndexHeader{kT0 + 123, kT0 + 3122, 1000, 1500, 2, 3}));
}

TEST_F(IndexFileTest, CollidingKeysShareOneSlotChain) {
  auto f = NewFile();
  const std::string a = "T#k0";
  const std::string b = FindKey(
      [&](const std::string& k) {
        return SlotOf(k) == SlotOf(a) && IndexKeyHash(k) != IndexKeyHash(a);
      },
      1);
  ASSERT_TRUE(f->Put(a, 10, kT0));
  ASSERT_TRUE(f->Put(b, 20, kT0 + 1000));
  ASSERT_TRUE(f->Put(a, 30, kT0 + 2000));
  const std::string bytes = ReadAll(PathOf());
  EXPECT_EQ(SlotValue(bytes, SlotOf(a)), 3);
  EXPECT_EQ(EntryOf(bytes, 1).prev_index, 0);
  EXPECT_EQ(EntryOf(bytes, 2).prev_index, 1);
  EXPECT_EQ(EntryOf(bytes, 3).prev_index, 2);
  EXPECT_EQ(f->header().hash_slot_count, 1);  // one slot used, three entries
  EXPECT_THAT(SelectAll(*f, a), ElementsAre(30, 10));
  EXPECT_THAT(SelectAll(*f, b), ElementsAre(20));
  EXPECT_TRUE(f->Contains(IndexKeyHash(b), 20));
  EXPECT_FALSE(f->Contains(IndexKeyHash(b), 30));
  EXPECT_TRUE(f->Validate().ok());
}

TEST_F(IndexFileTest, FullFileRejectsPut) {
  auto f = NewFile(kSlots, 4);  // entries 1..3
  for (int i = 1; i <= 3; ++i) {
    ASSERT_FALSE(f->full());
    ASSERT_TRUE(f->Put(fmt::format("T#{}", i), i * 100, kT0 + i));
  }
  EXPECT_TRUE(f->full());
  const IndexHeader before = f->header();
  const std::string bytes = ReadAll(PathOf());
  EXPECT_FALSE(f->Put("T#more", 400, kT0 + 4));
  EXPECT_EQ(f->header(), before);
  EXPECT_EQ(ReadAll(PathOf()), bytes);
  EXPECT_EQ(before.index_count, 4);
}

TEST_F(IndexFileTest, TimeDiffIsClampedToZeroAndIntMax) {
  auto f = NewFile();
  ASSERT_TRUE(f->Put("T#a", 1, kT0));
  ASSERT_TRUE(f->Put("T#b", 2, kT0 - 5000));                 // clock went back
  ASSERT_TRUE(f->Put("T#c", 3, kT0 + 3'000'000'000'000LL));  // far future
  const std::string bytes = ReadAll(PathOf());
  EXPECT_EQ(EntryOf(bytes, 2).time_diff, 0);
  EXPECT_EQ(EntryOf(bytes, 3).time_diff, std::numeric_limits<int32_t>::max());
}

TEST_F(IndexFileTest, InheritedBeginIsOverwrittenByFirstPut) {
  // A file rolled from a full one starts with that file's end fields...
  auto f = NewFile(kSlots, kEntries, kName, 5000, kT0);
  EXPECT_EQ(f->header(), (IndexHeader{kT0, kT0, 5000, 5000, 0, 1}));
  EXPECT_EQ(ReadAll(PathOf()).substr(0, kIndexHeaderSize), HeaderBytes(kT0, kT0, 5000, 5000, 0, 1));
  // ...and its first put computes timeDiff against them before replacing the
  // begin fields with its own (Java's order of operations).
  ASSERT_TRUE(f->Put("T#a", 6000, kT0 + 7500));
  EXPECT_EQ(f->header(), (IndexHeader{kT0 + 7500, kT0 + 7500, 6000, 6000, 1, 2}));
  EXPECT_EQ(EntryOf(ReadAll(PathOf()), 1).time_diff, 7);
  // So the entry's query time is begin + 7 s.
  EXPECT_THAT(SelectAll(*f, "T#a", 64, kT0 + 14'500, kT0 + 14'500), ElementsAre(6000));
  EXPECT_THAT(SelectAll(*f, "T#a", 64, kT0 + 7500, kT0 + 7500), IsEmpty());
}

TEST_F(IndexFileTest, SelectFiltersByTimeAndStopsAtOlderEntries) {
  auto f = NewFile();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(f->Put("T#dup", 100 + i, kT0 + i * 1000));
  EXPECT_THAT(SelectAll(*f, "T#dup", 64, kT0 + 3000, kT0 + 5000), ElementsAre(105, 104, 103));
  EXPECT_THAT(SelectAll(*f, "T#dup", 4), ElementsAre(109, 108, 107, 106));
  EXPECT_THAT(SelectAll(*f, "T#other"), IsEmpty());
  // max_total counts what the caller's vector already holds.
  std::vector<int64_t> out = {1, 2};
  f->Select("T#dup", 3, 0, kAll, &out);
  EXPECT_THAT(out, ElementsAre(1, 2, 109));
}

TEST_F(IndexFileTest, SelectStopsAtTheFirstEntryOlderThanBegin) {
  // Java stops walking a chain at the first entry older than `begin`, even
  // though an older entry may have a later index time (only the first entry of
  // a rolled file can).
  auto f = NewFile(kSlots, kEntries, kName, 100, kT0);
  ASSERT_TRUE(f->Put("T#dup", 200,
                     kT0 + 5000));                // timeDiff 5 against the inherited begin
  ASSERT_TRUE(f->Put("T#dup", 300, kT0 + 5000));  // timeDiff 0
  // Index times: entry 1 at kT0 + 10 s, entry 2 at kT0 + 5 s.
  EXPECT_THAT(SelectAll(*f, "T#dup", 64, kT0 + 8000, kAll), IsEmpty());
  EXPECT_THAT(SelectAll(*f, "T#dup", 64, kT0 + 5000, kAll), ElementsAre(300, 200));
}

TEST_F(IndexFileTest, ReopenGivesSameAnswers) {
  std::vector<int64_t> before;
  IndexHeader header;
  {
    auto f = NewFile();
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(f->Put(fmt::format("T#k{}", i % 7), 100 * i, kT0 + 400 * i));
    }
    ASSERT_TRUE(f->Flush().ok());
    before = SelectAll(*f, "T#k3");
    header = f->header();
  }
  absl::StatusOr<std::shared_ptr<IndexFile>> f =
      IndexFile::Open(fs_, PathOf(), kSlots, kEntries, Access::kReadOnly);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ((*f)->header(), header);
  EXPECT_EQ(SelectAll(**f, "T#k3"), before);
  EXPECT_EQ(before.size(), 3u);
  EXPECT_TRUE((*f)->Validate().ok());
  EXPECT_FALSE((*f)->writable());
}

TEST_F(IndexFileTest, OpenReadsZeroIndexCountAsOne) {
  // Java writes indexCount only on the first put or flush; a fresh file may
  // hold 0.
  WriteAll(PathOf(), std::string(IndexFileSize(kSlots, kEntries), '\0'));
  absl::StatusOr<std::shared_ptr<IndexFile>> f =
      IndexFile::Open(fs_, PathOf(), kSlots, kEntries, Access::kReadWrite);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ((*f)->header().index_count, 1);
  ASSERT_TRUE((*f)->Put("T#a", 7, kT0));
  EXPECT_EQ(ReadAll(PathOf()).substr(0, kIndexHeaderSize), HeaderBytes(kT0, kT0, 7, 7, 1, 2));
}

struct CorruptCase {
  size_t pos;
  int bits;  // 32 or 64
  int64_t value;
  const char* expect;
};

TEST_F(IndexFileTest, OpenRejectsCorruptHeaderNamingTheFile) {
  {
    auto f = NewFile();
    ASSERT_TRUE(f->Put("T#a", 7, kT0));
  }
  const std::string good = ReadAll(PathOf());
  const CorruptCase cases[] = {
      {kIndexIndexCountPos, 32, kEntries + 1, "indexCount"},
      {kIndexIndexCountPos, 32, -1, "indexCount"},
      {kIndexHashSlotCountPos, 32, kSlots + 1, "hashSlotCount"},
      {kIndexBeginPhyOffsetPos, 64, -5, "phy offsets"},
      {kIndexEndPhyOffsetPos, 64, 6, "phy offsets"},  // below beginPhyOffset 7
  };
  for (const CorruptCase& c : cases) {
    std::string bad = good;
    auto* p = reinterpret_cast<uint8_t*>(bad.data()) + c.pos;
    if (c.bits == 32) {
      StoreBE32(p, static_cast<uint32_t>(c.value));
    } else {
      StoreBE64(p, static_cast<uint64_t>(c.value));
    }
    WriteAll(PathOf(), bad);
    absl::StatusOr<std::shared_ptr<IndexFile>> f =
        IndexFile::Open(fs_, PathOf(), kSlots, kEntries, Access::kReadOnly);
    ASSERT_FALSE(f.ok()) << c.expect;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(MessageOf(f.status()), HasSubstr(kName));
    EXPECT_THAT(MessageOf(f.status()), HasSubstr(c.expect));
  }
}

TEST_F(IndexFileTest, OpenRejectsWrongSize) {
  WriteAll(PathOf(), std::string(IndexFileSize(kSlots, kEntries) - 20, '\0'));
  absl::StatusOr<std::shared_ptr<IndexFile>> f =
      IndexFile::Open(fs_, PathOf(), kSlots, kEntries, Access::kReadOnly);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(MessageOf(f.status()), HasSubstr(kName));
}

TEST_F(IndexFileTest, CreateRejectsDegenerateGeometry) {
  EXPECT_EQ(IndexFile::Create(fs_, dir_.path(), kName, 0, 10, 0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(IndexFile::Create(fs_, dir_.path(), kName, 10, 1, 0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Messages with 1..3 keys each, several of them colliding, store times 250 ms
// apart.
struct Put {
  std::string key;
  int64_t phy;
  int64_t ts;
};
std::vector<Put> Workload(int messages) {
  std::vector<Put> puts;
  for (int m = 0; m < messages; ++m) {
    const int64_t phy = 1000 + 300 * m;
    const int64_t ts = kT0 + 250 * m;
    for (int k = 0; k <= m % 3; ++k)
      puts.push_back({fmt::format("T#k{}", (m * 7 + k) % 23), phy, ts});
  }
  return puts;
}

TEST_F(IndexFileTest, TruncateFromMatchesAFileBuiltFromScratch) {
  const std::vector<Put> puts = Workload(14);  // 27 entries
  auto cut_file = NewFile(kSlots, kEntries, "20240101120000001", 900, kT0 - 3000);
  for (const Put& p : puts) ASSERT_TRUE(cut_file->Put(p.key, p.phy, p.ts));
  // Cut at message 8 (store time kT0 + 2000): the last kept message (7, at kT0
  // + 1750) is recorded with timeDiff 1 s, so the reconstructed endTimestamp is
  // kT0 + 1000.
  const int64_t cut = 1000 + 300 * 8;
  ASSERT_TRUE(cut_file->TruncateFrom(cut).ok());

  auto scratch = NewFile(kSlots, kEntries, "20240101120000002", 900, kT0 - 3000);
  size_t kept = 0;
  for (const Put& p : puts) {
    if (p.phy >= cut) break;
    ASSERT_TRUE(scratch->Put(p.key, p.phy, p.ts));
    ++kept;
  }
  EXPECT_EQ(cut_file->entry_count(), static_cast<int32_t>(kept));
  IndexHeader expected = scratch->header();
  EXPECT_EQ(expected.end_timestamp, kT0 + 1750);
  expected.end_timestamp = kT0 + 1000;  // milliseconds are not stored per entry
  EXPECT_EQ(cut_file->header(), expected);

  const std::string a = ReadAll(cut_file->path());
  const std::string b = ReadAll(scratch->path());
  // Slots, entries and the zeroed tail are byte-identical; so is the header but
  // for the reconstructed endTimestamp.
  EXPECT_EQ(a.substr(kIndexHeaderSize), b.substr(kIndexHeaderSize));
  EXPECT_EQ(a.substr(0, kIndexEndTimestampPos), b.substr(0, kIndexEndTimestampPos));
  EXPECT_EQ(a.substr(kIndexBeginPhyOffsetPos, 24), b.substr(kIndexBeginPhyOffsetPos, 24));
  for (int k = 0; k < 23; ++k) {
    const std::string key = fmt::format("T#k{}", k);
    EXPECT_EQ(SelectAll(*cut_file, key), SelectAll(*scratch, key)) << key;
  }
  EXPECT_TRUE(cut_file->Validate().ok());
  // The file keeps working: the re-dispatched suffix lands where it did before.
  for (const Put& p : puts) {
    if (p.phy >= cut) {
      ASSERT_TRUE(cut_file->Put(p.key, p.phy, p.ts));
    }
  }
  EXPECT_TRUE(cut_file->Validate().ok());
}

TEST_F(IndexFileTest, TruncateFromKeepsExactEndTimeOfTheFirstMessage) {
  auto f = NewFile();
  ASSERT_TRUE(f->Put("T#a", 100, kT0 + 777));
  ASSERT_TRUE(f->Put("T#b", 100, kT0 + 777));
  ASSERT_TRUE(f->Put("T#c", 200, kT0 + 5777));
  ASSERT_TRUE(f->TruncateFrom(150).ok());
  const int32_t used_slots = SlotOf("T#a") == SlotOf("T#b") ? 1 : 2;
  EXPECT_EQ(f->header(), (IndexHeader{kT0 + 777, kT0 + 777, 100, 100, used_slots, 3}));
  EXPECT_THAT(SelectAll(*f, "T#c"), IsEmpty());
  EXPECT_THAT(SelectAll(*f, "T#b"), ElementsAre(100));
}

TEST_F(IndexFileTest, TruncateFromBeyondTheEndChangesNothing) {
  auto f = NewFile();
  for (const Put& p : Workload(5)) ASSERT_TRUE(f->Put(p.key, p.phy, p.ts));
  const std::string before = ReadAll(PathOf());
  const IndexHeader header = f->header();
  ASSERT_TRUE(f->TruncateFrom(header.end_phy_offset + 1).ok());
  EXPECT_EQ(ReadAll(PathOf()), before);
  EXPECT_EQ(f->header(), header);
}

TEST_F(IndexFileTest, TruncateFromBeforeEverythingLeavesAFreshFile) {
  auto f = NewFile();
  for (const Put& p : Workload(5)) ASSERT_TRUE(f->Put(p.key, p.phy, p.ts));
  ASSERT_TRUE(f->TruncateFrom(0).ok());
  EXPECT_EQ(f->header(), IndexHeader{});
  const std::string bytes = ReadAll(PathOf());
  EXPECT_EQ(bytes.substr(0, kIndexHeaderSize), HeaderBytes(0, 0, 0, 0, 0, 1));
  EXPECT_EQ(bytes.substr(kIndexHeaderSize), std::string(bytes.size() - kIndexHeaderSize, '\0'));
}

TEST_F(IndexFileTest, ForEachEntryVisitsEntriesInOrder) {
  auto f = NewFile();
  const std::vector<Put> puts = Workload(6);
  for (const Put& p : puts) ASSERT_TRUE(f->Put(p.key, p.phy, p.ts));
  std::vector<int32_t> numbers;
  std::vector<int64_t> phys;
  f->ForEachEntry([&](int32_t n, const IndexEntry& e) {
    numbers.push_back(n);
    phys.push_back(e.phy_offset);
    EXPECT_EQ(e.key_hash, IndexKeyHash(puts[static_cast<size_t>(n - 1)].key));
  });
  ASSERT_EQ(numbers.size(), puts.size());
  for (size_t i = 0; i < puts.size(); ++i) {
    EXPECT_EQ(numbers[i], static_cast<int32_t>(i + 1));
    EXPECT_EQ(phys[i], puts[i].phy);
  }
}

// Builds a valid file, lets `corrupt` edit its bytes, reopens it and returns
// Validate().
template <typename F>
absl::Status ValidateCorrupted(const std::string& dir, F corrupt) {
  const std::string path = JoinPath(dir, kName);
  {
    absl::StatusOr<std::shared_ptr<IndexFile>> f =
        IndexFile::Create(DefaultFileSystem(), dir, kName, kSlots, kEntries, 0, 0);
    TERN_CHECK(f.ok());
    for (const Put& p : Workload(10)) TERN_CHECK((*f)->Put(p.key, p.phy, p.ts));
    TERN_CHECK((*f)->Validate().ok());
  }
  std::string bytes = ReadAll(path);
  corrupt(reinterpret_cast<uint8_t*>(bytes.data()));
  WriteAll(path, bytes);
  absl::StatusOr<std::shared_ptr<IndexFile>> f =
      IndexFile::Open(DefaultFileSystem(), path, kSlots, kEntries, Access::kReadOnly);
  TERN_CHECK(f.ok());
  return (*f)->Validate();
}

TEST_F(IndexFileTest, ValidateReportsAForwardPrevLink) {
  const absl::Status s = ValidateCorrupted(dir_.path(), [](uint8_t* p) {
    StoreBE32(p + IndexEntryPos(kSlots, 5) + kIndexEntryPrevPos, 9);
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(MessageOf(s), HasSubstr("entry 5:"));
  EXPECT_THAT(MessageOf(s), HasSubstr(kName));
}

TEST_F(IndexFileTest, ValidateReportsALinkIntoAnotherBucket) {
  // Entry 4's prev rewired to an older entry that is not the previous one of
  // its bucket.
  const absl::Status s = ValidateCorrupted(dir_.path(), [](uint8_t* p) {
    const int32_t prev = LoadBEI32(p + IndexEntryPos(kSlots, 4) + kIndexEntryPrevPos);
    StoreBE32(p + IndexEntryPos(kSlots, 4) + kIndexEntryPrevPos, prev == 1 ? 2 : 1);
  });
  EXPECT_THAT(MessageOf(s), HasSubstr("entry 4:"));
}

TEST_F(IndexFileTest, ValidateReportsDecreasingPhyOffsets) {
  const absl::Status s = ValidateCorrupted(dir_.path(), [](uint8_t* p) {
    StoreBE64(p + IndexEntryPos(kSlots, 7) + kIndexEntryPhyOffsetPos, 5);
  });
  EXPECT_THAT(MessageOf(s), HasSubstr("entry 7:"));
  EXPECT_THAT(MessageOf(s), HasSubstr("below"));
}

TEST_F(IndexFileTest, ValidateReportsAStaleSlot) {
  const absl::Status s = ValidateCorrupted(dir_.path(), [](uint8_t* p) {
    for (int32_t slot = 0; slot < kSlots; ++slot) {
      if (LoadBEI32(p + IndexSlotPos(slot)) == 0) {
        StoreBE32(p + IndexSlotPos(slot), 3);
        return;
      }
    }
  });
  EXPECT_THAT(MessageOf(s), HasSubstr("slot "));
}

TEST_F(IndexFileTest, ValidateReportsAWrongHashSlotCount) {
  const absl::Status s = ValidateCorrupted(dir_.path(), [](uint8_t* p) {
    StoreBE32(p + kIndexHashSlotCountPos, LoadBE32(p + kIndexHashSlotCountPos) + 1);
  });
  EXPECT_THAT(MessageOf(s), HasSubstr("hashSlotCount"));
}

}  // namespace
}  // namespace tern::engine
