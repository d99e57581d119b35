#include "tests/util/sim_file_system.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "engine/file_system.h"
#include "tests/util/temp_dir.h"

namespace tern::testing {
namespace {

using engine::DefaultFileSystem;
using engine::MappedRegion;
using engine::SyncMode;

constexpr size_t kPage = 4096;

std::string Slurp(const std::string& path) {
  absl::StatusOr<std::string> bytes = DefaultFileSystem()->ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << path << ": " << bytes.status();
  return bytes.ok() ? *bytes : std::string();
}

// Deterministic non-zero filler, different per `salt`.
std::string Pattern(size_t n, int salt) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + salt * 31) % 251 + 1);
  return s;
}

// Equality without dumping kilobytes of binary on failure.
::testing::AssertionResult SameBytes(const std::string& got, const std::string& want) {
  if (got == want) return ::testing::AssertionSuccess();
  size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  return ::testing::AssertionFailure()
         << "sizes " << got.size() << " vs " << want.size() << ", first difference at byte " << i;
}

void Store(MappedRegion& r, size_t offset, const std::string& bytes) {
  std::memcpy(r.data() + offset, bytes.data(), bytes.size());
}

std::string Bytes(const MappedRegion& r, size_t offset, size_t len) {
  return std::string(reinterpret_cast<const char*>(r.data()) + offset, len);
}

class SimFileSystemTest : public ::testing::Test {
 protected:
  SimFileSystemTest() {
    EXPECT_EQ(::mkdir(root_.c_str(), 0755), 0);
    fs_ = std::make_unique<SimFileSystem>(root_);
  }

  std::string Live(const std::string& rel) const { return root_ + "/" + rel; }
  // Cuts the power (if not cut yet) and writes a new crash image; returns its
  // directory.
  std::string Image(const CrashImageOptions& opts = {}) {
    fs_->PowerCut();
    const std::string dir = tmp_.Sub("image" + std::to_string(images_++));
    absl::Status s = fs_->MaterializeCrashImage(dir, opts);
    EXPECT_TRUE(s.ok()) << s;
    return dir;
  }
  std::unique_ptr<MappedRegion> Create(const std::string& rel, size_t size) {
    absl::StatusOr<std::unique_ptr<MappedRegion>> r = fs_->CreateAndMap(Live(rel), size);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : nullptr;
  }

  TempDir tmp_;
  const std::string root_ = tmp_.Sub("live");
  std::unique_ptr<SimFileSystem> fs_;
  int images_ = 0;
};

// ------------------------------------------------------------- data durability

TEST_F(SimFileSystemTest, SyncedBytesSurviveAndUnsyncedBytesAreZero) {
  auto seg = Create("seg", 16 * kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  const std::string synced = Pattern(5000, 1);
  Store(*seg, 0, synced);
  ASSERT_TRUE(fs_->SyncRegion(*seg, 0, synced.size()).ok());
  Store(*seg, 5000, Pattern(15000, 2));  // never synced

  const std::string image = Slurp(Image() + "/seg");
  ASSERT_EQ(image.size(), 16 * kPage);  // the preallocated size is kept
  EXPECT_TRUE(SameBytes(image.substr(0, 5000), synced));
  EXPECT_TRUE(SameBytes(image.substr(5000), std::string(16 * kPage - 5000, '\0')));
}

TEST_F(SimFileSystemTest, SyncCoversFromThePageStartOnly) {
  auto seg = Create("seg", 4 * kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  Store(*seg, 0, Pattern(3 * kPage, 3));
  // Syncing [kPage + 100, kPage + 200) covers [kPage, kPage + 100) too.
  ASSERT_TRUE(fs_->SyncRegion(*seg, kPage + 100, 100).ok());
  const std::string image = Slurp(Image() + "/seg");
  EXPECT_TRUE(SameBytes(image.substr(0, kPage), std::string(kPage, '\0')));
  EXPECT_TRUE(SameBytes(image.substr(kPage, 200), Bytes(*seg, kPage, 200)));
  EXPECT_TRUE(SameBytes(image.substr(kPage + 200), std::string(3 * kPage - 200, '\0')));
}

TEST_F(SimFileSystemTest, ZeroRangeMakesZerosDurable) {
  auto seg = Create("seg", 4 * kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  Store(*seg, 0, Pattern(4 * kPage, 4));
  ASSERT_TRUE(fs_->SyncRegion(*seg, 0, 4 * kPage).ok());
  ASSERT_TRUE(fs_->ZeroRange(*seg, 1000, 4 * kPage - 1000).ok());
  const std::string image = Slurp(Image() + "/seg");
  EXPECT_TRUE(SameBytes(image.substr(0, 1000), Pattern(1000, 4)));
  EXPECT_TRUE(SameBytes(image.substr(1000), std::string(4 * kPage - 1000, '\0')));
}

TEST_F(SimFileSystemTest, PreexistingFilesAreDurableAndMappedChangesNeedSync) {
  ASSERT_TRUE(
      DefaultFileSystem()->WriteFile(Live("old"), Pattern(2 * kPage, 5), SyncMode::kNoSync).ok());
  ASSERT_TRUE(DefaultFileSystem()->CreateDirs(Live("sub")).ok());
  ASSERT_TRUE(DefaultFileSystem()->WriteFile(Live("sub/x"), "x", SyncMode::kNoSync).ok());
  fs_ = std::make_unique<SimFileSystem>(root_);  // snapshots the tree as durable
  absl::StatusOr<std::unique_ptr<MappedRegion>> map =
      fs_->MapExisting(Live("old"), 2 * kPage, engine::Access::kReadWrite);
  ASSERT_TRUE(map.ok()) << map.status();
  Store(**map, 0, Pattern(100, 6));  // page 0: not synced, the image keeps the old bytes
  Store(**map, kPage + 2000, Pattern(100, 7));
  ASSERT_TRUE(fs_->SyncRegion(**map, kPage + 2000, 100).ok());

  const std::string dir = Image();
  std::string expected = Pattern(2 * kPage, 5);
  expected.replace(kPage + 2000, 100, Pattern(100, 7));
  EXPECT_TRUE(SameBytes(Slurp(dir + "/old"), expected));
  EXPECT_EQ(Slurp(dir + "/sub/x"), "x");
}

// -------------------------------------------------------- directory durability

TEST_F(SimFileSystemTest, NewFileWithoutDirSyncIsAbsentEvenIfSynced) {
  auto seg = Create("seg", kPage);
  Store(*seg, 0, Pattern(kPage, 8));
  ASSERT_TRUE(fs_->SyncRegion(*seg, 0, kPage).ok());
  ASSERT_TRUE(fs_->WriteFile(Live("meta"), "synced data", SyncMode::kSync).ok());
  const std::string dir = Image();
  EXPECT_FALSE(DefaultFileSystem()->Exists(dir + "/seg"));
  EXPECT_FALSE(DefaultFileSystem()->Exists(dir + "/meta"));
}

TEST_F(SimFileSystemTest, NewFileWithDirSyncIsPresent) {
  auto seg = Create("seg", kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  Store(*seg, 0, Pattern(kPage, 9));
  ASSERT_TRUE(fs_->SyncRegion(*seg, 0, kPage).ok());
  EXPECT_TRUE(SameBytes(Slurp(Image() + "/seg"), Pattern(kPage, 9)));
}

TEST_F(SimFileSystemTest, UnsyncedWriteFileLeavesAnEmptyFile) {
  ASSERT_TRUE(fs_->WriteFile(Live("offsets.json"), "{\"a\":1}", SyncMode::kNoSync).ok());
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  EXPECT_EQ(Slurp(Image() + "/offsets.json"), "");
}

TEST_F(SimFileSystemTest, UnsyncedRewriteKeepsTheOldDurableContent) {
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "old", SyncMode::kSync).ok());
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "new", SyncMode::kNoSync).ok());
  EXPECT_EQ(Slurp(Live("f")), "new");
  EXPECT_EQ(Slurp(Image() + "/f"), "old");
}

TEST_F(SimFileSystemTest, RenameIsDurableOnlyAfterDirSync) {
  ASSERT_TRUE(fs_->WriteFile(Live("a"), "content", SyncMode::kSync).ok());
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  ASSERT_TRUE(fs_->Rename(Live("a"), Live("b")).ok());
  const std::string before = Image();  // cut before the dir sync
  EXPECT_EQ(Slurp(before + "/a"), "content");
  EXPECT_FALSE(DefaultFileSystem()->Exists(before + "/b"));
}

TEST_F(SimFileSystemTest, RenameAfterDirSyncMovesTheDurableContent) {
  ASSERT_TRUE(fs_->WriteFile(Live("a"), "content", SyncMode::kSync).ok());
  ASSERT_TRUE(fs_->WriteFile(Live("b"), "replaced", SyncMode::kSync).ok());
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  ASSERT_TRUE(fs_->Rename(Live("a"), Live("b")).ok());
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  const std::string dir = Image();
  EXPECT_FALSE(DefaultFileSystem()->Exists(dir + "/a"));
  EXPECT_EQ(Slurp(dir + "/b"), "content");
}

TEST_F(SimFileSystemTest, DeleteIsDurableOnlyAfterDirSyncAndUnlinkedMappingsStillSync) {
  auto seg = Create("seg", kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  ASSERT_TRUE(fs_->DeleteFile(Live("seg")).ok());
  // The inode lives on through the mapping; its durable name still shows it.
  Store(*seg, 0, Pattern(100, 10));
  ASSERT_TRUE(fs_->SyncRegion(*seg, 0, 100).ok());
  EXPECT_TRUE(SameBytes(Slurp(Image() + "/seg").substr(0, 100), Pattern(100, 10)));
}

TEST_F(SimFileSystemTest, DeleteAfterDirSyncIsGone) {
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "x", SyncMode::kSync).ok());
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  ASSERT_TRUE(fs_->DeleteFile(Live("f")).ok());
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  EXPECT_FALSE(DefaultFileSystem()->Exists(Image() + "/f"));
}

TEST_F(SimFileSystemTest, CreateDirsSyncsEachParent) {
  ASSERT_TRUE(fs_->CreateDirs(Live("a/b/c")).ok());
  EXPECT_EQ(fs_->stats().dir_syncs, 3u);
  ASSERT_TRUE(fs_->WriteFile(Live("a/b/c/f"), "data", SyncMode::kSync).ok());
  ASSERT_TRUE(fs_->SyncDir(Live("a/b/c")).ok());
  EXPECT_EQ(Slurp(Image() + "/a/b/c/f"), "data");
}

TEST_F(SimFileSystemTest, DeleteDirIsDurableOnlyAfterDirSync) {
  ASSERT_TRUE(fs_->CreateDirs(Live("d")).ok());
  ASSERT_TRUE(fs_->DeleteDir(Live("d")).ok());  // removal queued, not synced
  const std::string dir = Image();
  EXPECT_TRUE(DefaultFileSystem()->IsDirectory(dir + "/d"));
}

TEST_F(SimFileSystemTest, KeepingUnsyncedDirOpsAppliesAPrefixOfTheQueue) {
  ASSERT_TRUE(fs_->WriteFile(Live("only"), "x", SyncMode::kSync).ok());
  CrashImageOptions opts;
  opts.keep_unsynced_dir_ops_probability = 1;  // one queued op: the prefix is all of it
  EXPECT_EQ(Slurp(Image(opts) + "/only"), "x");
  EXPECT_FALSE(DefaultFileSystem()->Exists(Image() + "/only"));
}

// ----------------------------------------------------------- AtomicReplaceFile

// Runs AtomicReplaceFile with the power cut at its k-th file system call for
// every k, and checks several crash images of each cut.
void CheckAtomicReplaceAtEveryCut(bool with_old) {
  const std::string kOld = "{\"version\":1,\"old\":true}";
  const std::string kNew = "{\"version\":2,\"payload\":\"" + std::string(5000, 'n') + "\"}";
  bool saw_old_or_absent = false;
  bool saw_new = false;
  for (int k = 0;; ++k) {
    ASSERT_LT(k, 50) << "AtomicReplaceFile never completed";
    TempDir tmp;
    const std::string root = tmp.Sub("live");
    ASSERT_EQ(::mkdir(root.c_str(), 0755), 0);
    const std::string path = root + "/config.json";
    if (with_old) {
      ASSERT_TRUE(DefaultFileSystem()->WriteFile(path, kOld, SyncMode::kSync).ok());
    }
    SimFileSystem fs(root);
    fs.PowerCutAfterOps(k);
    const absl::Status s = engine::AtomicReplaceFile(fs, path, kNew);
    const bool completed = s.ok();
    if (!completed) {
      EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
    }
    EXPECT_EQ(fs.power_cut(), !completed);
    fs.PowerCut();

    std::vector<CrashImageOptions> variants(1);
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      CrashImageOptions o;
      o.seed = seed;
      o.keep_unsynced_page_probability = seed % 2 == 0 ? 1.0 : 0.5;
      o.tear_pages = seed > 4;
      o.keep_unsynced_dir_ops_probability = seed % 4 == 0 ? 1.0 : 0.5;
      variants.push_back(o);
    }
    for (size_t v = 0; v < variants.size(); ++v) {
      SCOPED_TRACE(::testing::Message() << "cut at op " << k << ", variant " << v);
      const std::string image = tmp.Sub("image" + std::to_string(v));
      ASSERT_TRUE(fs.MaterializeCrashImage(image, variants[v]).ok());
      const std::string got_path = image + "/config.json";
      if (DefaultFileSystem()->Exists(got_path)) {
        const std::string got = Slurp(got_path);
        if (with_old) {
          EXPECT_TRUE(got == kOld || got == kNew) << "garbled: " << got.substr(0, 80);
        } else {
          EXPECT_EQ(got, kNew);
        }
        saw_new |= got == kNew;
        saw_old_or_absent |= got == kOld;
      } else {
        EXPECT_FALSE(with_old) << "the old content vanished";
        saw_old_or_absent = true;
      }
      if (DefaultFileSystem()->Exists(image + "/config.json.bak")) {
        EXPECT_TRUE(SameBytes(Slurp(image + "/config.json.bak"), kOld));
      }
      if (completed) {
        EXPECT_TRUE(SameBytes(Slurp(got_path), kNew));
      }
    }
    if (completed) break;
  }
  EXPECT_TRUE(saw_old_or_absent);
  EXPECT_TRUE(saw_new);
}

TEST(SimFileSystemAtomicReplace, EveryCutLeavesOldOrNewContent) {
  CheckAtomicReplaceAtEveryCut(/*with_old=*/true);
}

TEST(SimFileSystemAtomicReplace, EveryCutOfAFirstWriteLeavesNothingOrNewContent) {
  CheckAtomicReplaceAtEveryCut(/*with_old=*/false);
}

// -------------------------------------------------------------- unsynced pages

class UnsyncedPagesTest : public SimFileSystemTest {
 protected:
  static constexpr size_t kPages = 64;
  static constexpr size_t kSyncedPages = 8;

  // A segment: the first kSyncedPages pages synced, the rest dirty (no zeros).
  void SetUpSegment() {
    seg_ = Create("seg", kPages * kPage);
    ASSERT_TRUE(fs_->SyncDir(root_).ok());
    Store(*seg_, 0, Pattern(kPages * kPage, 11));
    ASSERT_TRUE(fs_->SyncRegion(*seg_, 0, kSyncedPages * kPage).ok());
    fs_->PowerCut();
    live_at_cut_ = Bytes(*seg_, 0, kPages * kPage);
    Store(*seg_, 0, Pattern(kPages * kPage, 12));  // after the cut: never in any image
  }

  std::unique_ptr<MappedRegion> seg_;
  std::string live_at_cut_;
};

TEST_F(UnsyncedPagesTest, KeepProbabilityOneKeepsEverythingLiveAtTheCut) {
  SetUpSegment();
  CrashImageOptions opts;
  opts.keep_unsynced_page_probability = 1;
  EXPECT_TRUE(SameBytes(Slurp(Image(opts) + "/seg"), live_at_cut_));
}

TEST_F(UnsyncedPagesTest, PartialKeepIsPageGranularWithoutTearing) {
  SetUpSegment();
  CrashImageOptions opts;
  opts.seed = 42;
  opts.keep_unsynced_page_probability = 0.5;
  const std::string image = Slurp(Image(opts) + "/seg");
  ASSERT_EQ(image.size(), live_at_cut_.size());
  EXPECT_TRUE(SameBytes(image.substr(0, kSyncedPages * kPage),
                        live_at_cut_.substr(0, kSyncedPages * kPage)));
  int kept = 0, dropped = 0;
  for (size_t p = kSyncedPages; p < kPages; ++p) {
    const std::string got = image.substr(p * kPage, kPage);
    if (got == live_at_cut_.substr(p * kPage, kPage)) {
      ++kept;
    } else {
      EXPECT_EQ(got, std::string(kPage, '\0')) << "page " << p << " is neither kept nor dropped";
      ++dropped;
    }
  }
  EXPECT_GT(kept, 0);
  EXPECT_GT(dropped, 0);
}

TEST_F(UnsyncedPagesTest, TornPagesDifferFromLiveOnlyAtSectorGranularity) {
  SetUpSegment();
  int torn_pages = 0, kept_sectors = 0, dropped_sectors = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    CrashImageOptions opts;
    opts.seed = seed;
    opts.keep_unsynced_page_probability = 1;
    opts.tear_pages = true;
    const std::string image = Slurp(Image(opts) + "/seg");
    ASSERT_EQ(image.size(), live_at_cut_.size());
    EXPECT_TRUE(SameBytes(image.substr(0, kSyncedPages * kPage),
                          live_at_cut_.substr(0, kSyncedPages * kPage)));
    for (size_t p = kSyncedPages; p < kPages; ++p) {
      bool any_kept = false, any_dropped = false;
      for (size_t s = p * kPage; s < (p + 1) * kPage; s += 512) {
        const std::string got = image.substr(s, 512);
        if (got == live_at_cut_.substr(s, 512)) {
          any_kept = true;
          ++kept_sectors;
        } else {
          EXPECT_EQ(got, std::string(512, '\0')) << "sector at " << s << " is mixed";
          any_dropped = true;
          ++dropped_sectors;
        }
      }
      torn_pages += any_kept && any_dropped;
    }
  }
  EXPECT_GT(torn_pages, 0);
  EXPECT_GT(kept_sectors, 0);
  EXPECT_GT(dropped_sectors, 0);
}

TEST_F(UnsyncedPagesTest, SameSeedGivesTheSameImage) {
  SetUpSegment();
  CrashImageOptions opts;
  opts.seed = 7;
  opts.keep_unsynced_page_probability = 0.5;
  opts.tear_pages = true;
  const std::string a = Slurp(Image(opts) + "/seg");
  EXPECT_TRUE(SameBytes(Slurp(Image(opts) + "/seg"), a));
  opts.seed = 8;
  EXPECT_FALSE(SameBytes(Slurp(Image(opts) + "/seg"), a));
}

// ---------------------------------------------------------------------- faults

TEST_F(SimFileSystemTest, FailSyncAfterFailsExactlyThatSync) {
  auto seg = Create("seg", 4 * kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  fs_->FailSyncAfter(2, EIO);
  for (size_t p = 0; p < 4; ++p) {
    Store(*seg, p * kPage, Pattern(kPage, static_cast<int>(p)));
    const absl::Status s = fs_->SyncRegion(*seg, p * kPage, kPage);
    if (p == 2) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
    } else {
      EXPECT_TRUE(s.ok()) << "sync " << p << ": " << s;
    }
  }
  EXPECT_EQ(fs_->stats().injected_failures, 1u);
  const std::string image = Slurp(Image() + "/seg");
  EXPECT_TRUE(SameBytes(image.substr(0, 2 * kPage), Bytes(*seg, 0, 2 * kPage)));
  EXPECT_TRUE(SameBytes(image.substr(2 * kPage, kPage), std::string(kPage, '\0')));
  EXPECT_TRUE(SameBytes(image.substr(3 * kPage), Bytes(*seg, 3 * kPage, kPage)));
}

TEST_F(SimFileSystemTest, FailedFileSyncWritesLiveButKeepsOldDurable) {
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "old", SyncMode::kSync).ok());
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  fs_->FailSyncAfter(0, ENOSPC);
  EXPECT_EQ(fs_->WriteFile(Live("f"), "new", SyncMode::kSync).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Slurp(Live("f")), "new");
  EXPECT_EQ(Slurp(Image() + "/f"), "old");
}

TEST_F(SimFileSystemTest, FailedDirSyncLeavesTheNameUndurable) {
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "x", SyncMode::kSync).ok());
  fs_->FailSyncAfter(0, EIO);
  EXPECT_EQ(fs_->SyncDir(root_).code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(DefaultFileSystem()->Exists(Image() + "/f"));
}

TEST_F(SimFileSystemTest, RetriedDirSyncAfterATransientFaultPersists) {
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "x", SyncMode::kSync).ok());
  fs_->FailSyncAfter(0, EIO, SyncFaultMode::kOnce);
  EXPECT_FALSE(fs_->SyncDir(root_).ok());
  EXPECT_TRUE(fs_->SyncDir(root_).ok());
  EXPECT_EQ(Slurp(Image() + "/f"), "x");
}

TEST_F(SimFileSystemTest, LosingDataFaultOnDirSyncDropsTheQueuedNames) {
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "x", SyncMode::kSync).ok());
  fs_->FailSyncAfter(0, EIO, SyncFaultMode::kOnceLosingData);
  EXPECT_FALSE(fs_->SyncDir(root_).ok());
  EXPECT_TRUE(fs_->SyncDir(root_).ok());
  EXPECT_FALSE(DefaultFileSystem()->Exists(Image() + "/f"));
}

TEST_F(SimFileSystemTest, StickySyncFaultKeepsFailing) {
  auto seg = Create("seg", kPage);
  fs_->FailSyncAfter(0, EIO, SyncFaultMode::kSticky);
  EXPECT_FALSE(fs_->SyncDir(root_).ok());
  EXPECT_FALSE(fs_->SyncRegion(*seg, 0, 10).ok());
  EXPECT_FALSE(fs_->WriteFile(Live("f"), "x", SyncMode::kSync).ok());
  EXPECT_TRUE(fs_->WriteFile(Live("g"), "x", SyncMode::kNoSync).ok());  // not a sync
  EXPECT_EQ(fs_->stats().injected_failures, 3u);
  fs_->ClearFaults();
  EXPECT_TRUE(fs_->SyncDir(root_).ok());
}

TEST_F(SimFileSystemTest, LosingDataFaultMakesARetriedSyncALie) {
  auto seg = Create("seg", 2 * kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  Store(*seg, 0, Pattern(2 * kPage, 13));
  fs_->FailSyncAfter(0, EIO, SyncFaultMode::kOnceLosingData);
  EXPECT_FALSE(fs_->SyncRegion(*seg, 0, 2 * kPage).ok());
  EXPECT_TRUE(fs_->SyncRegion(*seg, 0, 2 * kPage).ok());  // "succeeds"
  // Page 1 is rewritten with new content, so its next sync is real.
  Store(*seg, kPage, Pattern(kPage, 14));
  EXPECT_TRUE(fs_->SyncRegion(*seg, kPage, kPage).ok());
  const std::string image = Slurp(Image() + "/seg");
  EXPECT_TRUE(SameBytes(image.substr(0, kPage), std::string(kPage, '\0')));
  EXPECT_TRUE(SameBytes(image.substr(kPage), Pattern(kPage, 14)));
}

TEST_F(SimFileSystemTest, LosingDataFaultOnZeroRangeLetsStaleBytesComeBack) {
  auto seg = Create("seg", kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  Store(*seg, 0, Pattern(kPage, 15));
  ASSERT_TRUE(fs_->SyncRegion(*seg, 0, kPage).ok());
  fs_->FailSyncAfter(0, EIO, SyncFaultMode::kOnceLosingData);
  EXPECT_FALSE(fs_->ZeroRange(*seg, 0, kPage).ok());
  EXPECT_EQ(Bytes(*seg, 0, kPage), std::string(kPage, '\0'));  // zeroed live
  EXPECT_TRUE(fs_->ZeroRange(*seg, 0, kPage).ok());
  EXPECT_TRUE(SameBytes(Slurp(Image() + "/seg"), Pattern(kPage, 15)));
}

TEST_F(SimFileSystemTest, DiskFullFailsCreateAndMapWithResourceExhausted) {
  fs_->SetDiskFull(true);
  absl::StatusOr<std::unique_ptr<MappedRegion>> r = fs_->CreateAndMap(Live("seg"), kPage);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(fs_->Exists(Live("seg")));
  absl::StatusOr<engine::DiskUsage> usage = fs_->GetDiskUsage(root_);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->free_bytes, 0u);
  fs_->SetDiskFull(false);
  EXPECT_TRUE(fs_->CreateAndMap(Live("seg"), kPage).ok());
}

TEST_F(SimFileSystemTest, DiskFullWriteFileTruncatesLikeOpenThenWrite) {
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "old", SyncMode::kSync).ok());
  fs_->SetDiskFull(true);
  EXPECT_EQ(fs_->WriteFile(Live("f"), "new", SyncMode::kSync).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Slurp(Live("f")), "");
}

TEST_F(SimFileSystemTest, FailAllocateWhenMatchesPaths) {
  fs_->FailAllocateWhen([](const std::string& path) { return path.ends_with(".big"); });
  EXPECT_EQ(fs_->CreateAndMap(Live("a.big"), kPage).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(fs_->CreateAndMap(Live("a.small"), kPage).ok());
}

// -------------------------------------------------------------- the cut itself

TEST_F(SimFileSystemTest, AfterTheCutMutationsFailAndQueriesWork) {
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "x", SyncMode::kSync).ok());
  auto seg = Create("seg", kPage);
  EXPECT_FALSE(fs_->power_cut());
  fs_->PowerCut();
  EXPECT_TRUE(fs_->power_cut());
  const auto unavailable = absl::StatusCode::kUnavailable;
  EXPECT_EQ(fs_->WriteFile(Live("g"), "y", SyncMode::kNoSync).code(), unavailable);
  EXPECT_EQ(fs_->SyncRegion(*seg, 0, 10).code(), unavailable);
  EXPECT_EQ(fs_->ZeroRange(*seg, 0, 10).code(), unavailable);
  EXPECT_EQ(fs_->SyncDir(root_).code(), unavailable);
  EXPECT_EQ(fs_->Rename(Live("f"), Live("h")).code(), unavailable);
  EXPECT_EQ(fs_->DeleteFile(Live("f")).code(), unavailable);
  EXPECT_EQ(fs_->CreateDirs(Live("d")).code(), unavailable);
  EXPECT_EQ(fs_->CreateAndMap(Live("s2"), kPage).status().code(), unavailable);
  EXPECT_EQ(fs_->LockFile(Live("lock")).status().code(), unavailable);
  EXPECT_FALSE(fs_->Exists(Live("g")));  // nothing reached the live tree
  EXPECT_TRUE(fs_->Exists(Live("f")));
  EXPECT_EQ(fs_->ReadFile(Live("f")).value_or(""), "x");
  EXPECT_EQ(fs_->ListDir(root_).value_or(std::vector<std::string>()).size(), 2u);
}

TEST_F(SimFileSystemTest, PowerCutAfterOpsCutsAtTheChosenCall) {
  fs_->PowerCutAfterOps(2);
  EXPECT_TRUE(fs_->WriteFile(Live("a"), "a", SyncMode::kSync).ok());
  EXPECT_TRUE(fs_->WriteFile(Live("b"), "b", SyncMode::kSync).ok());
  EXPECT_FALSE(fs_->power_cut());
  EXPECT_EQ(fs_->SyncDir(root_).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(fs_->power_cut());
}

TEST_F(SimFileSystemTest, MaterializeNeedsACutAndAnEmptyTargetOutsideTheRoot) {
  EXPECT_EQ(fs_->MaterializeCrashImage(tmp_.Sub("img")).code(),
            absl::StatusCode::kFailedPrecondition);
  fs_->PowerCut();
  EXPECT_EQ(fs_->MaterializeCrashImage(Live("img")).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(fs_->MaterializeCrashImage(tmp_.Sub("img")).ok());
  ASSERT_TRUE(DefaultFileSystem()->WriteFile(tmp_.Sub("img/junk"), "j", SyncMode::kNoSync).ok());
  EXPECT_EQ(fs_->MaterializeCrashImage(tmp_.Sub("img")).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SimFileSystemTest, PathsOutsideTheRootAreRejected) {
  const std::string outside = tmp_.Sub("elsewhere");
  EXPECT_EQ(fs_->WriteFile(outside, "x", SyncMode::kNoSync).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fs_->WriteFile(Live("../escape"), "x", SyncMode::kNoSync).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fs_->CreateAndMap(outside, kPage).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fs_->ReadFile(tmp_.path()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs_->Exists(tmp_.path()));
  EXPECT_FALSE(DefaultFileSystem()->Exists(outside));
  EXPECT_TRUE(fs_->WriteFile(Live("./ok"), "x", SyncMode::kNoSync).ok());
  EXPECT_TRUE(fs_->Exists(Live("ok")));
}

TEST_F(SimFileSystemTest, StatsCountSyncs) {
  auto seg = Create("seg", 4 * kPage);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  ASSERT_TRUE(fs_->SyncRegion(*seg, 100, 50).ok());       // widened to [0, 150)
  ASSERT_TRUE(fs_->SyncRegion(*seg, kPage, kPage).ok());  // [4096, 8192)
  ASSERT_TRUE(fs_->WriteFile(Live("f"), "x", SyncMode::kSync).ok());
  const SimFileSystemStats stats = fs_->stats();
  EXPECT_EQ(stats.sync_region_calls, 2u);
  EXPECT_EQ(stats.bytes_synced, 150u + kPage);
  EXPECT_EQ(stats.file_syncs, 1u);
  EXPECT_EQ(stats.dir_syncs, 1u);
  EXPECT_EQ(stats.mutating_calls, 5u);
}

// Two writers sync disjoint halves of one mapping while a third thread cuts the
// power: every sync that returned OK is in the image, nothing after it is.
TEST_F(SimFileSystemTest, ConcurrentSyncsAndPowerCut) {
  constexpr size_t kHalf = 16 * kPage;
  constexpr size_t kRecord = 64;
  constexpr int kRecords = static_cast<int>(kHalf / kRecord);
  auto seg = Create("seg", 2 * kHalf);
  ASSERT_TRUE(fs_->SyncDir(root_).ok());
  std::atomic<int> progress[2] = {0, 0};
  int synced[2] = {0, 0};
  auto record = [](int writer, int i) { return Pattern(kRecord, writer * 1000 + i + 1); };
  auto writer = [&](int w) {
    for (int i = 0; i < kRecords; ++i) {
      const size_t pos = w * kHalf + i * kRecord;
      Store(*seg, pos, record(w, i));
      const absl::Status s = fs_->SyncRegion(*seg, pos, kRecord);
      if (!s.ok()) {
        EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
        return;
      }
      synced[w] = i + 1;
      progress[w].store(i + 1, std::memory_order_release);
    }
  };
  std::thread w0(writer, 0), w1(writer, 1);
  std::thread cutter([&] {
    while (progress[0].load(std::memory_order_acquire) < kRecords / 8 ||
           progress[1].load(std::memory_order_acquire) < kRecords / 8) {
      std::this_thread::yield();
    }
    fs_->PowerCut();
  });
  w0.join();
  w1.join();
  cutter.join();

  CrashImageOptions keep_all;
  keep_all.keep_unsynced_page_probability = 1;
  const std::string strict = Slurp(Image() + "/seg");
  const std::string all = Slurp(Image(keep_all) + "/seg");
  ASSERT_EQ(strict.size(), 2 * kHalf);
  ASSERT_EQ(all.size(), 2 * kHalf);
  for (int w = 0; w < 2; ++w) {
    SCOPED_TRACE(::testing::Message() << "writer " << w << " synced " << synced[w]);
    EXPECT_GE(synced[w], kRecords / 8);
    for (int i = 0; i < kRecords; ++i) {
      const size_t pos = w * kHalf + i * kRecord;
      const std::string want = i < synced[w] ? record(w, i) : std::string(kRecord, '\0');
      ASSERT_TRUE(SameBytes(strict.substr(pos, kRecord), want)) << "record " << i;
      if (i != synced[w]) {
        ASSERT_TRUE(SameBytes(all.substr(pos, kRecord), want)) << "record " << i << " (keep all)";
        continue;
      }
      // At the cut the writer may have been storing its never-synced record.
      const std::string next = record(w, i);
      for (size_t b = 0; b < kRecord; ++b) {
        ASSERT_TRUE(all[pos + b] == '\0' || all[pos + b] == next[b]) << "byte " << b;
      }
    }
  }
}

}  // namespace
}  // namespace tern::testing
