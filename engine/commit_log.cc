#include "engine/commit_log.h"

#include <fmt/format.h>

#include <cstring>

#include "engine/base/check.h"
#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "engine/commit_log_format.h"

namespace tern::engine {

CommitLog::CommitLog(FileSystem* fs, std::string dir, CommitLogOptions options,
                     FileAllocator* allocator)
    : fs_(fs),
      options_(options),
      allocator_(allocator),
      files_(fs, std::move(dir), options.file_size) {
  if (allocator_ != nullptr) {
    files_.set_file_factory([this](const std::string& d, int64_t from, size_t size) {
      return allocator_->Take(d, from, size);
    });
  }
}

absl::Status CommitLog::Load(Access access) {
  if (absl::Status s = files_.Load(access); !s.ok()) return s;
  const int64_t end = files_.max_offset();
  max_offset_.store(end, std::memory_order_release);
  flushed_offset_.store(end, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status CommitLog::SetEnd(int64_t offset) {
  MutexLock lock(&append_mu_);
  if (absl::Status s = files_.TruncateTo(offset); !s.ok()) return s;
  tail_ = files_.LastFile();
  if (!tail_) empty_start_ = offset - offset % static_cast<int64_t>(options_.file_size);
  max_offset_.store(offset, std::memory_order_release);
  flushed_offset_.store(offset, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status CommitLog::CheckWritable() const {
  if (read_only_.load(std::memory_order_acquire)) {
    MutexLock lock(&status_mu_);
    return absl::FailedPreconditionError(
        fmt::format("store is read-only after a flush error: {}", MessageOf(flush_error_)));
  }
  if (writes_refused_.load(std::memory_order_acquire)) {
    MutexLock lock(&status_mu_);
    return absl::ResourceExhaustedError(refuse_reason_);
  }
  return absl::OkStatus();
}

void CommitLog::SetWritesRefused(bool refused, std::string reason) {
  MutexLock lock(&status_mu_);
  refuse_reason_ = std::move(reason);
  writes_refused_.store(refused, std::memory_order_release);
}

absl::StatusOr<AppendResult> CommitLog::Append(MutableByteSpan record, QueueKeyView queue) {
  if (record.size() < format::kFixedSizeIpv4) {
    return absl::InvalidArgumentError("record shorter than the fixed header");
  }
  const size_t body = EncodedBodyLength(record.data());
  if (body > options_.max_message_size) {
    return absl::InvalidArgumentError(fmt::format(
        "message body of {} bytes exceeds maxMessageSize {}", body, options_.max_message_size));
  }
  const int32_t tx = format::TransactionType(LoadBEI32(record.data() + format::kSysFlagPos));
  const bool advance =
      tx != format::kTransactionPreparedType && tx != format::kTransactionRollbackType;
  MutexLock lock(&append_mu_);
  return AppendLocked(record, 1, queue, advance);
}

absl::StatusOr<AppendResult> CommitLog::AppendBatch(MutableByteSpan records, int32_t count,
                                                    QueueKeyView queue) {
  if (count <= 0) return absl::InvalidArgumentError("empty batch");
  // Validate the chain of records before taking the lock.
  size_t pos = 0;
  for (int32_t i = 0; i < count; ++i) {
    if (records.size() - pos < format::kFixedSizeIpv4) {
      return absl::InvalidArgumentError("batch shorter than its records");
    }
    const uint32_t size = LoadBE32(records.data() + pos);
    if (size < format::kFixedSizeIpv4 || size > records.size() - pos) {
      return absl::InvalidArgumentError("batch record size out of range");
    }
    const size_t body = EncodedBodyLength(records.data() + pos);
    if (body > options_.max_message_size) {
      return absl::InvalidArgumentError(fmt::format(
          "message body of {} bytes exceeds maxMessageSize {}", body, options_.max_message_size));
    }
    pos += size;
  }
  if (pos != records.size()) return absl::InvalidArgumentError("batch has trailing bytes");
  MutexLock lock(&append_mu_);
  return AppendLocked(records, count, queue, /*advance_queue=*/true);
}

absl::StatusOr<std::shared_ptr<MappedFile>> CommitLog::RollLocked(int64_t from_offset) {
  absl::StatusOr<std::shared_ptr<MappedFile>> file = files_.AppendFile(from_offset);
  if (!file.ok()) {
    if (absl::IsResourceExhausted(file.status())) {
      return absl::ResourceExhaustedError(
          fmt::format("disk full: cannot create CommitLog file: {}", MessageOf(file.status())));
    }
    return absl::InternalError(
        fmt::format("create CommitLog file failed: {}", MessageOf(file.status())));
  }
  if (allocator_ != nullptr) {
    allocator_->Request(files_.dir(), (*file)->end_offset(), options_.file_size);
  }
  return file;
}

absl::StatusOr<AppendResult> CommitLog::AppendLocked(MutableByteSpan bytes, int32_t count,
                                                     QueueKeyView queue, bool advance_queue) {
  if (absl::Status s = CheckWritable(); !s.ok()) return s;
  const size_t len = bytes.size();
  if (len + format::kEndOfFileReserve > options_.file_size) {
    return absl::InvalidArgumentError(fmt::format(
        "record of {} bytes does not fit a CommitLog file of {} bytes", len, options_.file_size));
  }
  if (!tail_) {
    tail_ = files_.LastFile();
    if (!tail_) {
      absl::StatusOr<std::shared_ptr<MappedFile>> first = RollLocked(empty_start_);
      if (!first.ok()) return first.status();
      tail_ = *std::move(first);
    } else if (allocator_ != nullptr) {
      allocator_->Request(files_.dir(), tail_->end_offset(), options_.file_size);
    }
  }
  size_t wp = tail_->write_position();
  if (wp + len + format::kEndOfFileReserve > tail_->size()) {
    const size_t remaining = tail_->size() - wp;
    if (remaining >= format::kBlankHeaderSize) {
      EncodeBlank(tail_->data() + wp, static_cast<int32_t>(remaining));
    }
    tail_->set_write_position(tail_->size());
    absl::StatusOr<std::shared_ptr<MappedFile>> next = RollLocked(tail_->end_offset());
    if (!next.ok()) {
      // The BLANK stays: the old file is full either way, and the next attempt rolls again.
      max_offset_.store(tail_->end_offset(), std::memory_order_release);
      return next.status();
    }
    tail_ = *std::move(next);
    wp = 0;
  }

  const int64_t phys = tail_->from_offset() + static_cast<int64_t>(wp);
  int64_t now = NowMillis();
  if (now < last_store_timestamp_) now = last_store_timestamp_;
  last_store_timestamp_ = now;

  int64_t* next_queue_offset = nullptr;
  int64_t first_queue_offset = 0;
  if (advance_queue) {
    auto it = queue_offsets_.find(queue);
    if (it == queue_offsets_.end()) it = queue_offsets_.emplace(QueueKey(queue), 0).first;
    next_queue_offset = &it->second;
    first_queue_offset = *next_queue_offset;
  }
  uint8_t* src = bytes.data();
  size_t pos = 0;
  for (int32_t i = 0; i < count; ++i) {
    const uint32_t size = LoadBE32(src + pos);
    PatchAppendFields(src + pos, QueueOffset(first_queue_offset + i),
                      PhysicalOffset(phys + static_cast<int64_t>(pos)), now);
    pos += size;
  }
  std::memcpy(tail_->data() + wp, src, len);
  tail_->set_write_position(wp + len);
  if (next_queue_offset != nullptr) *next_queue_offset += count;
  max_offset_.store(phys + static_cast<int64_t>(len), std::memory_order_release);
  append_notifier_.Notify();

  AppendResult r;
  r.physical_offset = PhysicalOffset(phys);
  r.bytes = static_cast<int32_t>(len);
  r.queue_offset = QueueOffset(first_queue_offset);
  r.message_count = count;
  r.store_timestamp = now;
  return r;
}

std::optional<CommitLogSlice> CommitLog::Read(PhysicalOffset offset, int32_t size) const {
  if (size <= 0) return std::nullopt;
  std::shared_ptr<MappedFile> file = files_.FindFile(offset.value());
  if (!file) return std::nullopt;
  const auto pos = static_cast<size_t>(offset.value() - file->from_offset());
  if (pos + static_cast<size_t>(size) > file->write_position()) return std::nullopt;
  CommitLogSlice slice;
  slice.bytes = ByteSpan(file->data() + pos, static_cast<size_t>(size));
  slice.pin = std::move(file);
  return slice;
}

std::optional<CommitLogSlice> CommitLog::ReadToFileEnd(PhysicalOffset offset) const {
  std::shared_ptr<MappedFile> file = files_.FindFile(offset.value());
  if (!file) return std::nullopt;
  const auto pos = static_cast<size_t>(offset.value() - file->from_offset());
  CommitLogSlice slice;
  slice.bytes = file->ReadableFrom(pos);
  slice.pin = std::move(file);
  return slice;
}

int64_t CommitLog::NextFileStart(int64_t offset) const {
  const auto size = static_cast<int64_t>(options_.file_size);
  return (offset / size + 1) * size;
}

absl::Status CommitLog::Flush() {
  MutexLock flush_lock(&flush_mu_);
  if (read_only_.load(std::memory_order_acquire)) {
    MutexLock lock(&status_mu_);
    return flush_error_;
  }
  int64_t flushed = flushed_offset_.load(std::memory_order_acquire);
  std::shared_ptr<MappedFile> file = files_.FindFile(flushed);
  while (file) {
    if (absl::Status s = file->Flush(); !s.ok()) {
      absl::Status err = absl::DataLossError(fmt::format("flush failed: {}", MessageOf(s)));
      {
        MutexLock lock(&status_mu_);
        flush_error_ = err;
      }
      read_only_.store(true, std::memory_order_release);
      return err;
    }
    flushed = file->from_offset() + static_cast<int64_t>(file->flushed_position());
    if (file->flushed_position() < file->size()) break;
    file = files_.NextFile(*file);
  }
  flushed_offset_.store(flushed, std::memory_order_release);
  return absl::OkStatus();
}

void CommitLog::SetNextQueueOffset(QueueKeyView queue, int64_t next) {
  MutexLock lock(&append_mu_);
  auto it = queue_offsets_.find(queue);
  if (it == queue_offsets_.end()) {
    queue_offsets_.emplace(QueueKey(queue), next);
  } else {
    it->second = next;
  }
}

int64_t CommitLog::NextQueueOffset(QueueKeyView queue) const {
  MutexLock lock(&append_mu_);
  auto it = queue_offsets_.find(queue);
  return it == queue_offsets_.end() ? 0 : it->second;
}

void CommitLog::RemoveQueueOffsets(std::string_view topic) {
  MutexLock lock(&append_mu_);
  absl::erase_if(queue_offsets_, [&](const auto& kv) { return kv.first.topic == topic; });
}

}  // namespace tern::engine
