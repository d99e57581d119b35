#include "engine/message_reader.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "engine/consume_queue_format.h"
#include "engine/index/index_service.h"

namespace tern::engine {

std::string_view GetMessageStatusName(GetMessageStatus s) {
  switch (s) {
    case GetMessageStatus::kFound:
      return "FOUND";
    case GetMessageStatus::kNoMatchedMessage:
      return "NO_MATCHED_MESSAGE";
    case GetMessageStatus::kMessageWasRemoving:
      return "MESSAGE_WAS_REMOVING";
    case GetMessageStatus::kOffsetFoundNull:
      return "OFFSET_FOUND_NULL";
    case GetMessageStatus::kOffsetOverflowBadly:
      return "OFFSET_OVERFLOW_BADLY";
    case GetMessageStatus::kOffsetOverflowOne:
      return "OFFSET_OVERFLOW_ONE";
    case GetMessageStatus::kOffsetTooSmall:
      return "OFFSET_TOO_SMALL";
    case GetMessageStatus::kNoMatchedLogicQueue:
      return "NO_MATCHED_LOGIC_QUEUE";
    case GetMessageStatus::kNoMessageInQueue:
      return "NO_MESSAGE_IN_QUEUE";
  }
  return "UNKNOWN";
}

namespace {
int64_t PhysicalMemoryBytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : int64_t{8} << 30;
}
}  // namespace

MessageReader::MessageReader(const CommitLog* log, const ConsumeQueueTable* queues,
                             const IndexService* index, ReadOptions options)
    : log_(log),
      queues_(queues),
      index_(index),
      options_(options),
      memory_bytes_(PhysicalMemoryBytes() * options.access_message_in_memory_max_ratio / 100) {}

bool MessageReader::BatchFull(int32_t size, int max_count, int64_t total_bytes, int count,
                              bool on_disk) const {
  if (total_bytes == 0 || count == 0) return false;
  if (max_count <= count) return true;
  if (on_disk) {
    return total_bytes + size > options_.max_transfer_bytes_on_disk ||
           count > options_.max_transfer_count_on_disk - 1;
  }
  return total_bytes + size > options_.max_transfer_bytes_in_memory ||
         count > options_.max_transfer_count_in_memory - 1;
}

std::optional<FoundMessage> MessageReader::ReadChecked(int64_t phys, int32_t size,
                                                       std::string_view topic, int32_t queue_id,
                                                       int64_t queue_offset) const {
  std::optional<CommitLogSlice> slice = log_->Read(PhysicalOffset(phys), size);
  if (!slice) return std::nullopt;
  const DecodeResult r =
      DecodeRecord(slice->bytes, options_.check_crc_on_read ? CrcCheck::kVerify : CrcCheck::kSkip);
  const bool ok = r.status == DecodeStatus::kRecord && r.record.total_size() == size &&
                  r.record.physical_offset == phys &&
                  (topic.empty() || (r.record.topic == topic && r.record.queue_id == queue_id &&
                                     r.record.queue_offset == queue_offset));
  if (!ok) {
    corrupt_skipped_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("read: record at CommitLog offset {} (size {}) failed its check ({}); skipped",
                  phys, size,
                  r.status == DecodeStatus::kCorrupt ? CorruptionName(r.corruption)
                                                     : "does not match its index entry");
    return std::nullopt;
  }
  FoundMessage m;
  m.record = r.record;
  m.slice = *std::move(slice);
  return m;
}

GetMessageResult MessageReader::GetMessage(std::string_view topic, int32_t queue_id, int64_t offset,
                                           int max_count, int64_t max_bytes,
                                           const MessageFilter* filter) const {
  GetMessageResult result;
  std::shared_ptr<ConsumeQueue> cq = queues_->Find(QueueKeyView{topic, queue_id});
  if (!cq) {
    result.status = GetMessageStatus::kNoMatchedLogicQueue;
    result.next_begin_offset = 0;
    return result;
  }
  const int64_t min = cq->min_offset();
  const int64_t max = cq->max_offset();
  result.min_offset = min;
  result.max_offset = max;
  if (max == 0) {
    result.status = GetMessageStatus::kNoMessageInQueue;
    result.next_begin_offset = 0;
    return result;
  }
  if (offset < min) {
    result.status = GetMessageStatus::kOffsetTooSmall;
    result.next_begin_offset = min;
    return result;
  }
  if (offset == max) {
    result.status = GetMessageStatus::kOffsetOverflowOne;
    result.next_begin_offset = offset;
    return result;
  }
  if (offset > max) {
    result.status = GetMessageStatus::kOffsetOverflowBadly;
    result.next_begin_offset = min == 0 ? min : max;
    return result;
  }
  const int max_scan = std::max(16000 / static_cast<int>(kCqUnitSize), max_count);
  std::optional<CqUnits> units = cq->GetUnits(offset, max_scan);
  if (!units) {
    result.status = GetMessageStatus::kOffsetFoundNull;
    result.next_begin_offset = cq->RollNextFile(offset);
    return result;
  }
  result.status = GetMessageStatus::kNoMatchedMessage;
  const int64_t log_max = log_->max_offset();
  int64_t next_phy_file_start = -1;
  int64_t max_phy_pulling = 0;
  int i = 0;
  for (; i < units->count; ++i) {
    const CqUnit u = units->at(i);
    if (u.is_filler()) {
      // A queue offset with no message (rebuilt queue front, or a quarantined record).
      if (result.total_bytes == 0) result.status = GetMessageStatus::kMessageWasRemoving;
      continue;
    }
    max_phy_pulling = u.physical_offset;
    if (next_phy_file_start >= 0 && u.physical_offset < next_phy_file_start) continue;
    const bool on_disk = log_max - u.physical_offset > memory_bytes_;
    if (BatchFull(u.size, max_count, result.total_bytes, static_cast<int>(result.messages.size()),
                  on_disk)) {
      break;
    }
    if (max_bytes > 0 && result.total_bytes > 0 && result.total_bytes + u.size > max_bytes) break;
    if (filter != nullptr && !filter->MatchByTagsCode(u.tags_code)) {
      if (result.total_bytes == 0) result.status = GetMessageStatus::kNoMatchedMessage;
      continue;
    }
    std::optional<FoundMessage> m =
        ReadChecked(u.physical_offset, u.size, topic, queue_id, units->first_offset + i);
    if (!m) {
      if (result.total_bytes == 0) result.status = GetMessageStatus::kMessageWasRemoving;
      if (log_->Read(PhysicalOffset(u.physical_offset), 1) == std::nullopt) {
        next_phy_file_start = log_->NextFileStart(u.physical_offset);
      }
      continue;
    }
    if (filter != nullptr && !filter->MatchByRecord(m->record)) {
      if (result.total_bytes == 0) result.status = GetMessageStatus::kNoMatchedMessage;
      continue;
    }
    if (result.pins.empty() || result.pins.back() != m->slice.pin) {
      result.pins.push_back(std::move(m->slice.pin));
    }
    result.messages.push_back(m->slice.bytes);
    result.total_bytes += u.size;
    result.status = GetMessageStatus::kFound;
    next_phy_file_start = -1;
  }
  result.next_begin_offset = offset + i;
  result.suggest_pulling_from_slave = log_max - max_phy_pulling > memory_bytes_;
  return result;
}

std::optional<FoundMessage> MessageReader::LookupMessage(PhysicalOffset offset) const {
  std::optional<CommitLogSlice> head = log_->Read(offset, 4);
  if (!head) return std::nullopt;
  const int32_t size = LoadBEI32(head->bytes.data());
  if (size <= 0) return std::nullopt;
  return ReadChecked(offset.value(), size, /*topic=*/"", 0, 0);
}

QueryMessagesResult MessageReader::QueryMessages(std::string_view topic, std::string_view key,
                                                 int max_num, int64_t begin, int64_t end) const {
  QueryMessagesResult out;
  if (index_ == nullptr) return out;
  const IndexQueryResult q = index_->Query(topic, key, max_num, begin, end);
  out.index_last_update_timestamp = q.last_update_timestamp;
  out.index_last_update_phy_offset = q.last_update_phy_offset;
  for (int64_t phys : q.physical_offsets) {
    std::optional<FoundMessage> m = LookupMessage(PhysicalOffset(phys));
    if (m && m->record.topic == topic) out.messages.push_back(*std::move(m));
  }
  return out;
}

int64_t MessageReader::MaxOffsetInQueue(std::string_view topic, int32_t queue_id) const {
  std::shared_ptr<ConsumeQueue> cq = queues_->Find(QueueKeyView{topic, queue_id});
  return cq ? cq->max_offset() : 0;
}

int64_t MessageReader::MinOffsetInQueue(std::string_view topic, int32_t queue_id) const {
  std::shared_ptr<ConsumeQueue> cq = queues_->Find(QueueKeyView{topic, queue_id});
  return cq ? cq->min_offset() : 0;
}

int64_t MessageReader::CommitLogOffsetInQueue(std::string_view topic, int32_t queue_id,
                                              int64_t offset) const {
  std::shared_ptr<ConsumeQueue> cq = queues_->Find(QueueKeyView{topic, queue_id});
  if (!cq) return -1;
  std::optional<CqUnit> u = cq->Get(offset);
  return u && !u->is_filler() ? u->physical_offset : -1;
}

int64_t MessageReader::StoreTimestampOfUnit(const ConsumeQueue& cq, int64_t offset) const {
  std::optional<CqUnit> u = cq.Get(offset);
  if (!u || u->is_filler()) return -1;
  std::optional<CommitLogSlice> slice = log_->Read(PhysicalOffset(u->physical_offset), u->size);
  if (!slice) return -1;
  const DecodeResult r = DecodeRecord(slice->bytes, CrcCheck::kSkip);
  return r.status == DecodeStatus::kRecord ? r.record.store_timestamp : -1;
}

int64_t MessageReader::MessageStoreTimestamp(std::string_view topic, int32_t queue_id,
                                             int64_t offset) const {
  std::shared_ptr<ConsumeQueue> cq = queues_->Find(QueueKeyView{topic, queue_id});
  return cq ? StoreTimestampOfUnit(*cq, offset) : -1;
}

int64_t MessageReader::EarliestMessageTime(std::string_view topic, int32_t queue_id) const {
  std::shared_ptr<ConsumeQueue> cq = queues_->Find(QueueKeyView{topic, queue_id});
  if (!cq) return -1;
  for (int64_t k = cq->min_offset(); k < cq->max_offset(); ++k) {
    const int64_t ts = StoreTimestampOfUnit(*cq, k);
    if (ts >= 0) return ts;
  }
  return -1;
}

int64_t MessageReader::OffsetInQueueByTime(std::string_view topic, int32_t queue_id,
                                           int64_t timestamp) const {
  std::shared_ptr<ConsumeQueue> cq = queues_->Find(QueueKeyView{topic, queue_id});
  if (!cq) return 0;
  const int64_t min = cq->min_offset();
  const int64_t max = cq->max_offset();
  if (min >= max) return 0;
  // Lower bound over store time; units without a readable message (fillers, removed files)
  // count as older than anything, which keeps the search monotone.
  int64_t lo = min;
  int64_t hi = max;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (StoreTimestampOfUnit(*cq, mid) < timestamp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  // RocketMQ's choice (protocol.md 2.5): an exact match, else the only neighbour there is, else
  // the nearer of the two (ties to the left).
  if (lo == min) return lo;
  if (lo == max) return max - 1;
  const int64_t right = StoreTimestampOfUnit(*cq, lo);
  if (right == timestamp) return lo;
  const int64_t left = StoreTimestampOfUnit(*cq, lo - 1);
  return timestamp - left <= right - timestamp ? lo - 1 : lo;
}

bool MessageReader::IsOnDisk(std::string_view topic, int32_t queue_id, int64_t offset) const {
  const int64_t phys = CommitLogOffsetInQueue(topic, queue_id, offset);
  if (phys < 0) return false;
  return log_->max_offset() - phys > memory_bytes_;
}

}  // namespace tern::engine
