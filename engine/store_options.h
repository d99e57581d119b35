// store_options.h: every knob of the storage engine, with its unit and default (RocketMQ's
// MessageStoreConfig names in comments). Passed by value to MessageStore::Open; components
// get the sub-struct they need and never look configuration up themselves.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/commit_log.h"
#include "engine/delay_levels.h"
#include "engine/file_system.h"
#include "engine/flusher.h"

namespace tern::engine {

struct RetentionOptions {
  // Hours a CommitLog file is kept after its last write (fileReservedTime).
  int file_reserved_hours = 72;
  // Hour of day (local, 0-23) when expired files are deleted (deleteWhen "04").
  int delete_when_hour = 4;
  // Disk use (fraction of the store's file system) above which expired files are deleted at
  // any hour (diskMaxUsedSpaceRatio 75).
  double clean_ratio = 0.75;
  // Above this, the oldest files are deleted even if not expired (diskSpaceCleanForciblyRatio).
  double force_clean_ratio = 0.85;
  // Above this, appends are refused (diskSpaceWarningLevelRatio 90): the server answers
  // SERVICE_NOT_AVAILABLE; writes resume on their own when space returns.
  double refuse_writes_ratio = 0.90;
  // How often the cleaner looks (cleanResourceInterval).
  std::chrono::milliseconds check_interval{10000};
  // Files deleted per pass at most (deleteCommitLogFilesInterval batches).
  int max_files_per_pass = 10;
};

struct ReadOptions {
  // Pull batch caps when the data is in page cache (maxTransfer*OnMessageInMemory).
  int64_t max_transfer_bytes_in_memory = 256 * 1024;
  int max_transfer_count_in_memory = 32;
  // ... and when it is considered on disk (maxTransfer*OnMessageInDisk).
  int64_t max_transfer_bytes_on_disk = 64 * 1024;
  int max_transfer_count_on_disk = 8;
  // Percentage of physical memory under which data counts as "in memory"
  // (accessMessageInMemoryMaxRatio).
  int access_message_in_memory_max_ratio = 40;
  // Verify each record's body CRC before handing it to a consumer.
  bool check_crc_on_read = true;
};

struct StoreOptions {
  // Root of the store (storePathRootDir); the CommitLog may live elsewhere.
  std::string root_dir = "./data/store";
  // storePathCommitLog; empty = <root_dir>/commitlog.
  std::string commit_log_dir;
  CommitLogOptions commit_log;
  FlushOptions flush;
  // Units per ConsumeQueue file (mappedFileSizeConsumeQueue / 20).
  size_t consume_queue_units_per_file = 300000;
  // Key index (messageIndexEnable, maxHashSlotNum, maxIndexNum).
  bool index_enable = true;
  int32_t index_hash_slot_num = 5000000;
  int32_t index_num = 20000000;
  // Create and pre-fault the next CommitLog file in the background.
  bool preallocate_commit_log = true;
  // ConsumeQueue/index flush and checkpoint period (flushIntervalConsumeQueue).
  std::chrono::milliseconds consume_queue_flush_interval{1000};
  // messageDelayLevel.
  std::string delay_levels = std::string(kDefaultDelayLevels);
  RetentionOptions retention;
  ReadOptions read;

  std::string CommitLogDir() const {
    return commit_log_dir.empty() ? JoinPath(root_dir, "commitlog") : commit_log_dir;
  }
};

}  // namespace tern::engine
