#include "engine/dispatcher.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "engine/commit_log_format.h"
#include "engine/consume_queue_format.h"
#include "engine/properties.h"

namespace tern::engine {

DispatchRecord MakeDispatchRecord(const RecordView& r, const DelayLevels& levels) {
  DispatchRecord d;
  d.topic = r.topic;
  d.queue_id = r.queue_id;
  d.queue_offset = r.queue_offset;
  d.physical_offset = r.physical_offset;
  d.size = r.total_size();
  d.store_timestamp = r.store_timestamp;
  d.sys_flag = r.sys_flag;
  d.prepared_transaction_offset = r.prepared_transaction_offset;
  d.properties = r.properties;
  std::string_view tags;
  std::string_view delay;
  ForEachProperty(r.properties, [&](std::string_view name, std::string_view value) {
    if (name == property::kTags) {
      tags = value;
    } else if (name == property::kKeys) {
      d.keys = value;
    } else if (name == property::kUniqueClientMessageIdKey) {
      d.uniq_key = value;
    } else if (name == property::kDelayLevel) {
      delay = value;
    }
  });
  if (r.topic == kScheduleTopic) {
    int level = 0;
    std::from_chars(delay.data(), delay.data() + delay.size(), level);
    if (level > levels.max_level()) level = levels.max_level();
    d.tags_code = levels.DeliverTimestamp(level, r.store_timestamp);
  } else {
    d.tags_code = TagsCodeOf(tags);
  }
  return d;
}

Dispatcher::Dispatcher(CommitLog* log, ConsumeQueueTable* queues, const DelayLevels* levels,
                       std::function<int64_t()> visible_end, Notifier* wake)
    : log_(log),
      queues_(queues),
      levels_(levels),
      visible_end_(std::move(visible_end)),
      wake_(wake) {}

Dispatcher::~Dispatcher() { Stop(); }

absl::Status Dispatcher::DispatchUntil(int64_t limit) {
  int64_t offset = dispatched_offset();
  size_t q = 0;
  while (offset < limit) {
    while (q < quarantine_.size() && quarantine_[q].second <= offset) ++q;
    if (q < quarantine_.size() && quarantine_[q].first <= offset) {
      offset = quarantine_[q].second;
      set_offset(offset);
      continue;
    }
    std::optional<CommitLogSlice> slice = log_->ReadToFileEnd(PhysicalOffset(offset));
    if (!slice) break;  // no file holds `offset` yet
    if (slice->bytes.empty()) {
      if (slice->pin->full()) {
        offset = slice->pin->end_offset();
        set_offset(offset);
        continue;
      }
      break;
    }
    int64_t stop_at = limit;
    if (q < quarantine_.size()) stop_at = std::min(stop_at, quarantine_[q].first);
    ByteSpan bytes = slice->bytes;
    if (static_cast<int64_t>(bytes.size()) > stop_at - offset) {
      bytes = bytes.first(static_cast<size_t>(stop_at - offset));
    }
    size_t pos = 0;
    bool next_file = false;
    while (pos < bytes.size()) {
      const DecodeResult r = DecodeRecord(bytes.subspan(pos), CrcCheck::kSkip);
      if (r.status == DecodeStatus::kBlank) {
        next_file = true;
        break;
      }
      if (r.status == DecodeStatus::kCorrupt) {
        set_offset(offset + static_cast<int64_t>(pos));
        absl::Status err = absl::DataLossError(
            fmt::format("dispatch stopped at CommitLog offset {}: {}",
                        offset + static_cast<int64_t>(pos), CorruptionName(r.corruption)));
        MutexLock lock(&error_mu_);
        last_error_ = err;
        return err;
      }
      if (absl::Status s = DispatchOne(r.record); !s.ok()) {
        // The ConsumeQueue could not take the unit (e.g. the disk is full): stay on this
        // record and retry later; re-dispatching it is idempotent.
        set_offset(offset + static_cast<int64_t>(pos));
        MutexLock lock(&error_mu_);
        last_error_ = s;
        return s;
      }
      pos += r.record.raw.size();
      set_offset(offset + static_cast<int64_t>(pos));
    }
    offset += static_cast<int64_t>(pos);
    if (pos > 0) {
      MutexLock lock(&error_mu_);
      last_error_ = absl::OkStatus();
    }
    if (next_file) {
      offset = log_->NextFileStart(offset);
      set_offset(offset);
    }
  }
  return absl::OkStatus();
}

absl::Status Dispatcher::DispatchOne(const RecordView& r) {
  const DispatchRecord d = MakeDispatchRecord(r, *levels_);
  const int32_t tx = format::TransactionType(d.sys_flag);
  if (tx == format::kTransactionNotType || tx == format::kTransactionCommitType) {
    const uint64_t epoch = queues_->epoch();
    if (!last_queue_ || last_queue_epoch_ != epoch || last_queue_->queue_id() != d.queue_id ||
        last_queue_->topic() != d.topic) {
      absl::StatusOr<std::shared_ptr<ConsumeQueue>> found =
          queues_->FindOrCreate(QueueKeyView{d.topic, d.queue_id});
      if (!found.ok()) {
        last_queue_.reset();
        spdlog::error("dispatch: record at {} not indexed: {}", d.physical_offset,
                      MessageOf(found.status()));
      } else {
        last_queue_ = *std::move(found);
        last_queue_epoch_ = epoch;
      }
    }
    if (!last_queue_) {
      // Logged above; the record stays in the CommitLog but no queue can hold it.
    } else if (absl::Status s =
                   last_queue_->Put(d.physical_offset, d.size, d.tags_code, d.queue_offset);
               !s.ok()) {
      return absl::Status(
          s.code(), fmt::format("consume queue {}-{}: {}", d.topic, d.queue_id, MessageOf(s)));
    }
  }
  for (const Sink& sink : sinks_) sink(d);
  last_store_timestamp_.store(d.store_timestamp, std::memory_order_release);
  return absl::OkStatus();
}

void Dispatcher::Start() {
  stop_.store(false);
  thread_ = std::thread([this] { Run(); });
}

void Dispatcher::Stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  wake_->Notify();
  thread_.join();
  (void)DispatchUntil(visible_end_());
}

void Dispatcher::Run() {
  SetThreadName("tern-dispatch");
  while (!stop_.load()) {
    const int64_t limit = visible_end_();
    if (dispatched_offset() < limit) {
      if (absl::Status s = DispatchUntil(limit); !s.ok()) {
        spdlog::error("dispatch stalled: {} (retrying)", MessageOf(s));
        wake_->WaitFor([this] { return stop_.load(); }, std::chrono::seconds(1));
      }
      continue;
    }
    wake_->WaitFor([this] { return stop_.load() || visible_end_() > dispatched_offset(); },
                   std::chrono::seconds(1));
  }
}

int64_t Dispatcher::behind_bytes() const {
  return std::max<int64_t>(0, visible_end_() - dispatched_offset());
}

absl::Status Dispatcher::last_error() const {
  MutexLock lock(&error_mu_);
  return last_error_;
}

}  // namespace tern::engine
