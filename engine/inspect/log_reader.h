// log_reader.h: random access to CommitLog records by absolute offset, for the checks and
// lookups that follow pointers into the log (ConsumeQueue units, index entries, message ids).
//
// Keeps the few most recently used files mapped read-only (pointers into the log are mostly
// ascending, so a handful of mappings serve long runs). Not thread-safe. A returned record
// borrows the mapping held by its `pin`. The FileSystem and the file list must outlive the
// reader.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/commit_log_codec.h"
#include "engine/file_system.h"
#include "engine/inspect/store_layout.h"
#include "engine/mapped_file.h"

namespace tern::inspect {

struct RecordAt {
  std::shared_ptr<engine::MappedFile> pin;  // null when no file holds the offset
  engine::DecodeResult result;
  // A record decoded at the offset and its PHYSICALOFFSET names that offset.
  bool valid() const { return result.status == engine::DecodeStatus::kRecord && pin != nullptr; }
};

class LogReader {
 public:
  LogReader(engine::FileSystem* fs, const std::vector<FileEntry>* files, uint64_t file_size);
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Decodes the record starting at `offset`. valid() is false when no file holds the offset,
  // when decoding fails, or when the record claims another physical offset.
  absl::StatusOr<RecordAt> ReadAt(int64_t offset, engine::CrcCheck crc);

 private:
  struct Slot {
    size_t index = 0;
    std::shared_ptr<engine::MappedFile> map;
    uint64_t used = 0;
  };
  engine::FileSystem* const fs_;
  const std::vector<FileEntry>* const files_;
  const uint64_t file_size_;
  std::vector<Slot> slots_;
  uint64_t tick_ = 0;
};

}  // namespace tern::inspect
