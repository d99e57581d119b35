#include "engine/index/index_file.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

#include "engine/base/check.h"
#include "engine/base/status.h"

namespace tern::engine {
namespace {

absl::Status CheckGeometry(int32_t hash_slot_num, int32_t index_num) {
  if (hash_slot_num < 1 || index_num < 2) {
    return absl::InvalidArgumentError(
        fmt::format("index geometry hash_slot_num={} index_num={}: need at "
                    "least 1 slot and 2 entries",
                    hash_slot_num, index_num));
  }
  return absl::OkStatus();
}

// Java: timeDiff = (storeTimestamp - beginTimestamp) / 1000 clamped to [0,
// INT_MAX], 0 when there is no beginTimestamp yet.
int32_t TimeDiffSeconds(int64_t begin_timestamp, int64_t store_timestamp) {
  if (begin_timestamp <= 0) return 0;
  const int64_t diff = (store_timestamp - begin_timestamp) / 1000;
  if (diff > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  if (diff < 0) return 0;
  return static_cast<int32_t>(diff);
}

}  // namespace

absl::StatusOr<std::shared_ptr<IndexFile>> IndexFile::Create(
    FileSystem* fs, const std::string& dir, const std::string& file_name, int32_t hash_slot_num,
    int32_t index_num, int64_t initial_phy_offset, int64_t initial_timestamp) {
  TERN_RETURN_IF_ERROR(CheckGeometry(hash_slot_num, index_num));
  TERN_ASSIGN_OR_RETURN(
      std::unique_ptr<MappedRegion> region,
      fs->CreateAndMap(JoinPath(dir, file_name), IndexFileSize(hash_slot_num, index_num)));
  IndexHeader header;
  if (initial_phy_offset > 0) {
    header.begin_phy_offset = initial_phy_offset;
    header.end_phy_offset = initial_phy_offset;
  }
  if (initial_timestamp > 0) {
    header.begin_timestamp = initial_timestamp;
    header.end_timestamp = initial_timestamp;
  }
  auto file = std::make_shared<IndexFile>(fs, std::move(region), hash_slot_num, index_num, header);
  {
    WriterLock lock(&file->mu_);
    file->WriteHeader();
  }
  TERN_RETURN_IF_ERROR(fs->SyncDir(dir));
  return file;
}

absl::StatusOr<std::shared_ptr<IndexFile>> IndexFile::Open(FileSystem* fs, const std::string& path,
                                                           int32_t hash_slot_num, int32_t index_num,
                                                           Access access) {
  TERN_RETURN_IF_ERROR(CheckGeometry(hash_slot_num, index_num));
  TERN_ASSIGN_OR_RETURN(std::unique_ptr<MappedRegion> region,
                        fs->MapExisting(path, IndexFileSize(hash_slot_num, index_num), access));
  IndexHeader header = DecodeIndexHeader(region->data());
  auto bad = [&](std::string_view what) {
    return absl::DataLossError(fmt::format("index file {}: bad header: {}", path, what));
  };
  if (header.index_count < 0 || header.index_count > index_num) {
    return bad(fmt::format("indexCount {} outside [0, {}]", header.index_count, index_num));
  }
  if (header.index_count == 0) header.index_count = 1;  // Java's IndexHeader.load
  if (header.hash_slot_count < 0 || header.hash_slot_count > hash_slot_num) {
    return bad(
        fmt::format("hashSlotCount {} outside [0, {}]", header.hash_slot_count, hash_slot_num));
  }
  if (header.begin_phy_offset < 0 || header.end_phy_offset < header.begin_phy_offset) {
    return bad(
        fmt::format("phy offsets begin {} end {}", header.begin_phy_offset, header.end_phy_offset));
  }
  auto file = std::make_shared<IndexFile>(fs, std::move(region), hash_slot_num, index_num, header);
  MutexLock lock(&file->flush_mu_);
  file->flushed_version_ = 1;  // nothing to flush until the first change
  return file;
}

IndexFile::IndexFile(FileSystem* fs, std::unique_ptr<MappedRegion> region, int32_t hash_slot_num,
                     int32_t index_num, const IndexHeader& header)
    : fs_(fs),
      region_(std::move(region)),
      hash_slot_num_(hash_slot_num),
      index_num_(index_num),
      header_(header) {
  TERN_CHECK(region_->size() == IndexFileSize(hash_slot_num, index_num));
}

std::string_view IndexFile::name() const {
  const std::string_view p = path();
  const size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

IndexHeader IndexFile::header() const {
  ReaderLock lock(&mu_);
  return header_;
}

bool IndexFile::full() const {
  ReaderLock lock(&mu_);
  return header_.index_count >= index_num_;
}

void IndexFile::WriteHeader() { EncodeIndexHeader(header_, region_->data()); }

bool IndexFile::PutHash(int32_t key_hash, int64_t phy_offset, int64_t store_timestamp) {
  TERN_CHECK(writable());
  TERN_DCHECK(key_hash >= 0);
  WriterLock lock(&mu_);
  const int32_t entry = header_.index_count;
  if (entry >= index_num_) return false;

  const int32_t slot = key_hash % hash_slot_num_;
  uint8_t* const slot_bytes = SlotAt(slot);
  int32_t prev = LoadBEI32(slot_bytes);
  if (prev <= kInvalidIndex || prev > entry) prev = kInvalidIndex;

  EncodeIndexEntry(
      {key_hash, phy_offset, TimeDiffSeconds(header_.begin_timestamp, store_timestamp), prev},
      EntryAt(entry));
  StoreBE32(slot_bytes, static_cast<uint32_t>(entry));

  if (entry <= 1) {
    header_.begin_phy_offset = phy_offset;
    header_.begin_timestamp = store_timestamp;
  }
  if (prev == kInvalidIndex) ++header_.hash_slot_count;
  header_.index_count = entry + 1;
  header_.end_phy_offset = phy_offset;
  header_.end_timestamp = store_timestamp;
  WriteHeader();
  ++version_;
  return true;
}

void IndexFile::SelectHash(int32_t key_hash, size_t max_total, int64_t begin, int64_t end,
                           std::vector<int64_t>* out) const {
  ReaderLock lock(&mu_);
  const int32_t count = header_.index_count;
  int32_t next = LoadBEI32(SlotAt(key_hash % hash_slot_num_));
  if (next <= kInvalidIndex || next >= count) return;
  while (out->size() < max_total) {
    const IndexEntry e = DecodeIndexEntry(EntryAt(next));
    if (e.time_diff < 0) break;
    const int64_t time = header_.begin_timestamp + static_cast<int64_t>(e.time_diff) * 1000;
    if (e.key_hash == key_hash && time >= begin && time <= end) out->push_back(e.phy_offset);
    if (e.prev_index <= kInvalidIndex || e.prev_index >= count || e.prev_index == next ||
        time < begin) {
      break;
    }
    next = e.prev_index;
  }
}

bool IndexFile::Contains(int32_t key_hash, int64_t phy_offset) const {
  ReaderLock lock(&mu_);
  const int32_t count = header_.index_count;
  int32_t next = LoadBEI32(SlotAt(key_hash % hash_slot_num_));
  // Links only go to older entries in a sane file; the step bound guards a
  // corrupt one.
  for (int32_t steps = 0; next > kInvalidIndex && next < count && steps < count; ++steps) {
    const IndexEntry e = DecodeIndexEntry(EntryAt(next));
    if (e.key_hash == key_hash && e.phy_offset == phy_offset) return true;
    if (e.phy_offset < phy_offset || e.prev_index >= next) break;
    next = e.prev_index;
  }
  return false;
}

absl::Status IndexFile::Flush() {
  MutexLock flush_lock(&flush_mu_);
  uint64_t version;
  {
    ReaderLock lock(&mu_);
    version = version_;
  }
  if (version == flushed_version_) return absl::OkStatus();
  TERN_RETURN_IF_ERROR(fs_->SyncRegion(*region_, 0, region_->size()));
  flushed_version_ = version;
  return absl::OkStatus();
}

absl::Status IndexFile::TruncateFrom(int64_t phy_offset) {
  TERN_CHECK(writable());
  WriterLock lock(&mu_);
  const int32_t old_count = header_.index_count;
  int32_t count = old_count;
  while (count > 1 && DecodeIndexEntry(EntryAt(count - 1)).phy_offset >= phy_offset) --count;
  if (count == old_count) return absl::OkStatus();

  // Header and slots first: if zero-filling the dropped entries fails, the file
  // is already consistent (the stale entries lie beyond indexCount, where
  // nothing reads them).
  ++version_;
  std::memset(SlotAt(0), 0, static_cast<size_t>(hash_slot_num_) * kIndexHashSlotSize);
  int32_t used_slots = 0;
  for (int32_t e = 1; e < count; ++e) {
    // Ascending entry order leaves each slot at the newest entry of its bucket.
    uint8_t* const slot = SlotAt(LoadBEI32(EntryAt(e) + kIndexEntryKeyHashPos) % hash_slot_num_);
    if (LoadBEI32(slot) == kInvalidIndex) ++used_slots;
    StoreBE32(slot, static_cast<uint32_t>(e));
  }
  header_.index_count = count;
  header_.hash_slot_count = used_slots;
  if (count > 1) {
    const IndexEntry last = DecodeIndexEntry(EntryAt(count - 1));
    header_.end_phy_offset = last.phy_offset;
    // The first message's store time is beginTimestamp itself; later ones are
    // known only to the second.
    if (last.phy_offset != header_.begin_phy_offset && header_.begin_timestamp > 0) {
      header_.end_timestamp = header_.begin_timestamp + static_cast<int64_t>(last.time_diff) * 1000;
    } else {
      header_.end_timestamp = header_.begin_timestamp;
    }
  } else {
    header_ = IndexHeader{};
  }
  WriteHeader();
  const size_t entries_pos = IndexEntryPos(hash_slot_num_, count);
  TERN_RETURN_IF_ERROR(fs_->ZeroRange(*region_, entries_pos,
                                      static_cast<size_t>(old_count - count) * kIndexEntrySize));
  return fs_->SyncRegion(*region_, 0, entries_pos);
}

absl::Status IndexFile::Validate() const {
  ReaderLock lock(&mu_);
  auto defect = [&](std::string_view where, int64_t n, std::string_view what) {
    return absl::DataLossError(fmt::format("index file {}: {} {}: {}", path(), where, n, what));
  };
  const int32_t count = header_.index_count;
  // newest[s]: the newest entry seen so far in bucket s.
  std::vector<int32_t> newest(static_cast<size_t>(hash_slot_num_), kInvalidIndex);
  int64_t last_phy = 0;
  for (int32_t n = 1; n < count; ++n) {
    const IndexEntry e = DecodeIndexEntry(EntryAt(n));
    if (e.key_hash < 0) return defect("entry", n, fmt::format("negative keyHash {}", e.key_hash));
    if (e.time_diff < 0) {
      return defect("entry", n, fmt::format("negative timeDiff {}", e.time_diff));
    }
    if (e.prev_index < 0 || e.prev_index >= n) {
      return defect("entry", n, fmt::format("prev {} is not an older entry", e.prev_index));
    }
    const int32_t slot = e.key_hash % hash_slot_num_;
    if (e.prev_index != newest[slot]) {
      return defect("entry", n,
                    fmt::format("prev {}, but the previous entry of slot {} is {}", e.prev_index,
                                slot, newest[slot]));
    }
    newest[slot] = n;
    if (n == 1 && e.phy_offset != header_.begin_phy_offset) {
      return defect("entry", n,
                    fmt::format("phy offset {} != beginPhyOffset {}", e.phy_offset,
                                header_.begin_phy_offset));
    }
    if (n > 1 && e.phy_offset < last_phy) {
      return defect(
          "entry", n,
          fmt::format("phy offset {} below the previous entry's {}", e.phy_offset, last_phy));
    }
    last_phy = e.phy_offset;
  }
  if (count > 1 && last_phy != header_.end_phy_offset) {
    return defect(
        "entry", count - 1,
        fmt::format("phy offset {} != endPhyOffset {}", last_phy, header_.end_phy_offset));
  }
  int32_t used_slots = 0;
  for (int32_t s = 0; s < hash_slot_num_; ++s) {
    const int32_t value = LoadBEI32(SlotAt(s));
    if (value != newest[s]) {
      return defect(
          "slot", s,
          fmt::format("holds {}, the newest entry of its bucket is {}", value, newest[s]));
    }
    if (value != kInvalidIndex) ++used_slots;
  }
  if (used_slots != header_.hash_slot_count) {
    return absl::DataLossError(fmt::format("index file {}: hashSlotCount {} but {} slots used",
                                           path(), header_.hash_slot_count, used_slots));
  }
  return absl::OkStatus();
}

}  // namespace tern::engine
