// log_scanner.h: a streaming, read-only walk over a store's CommitLog files that yields every
// record, BLANK filler and damaged range in file order, and where valid data ends.
//
// One file is mapped at a time (read-only, MAP_SHARED), so memory stays bounded whatever the
// store's size, and a live broker's store can be read (the tools never lock it). Each step is
// StepSegment (segment_step.h); across files the scanner decides what a zero or garbage tail
// means:
//   - valid records follow in a later file: the tail is mid-log damage (a zero tail without a
//     BLANK filler, or garbage), reported as kCorrupt up to the file's end;
//   - nothing valid follows: the log ends where the last valid record (or BLANK) ended; any
//     non-zero bytes after it are a torn tail (kTornTail), one range per file.
// A damaged range never spans files: damage crossing a file boundary is reported per file.
//
// Follow mode (dump --follow) never reports a torn tail: at the end of valid data Next()
// returns kEnd and stays put, and a later call (after Refresh() picked up new files) continues
// from there as the broker appends.
//
// Not thread-safe; one scanner per thread. Views in a returned item borrow the scanner's
// current mapping and are valid until the next call to Next(). The FileSystem must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/commit_log_codec.h"
#include "engine/file_system.h"
#include "engine/inspect/store_layout.h"
#include "engine/mapped_file.h"

namespace tern::inspect {

enum class DamageKind {
  kCorrupt,    // invalid bytes with valid records after them (mid-log)
  kTornTail,   // non-zero bytes after the end of valid data
  kMisplaced,  // a valid record whose PHYSICALOFFSET does not match where it lies
};
std::string_view DamageKindName(DamageKind k);

struct LogDamage {
  DamageKind kind = DamageKind::kCorrupt;
  int64_t begin = 0;  // absolute CommitLog offsets [begin, end)
  int64_t end = 0;
  std::string file;          // path of the file holding the range
  int64_t file_start = 0;    // that file's start offset
  int64_t record_index = 0;  // valid records walked before the range
  std::string reason;
  bool reaches_file_end = false;       // end is the end of the file
  int64_t store_timestamp_before = 0;  // store time of the last valid record before it
};

enum class ScanStatus { kRecord, kBlank, kDamage, kEnd };

struct ScanItem {
  ScanStatus status = ScanStatus::kEnd;
  int64_t offset = 0;               // kRecord, kBlank: where it starts; kEnd: end of valid data
  engine::RecordView record;        // kRecord
  int64_t record_index = 0;         // kRecord: ordinal from the scan start
  int64_t blank_size = 0;           // kBlank
  LogDamage damage;                 // kDamage
  const FileEntry* file = nullptr;  // kRecord, kBlank, kDamage
};

struct ScanOptions {
  // Absolute offset to start at; it must be a record boundary (or the start of a file).
  // -1: the first file's start.
  int64_t start_offset = -1;
  engine::CrcCheck crc = engine::CrcCheck::kVerify;
  bool follow = false;
};

class LogScanner {
 public:
  LogScanner(engine::FileSystem* fs, std::vector<FileEntry> files, uint64_t file_size,
             ScanOptions options);
  LogScanner(const LogScanner&) = delete;
  LogScanner& operator=(const LogScanner&) = delete;

  // The next item. Errors only for I/O failures (a file that cannot be mapped).
  absl::StatusOr<ScanItem> Next();

  // Follow mode: replaces the file list (new files appended by a live broker).
  void Refresh(std::vector<FileEntry> files);

  // Bytes of the files walked so far, and in total (for progress).
  int64_t bytes_done() const;
  int64_t bytes_total() const;
  // End of the last valid record or BLANK seen (the scan start before any).
  int64_t valid_end() const { return valid_end_; }

 private:
  absl::Status MapCurrent();
  // What lies in file j, which is after the one being walked (looked at once, then cached).
  absl::Status Survey(size_t j);
  // True if a file after `index` holds a valid record.
  absl::StatusOr<bool> ValidDataAfter(size_t index);
  // Emits torn-tail ranges for the non-zero bytes of files after `index`.
  absl::Status QueueLaterGarbage(size_t index);
  size_t Extent() const;

  engine::FileSystem* const fs_;
  std::vector<FileEntry> files_;
  const uint64_t file_size_;
  const ScanOptions options_;
  size_t index_ = 0;  // current file
  size_t pos_ = 0;    // position in it
  std::shared_ptr<engine::MappedFile> map_;
  int64_t records_ = 0;
  int64_t valid_end_ = 0;
  int64_t last_store_timestamp_ = 0;
  bool ended_ = false;
  struct Later {
    bool surveyed = false;
    bool has_valid = false;  // holds a valid record
    size_t nonzero_end = 0;  // one past its last non-zero byte (0: all zero)
  };
  std::vector<Later> later_;        // per file
  std::vector<LogDamage> pending_;  // torn-tail ranges of later files, emitted before kEnd
};

// A CommitLog file mapped read-only, any size (the layout decides what size it should be).
absl::StatusOr<std::shared_ptr<engine::MappedFile>> MapReadOnly(engine::FileSystem* fs,
                                                                const FileEntry& file);

}  // namespace tern::inspect
