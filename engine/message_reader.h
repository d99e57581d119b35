// message_reader.h: the store's read path — pulls by queue offset, look-ups by physical
// offset (message id), by key (index) and by store time.
//
// GetMessage follows RocketMQ's DefaultMessageStore.getMessage: status codes, the corrected
// next offset for every outcome, batch caps by bytes and count (smaller when the data is
// "on disk" rather than in page cache), tag filtering on the ConsumeQueue before touching the
// CommitLog. The messages it returns are views into the CommitLog mapping (no copy), valid
// while the result's pins are held. Every returned record is checked first (magic, lengths,
// topic, queue, queue offset, and body CRC when enabled): a record that fails is skipped and
// counted, never delivered.
//
// Thread safety: all methods are const and thread-safe; any number of readers run
// concurrently with the appender and the dispatcher.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "engine/commit_log.h"
#include "engine/consume_queue_table.h"
#include "engine/message_filter.h"
#include "engine/store_options.h"

namespace tern::engine {

class IndexService;

enum class GetMessageStatus {
  kFound,
  kNoMatchedMessage,
  kMessageWasRemoving,
  kOffsetFoundNull,
  kOffsetOverflowBadly,
  kOffsetOverflowOne,
  kOffsetTooSmall,
  kNoMatchedLogicQueue,
  kNoMessageInQueue,
};
std::string_view GetMessageStatusName(GetMessageStatus s);

struct GetMessageResult {
  GetMessageStatus status = GetMessageStatus::kNoMatchedLogicQueue;
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  bool suggest_pulling_from_slave = false;
  // The files the messages live in; hold the result (or move these out) while sending.
  absl::InlinedVector<std::shared_ptr<MappedFile>, 2> pins;
  // Whole stored records, in queue order.
  absl::InlinedVector<ByteSpan, 32> messages;
  int64_t total_bytes = 0;
};

// A message found by physical offset, pinned.
struct FoundMessage {
  CommitLogSlice slice;
  RecordView record;
};

struct QueryMessagesResult {
  std::vector<FoundMessage> messages;
  int64_t index_last_update_timestamp = 0;
  int64_t index_last_update_phy_offset = 0;
};

class MessageReader {
 public:
  // `index` may be null (index disabled). All pointers must outlive the reader.
  MessageReader(const CommitLog* log, const ConsumeQueueTable* queues, const IndexService* index,
                ReadOptions options);

  // Pulls up to `max_count` messages of (topic, queue) from `offset`. `max_bytes` <= 0 means
  // no extra cap beyond the batch caps. `filter` may be null (everything matches).
  GetMessageResult GetMessage(std::string_view topic, int32_t queue_id, int64_t offset,
                              int max_count, int64_t max_bytes, const MessageFilter* filter) const;

  // The record at a physical offset (from an offset message id), checked.
  std::optional<FoundMessage> LookupMessage(PhysicalOffset offset) const;
  // Messages whose index key is topic#key, stored in [begin, end] ms, at most max_num (<= 64).
  QueryMessagesResult QueryMessages(std::string_view topic, std::string_view key, int max_num,
                                    int64_t begin, int64_t end) const;

  int64_t MaxOffsetInQueue(std::string_view topic, int32_t queue_id) const;
  int64_t MinOffsetInQueue(std::string_view topic, int32_t queue_id) const;
  // Physical offset of the unit at `offset`, or -1.
  int64_t CommitLogOffsetInQueue(std::string_view topic, int32_t queue_id, int64_t offset) const;
  // Store time of the message at `offset`, or -1.
  int64_t MessageStoreTimestamp(std::string_view topic, int32_t queue_id, int64_t offset) const;
  int64_t EarliestMessageTime(std::string_view topic, int32_t queue_id) const;
  // RocketMQ's search by store time: the message stored exactly at `timestamp`, else the nearer
  // neighbour around it (ties to the older one; the last message when all are older, the first
  // when all are newer); 0 for an unknown or empty queue.
  int64_t OffsetInQueueByTime(std::string_view topic, int32_t queue_id, int64_t timestamp) const;
  // RocketMQ's "in memory" rule: is the message at `offset` older than the page-cache share?
  bool IsOnDisk(std::string_view topic, int32_t queue_id, int64_t offset) const;

  // Records skipped because they failed the checks (never delivered).
  int64_t corrupt_records_skipped() const { return corrupt_skipped_.load(); }

 private:
  std::optional<FoundMessage> ReadChecked(int64_t phys, int32_t size, std::string_view topic,
                                          int32_t queue_id, int64_t queue_offset) const;
  int64_t StoreTimestampOfUnit(const ConsumeQueue& cq, int64_t offset) const;
  bool BatchFull(int32_t size, int max_count, int64_t total_bytes, int count, bool on_disk) const;

  const CommitLog* const log_;
  const ConsumeQueueTable* const queues_;
  const IndexService* const index_;
  const ReadOptions options_;
  const int64_t memory_bytes_;  // physical RAM * access_message_in_memory_max_ratio
  mutable std::atomic<int64_t> corrupt_skipped_{0};
};

}  // namespace tern::engine
