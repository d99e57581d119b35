// index_file.h: one RocketMQ IndexFile, a fixed-size hash index from message
// keys
// ("topic#key") to CommitLog physical offsets (format: index_file_format.h).
//
// Owns the file's mapping (a MappedRegion) and an in-memory copy of its header,
// written through to the mapping on every change so the bytes on disk always
// match RocketMQ's.
//
// Thread safety: one writer (Put, TruncateFrom) and any number of readers
// (Select, Contains, header accessors, ForEachEntry, Validate) may run
// concurrently. A SharedMutex covers both the header copy and the mapped bytes:
// writers hold it exclusively, readers shared, so readers always see whole
// entries and a consistent header. Flush may run on any thread.
//
// Lifetime: shared_ptr. The IndexService pins files with shared_ptr; a file
// deleted from disk stays mapped until its last holder lets go. The FileSystem
// must outlive the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"
#include "engine/index/index_file_format.h"

namespace tern::engine {

class IndexFile {
 public:
  // Creates `dir`/`file_name` (which must not exist), zero-filled and sized for
  // the given geometry, and writes its header. As Java's IndexFile constructor:
  // when `initial_phy_offset` > 0 both begin and end phy offsets start at it,
  // and when `initial_timestamp` > 0 both timestamps do (the service passes the
  // end fields of the full file this one follows). The first Put overwrites the
  // begin fields. InvalidArgument if hash_slot_num < 1 or index_num < 2.
  static absl::StatusOr<std::shared_ptr<IndexFile>> Create(FileSystem* fs, const std::string& dir,
                                                           const std::string& file_name,
                                                           int32_t hash_slot_num, int32_t index_num,
                                                           int64_t initial_phy_offset,
                                                           int64_t initial_timestamp);
  // Maps an existing file. DataLoss naming the file if its size does not match
  // the geometry or its header is not sane: indexCount outside [0, index_num]
  // (0, what Java leaves in a never-flushed empty file, reads as 1),
  // hashSlotCount outside [0, hash_slot_num], negative phy offsets or
  // beginPhyOffset > endPhyOffset. Entries are not checked (see Validate).
  static absl::StatusOr<std::shared_ptr<IndexFile>> Open(FileSystem* fs, const std::string& path,
                                                         int32_t hash_slot_num, int32_t index_num,
                                                         Access access);

  IndexFile(FileSystem* fs, std::unique_ptr<MappedRegion> region, int32_t hash_slot_num,
            int32_t index_num, const IndexHeader& header);
  IndexFile(const IndexFile&) = delete;
  IndexFile& operator=(const IndexFile&) = delete;

  const std::string& path() const { return region_->path(); }
  // The file name without its directory ("yyyyMMddHHmmssSSS").
  std::string_view name() const;
  int32_t hash_slot_num() const { return hash_slot_num_; }
  int32_t index_num() const { return index_num_; }
  bool writable() const { return region_->access() == Access::kReadWrite; }

  // A consistent snapshot of the header.
  IndexHeader header() const;
  int64_t begin_timestamp() const { return header().begin_timestamp; }
  int64_t end_timestamp() const { return header().end_timestamp; }
  int64_t begin_phy_offset() const { return header().begin_phy_offset; }
  int64_t end_phy_offset() const { return header().end_phy_offset; }
  // Number of entries held (indexCount - 1).
  int32_t entry_count() const { return header().index_count - 1; }
  // IndexFile.isWriteFull: indexCount >= indexNum.
  bool full() const;

  // Indexes `key` (already "topic#key") for the message at `phy_offset` stored
  // at `store_timestamp`, exactly as Java's IndexFile.putKey. False when the
  // file is full. Allocates nothing. The file must be writable.
  bool Put(std::string_view key, int64_t phy_offset, int64_t store_timestamp) {
    return PutHash(IndexKeyHash(key), phy_offset, store_timestamp);
  }
  // Put with the key's IndexKeyHash already computed.
  bool PutHash(int32_t key_hash, int64_t phy_offset, int64_t store_timestamp);

  // IndexFile.selectPhyOffset: walks the chain of `key`'s slot, newest first,
  // appending to `out` the phy offset of each entry whose keyHash matches and
  // whose time (beginTimestamp + timeDiff*1000) lies in [begin, end]. Stops
  // once `out` holds `max_total` offsets (counting what it held on entry), at
  // the end of the chain, at a link that is invalid (<= 0, >= indexCount, or to
  // itself) or at an entry older than `begin`. (Java accepts a link equal to
  // indexCount, an unwritten entry; only a corrupt file has one.)
  void Select(std::string_view key, size_t max_total, int64_t begin, int64_t end,
              std::vector<int64_t>* out) const {
    SelectHash(IndexKeyHash(key), max_total, begin, end, out);
  }
  void SelectHash(int32_t key_hash, size_t max_total, int64_t begin, int64_t end,
                  std::vector<int64_t>* out) const;

  // True if an entry with this keyHash and phy offset is on the slot's chain.
  // Used to keep re-dispatch of the last indexed message idempotent.
  bool Contains(int32_t key_hash, int64_t phy_offset) const;

  // Makes every change so far durable (msync of the whole mapping; the kernel
  // writes only dirty pages). A no-op when nothing changed since the last
  // successful Flush.
  absl::Status Flush();

  // Recovery: drops every entry with phy offset >= `phy_offset`. Entries are
  // appended in CommitLog order, so they form a suffix; it is zero-filled, the
  // slots and hashSlotCount are rebuilt from the remaining entries (their prev
  // links stay valid: they point only to older entries) and the end fields are
  // reset from the last remaining entry. Its timestamp is not stored, so
  // endTimestamp becomes beginTimestamp + timeDiff*1000, which loses the
  // milliseconds (and is exact only when the last entry belongs to the first
  // message). If no entry remains, the header returns to a fresh file's (all
  // fields 0, indexCount 1); callers normally delete such a file instead. The
  // file is synced before returning.
  absl::Status TruncateFrom(int64_t phy_offset);

  // Calls f(entry_number, entry) for entries 1 .. indexCount-1 in order, under
  // the file's shared lock (f must not call the file's writers).
  template <typename F>
  void ForEachEntry(F&& f) const {
    ReaderLock lock(&mu_);
    for (int32_t e = 1; e < header_.index_count; ++e) f(e, DecodeIndexEntry(EntryAt(e)));
  }

  // Checks the structure: every entry's prev link is the previous entry of its
  // slot (so it is older and in the same bucket), keyHash and timeDiff are
  // non-negative, phy offsets never decrease, entry 1 is at beginPhyOffset and
  // the last at endPhyOffset, every slot holds the newest entry of its bucket
  // and hashSlotCount counts the used slots. DataLoss naming the file and the
  // first defective entry (or slot).
  absl::Status Validate() const;

 private:
  uint8_t* SlotAt(int32_t slot) const { return region_->data() + IndexSlotPos(slot); }
  uint8_t* EntryAt(int32_t entry) const {
    return region_->data() + IndexEntryPos(hash_slot_num_, entry);
  }
  void WriteHeader() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  FileSystem* const fs_;
  const std::unique_ptr<MappedRegion> region_;
  const int32_t hash_slot_num_;
  const int32_t index_num_;

  // Guards header_, version_ and the mapped bytes.
  mutable SharedMutex mu_;
  IndexHeader header_ ABSL_GUARDED_BY(mu_);
  // Bumped by every change; Flush compares it with the version it last made
  // durable.
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 1;

  Mutex flush_mu_;
  uint64_t flushed_version_ ABSL_GUARDED_BY(flush_mu_) = 0;
};

}  // namespace tern::engine
