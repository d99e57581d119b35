// checkpoint.h: `<storeRoot>/checkpoint`, RocketMQ's StoreCheckpoint plus Tern's own fields.
//
// One 4 KiB memory-mapped page (protocol.md 5.4):
//   +0   int64  physicMsgTimestamp   store time of the last message flushed in the CommitLog
//   +8   int64  logicsMsgTimestamp   store time of the last message dispatched and flushed
//   +16  int64  indexMsgTimestamp    end time of the last completely filled index file
//   +24  (RocketMQ 5.x fields; neither read nor written here)
//   +64  8 bytes "TERNCKP1"          Tern extension, ignored by Java brokers:
//   +72  int64  commit log flushed offset   everything below is durable
//   +80  int64  dispatched offset           ConsumeQueues and index are durable below it
//   +88  int32  CRC-32 of bytes 64..87      a torn or stale extension is detected and ignored
// The Java fields are kept accurate enough for a Java broker to recover this store; Tern's
// recovery prefers the extension (exact offsets, checksummed) and falls back to RocketMQ's
// timestamp rule without it.
//
// Thread safety: Update/Flush from one thread at a time (the store's checkpoint writer);
// accessors read what was loaded or last updated.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "engine/file_system.h"
#include "engine/mapped_file.h"

namespace tern::engine {

struct CheckpointExtension {
  int64_t commit_log_flushed_offset = 0;
  int64_t dispatched_offset = 0;
};

class StoreCheckpoint {
 public:
  static constexpr size_t kFileSize = 4096;

  // Opens `path`, creating a zeroed file if it is missing (and the access is read-write).
  static absl::StatusOr<std::unique_ptr<StoreCheckpoint>> Open(FileSystem* fs,
                                                               const std::string& path,
                                                               Access access);

  int64_t physic_msg_timestamp() const;
  int64_t logics_msg_timestamp() const;
  int64_t index_msg_timestamp() const;
  // The Tern extension, if present and its CRC matches.
  std::optional<CheckpointExtension> extension() const;
  // RocketMQ's recovery bound: min(physic, logics) (index too when `index_safe`).
  int64_t min_timestamp(bool index_safe) const;

  void Update(int64_t physic_ts, int64_t logics_ts, int64_t index_ts, CheckpointExtension ext);
  absl::Status Flush();

 private:
  explicit StoreCheckpoint(std::shared_ptr<MappedFile> file) : file_(std::move(file)) {}
  std::shared_ptr<MappedFile> file_;
};

}  // namespace tern::engine
