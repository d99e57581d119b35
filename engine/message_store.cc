#include "engine/message_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "engine/index/index_service.h"
#include "engine/properties.h"

namespace tern::engine {
namespace {

// Per-thread encode buffer: grows to the largest message seen, never shrinks, so steady-state
// appends allocate nothing.
std::vector<uint8_t>& EncodeBuffer(size_t size) {
  thread_local std::vector<uint8_t> buf;
  if (buf.size() < size) buf.resize(std::max(size, buf.size() * 2));
  return buf;
}

bool WantsToWait(std::string_view properties) {
  std::optional<std::string_view> wait = FindProperty(properties, property::kWaitStoreMsgOk);
  return !wait || *wait != "false";  // RocketMQ: absent means wait
}

}  // namespace

MessageStore::MessageStore(StoreOptions options, FileSystem* fs)
    : options_(std::move(options)), fs_(fs) {}

absl::StatusOr<std::unique_ptr<MessageStore>> MessageStore::Open(StoreOptions options,
                                                                 FileSystem* fs,
                                                                 DispatchListener listener) {
  std::unique_ptr<MessageStore> store(new MessageStore(std::move(options), fs));
  if (absl::Status s = store->OpenInternal(std::move(listener)); !s.ok()) {
    store->shut_down_ = true;  // nothing to flush or checkpoint: the open did not finish
    return s;
  }
  return store;
}

absl::Status MessageStore::OpenInternal(DispatchListener listener) {
  const auto t0 = MonoClock::now();
  absl::StatusOr<DelayLevels> levels = DelayLevels::Parse(options_.delay_levels);
  if (!levels.ok()) return levels.status();
  delay_levels_ = *std::move(levels);

  const std::string& root = options_.root_dir;
  if (absl::Status s = fs_->CreateDirs(root); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<FileLock>> lock = fs_->LockFile(JoinPath(root, "lock"));
  if (!lock.ok()) return lock.status();
  lock_ = *std::move(lock);
  (void)fs_->WriteFile(JoinPath(root, "lock"), "lock", SyncMode::kNoSync);
  const std::string abort_path = JoinPath(root, "abort");
  const bool clean = !fs_->Exists(abort_path);

  allocator_ = std::make_unique<FileAllocator>(fs_, /*prefault=*/true);
  log_ = std::make_unique<CommitLog>(fs_, options_.CommitLogDir(), options_.commit_log,
                                     options_.preallocate_commit_log ? allocator_.get() : nullptr);
  if (absl::Status s = log_->Load(Access::kReadWrite); !s.ok()) return s;
  queues_ = std::make_unique<ConsumeQueueTable>(fs_, JoinPath(root, "consumequeue"),
                                                options_.consume_queue_units_per_file);
  std::vector<std::string> skipped;
  if (absl::Status s = queues_->Load(Access::kReadWrite, &skipped); !s.ok()) return s;
  for (const std::string& dir : skipped) {
    spdlog::warn("store: ignoring {} (not a topic/queue directory)", dir);
  }
  if (options_.index_enable) {
    IndexOptions io;
    io.hash_slot_num = options_.index_hash_slot_num;
    io.index_num = options_.index_num;
    index_ = std::make_unique<IndexService>(fs_, JoinPath(root, "index"), io);
    if (absl::Status s = index_->Load(Access::kReadWrite); !s.ok()) return s;
  }
  absl::StatusOr<std::unique_ptr<StoreCheckpoint>> checkpoint =
      StoreCheckpoint::Open(fs_, JoinPath(root, "checkpoint"), Access::kReadWrite);
  if (!checkpoint.ok()) return checkpoint.status();
  checkpoint_ = *std::move(checkpoint);

  // Recovery: cut the log at its valid end and trim derived data from the scan start.
  RecoveryInputs in;
  in.log = log_.get();
  in.queues = queues_.get();
  in.checkpoint = checkpoint_.get();
  in.clean_shutdown = clean;
  if (index_) {
    in.truncate_index_from = [this](int64_t phys) { return index_->TruncateFrom(phys); };
  }
  absl::StatusOr<RecoveryReport> report = RecoverStore(in);
  if (!report.ok()) return report.status();
  recovery_ = *std::move(report);

  const bool sync = options_.flush.mode == FlushMode::kSync;
  Notifier* wake = sync ? &flushed_notifier_ : &log_->append_notifier();
  std::function<int64_t()> visible = [this, sync] {
    return sync ? log_->flushed_offset() : log_->max_offset();
  };
  dispatcher_ = std::make_unique<Dispatcher>(log_.get(), queues_.get(), &delay_levels_,
                                             std::move(visible), wake);
  if (index_) {
    IndexService* index = index_.get();
    dispatcher_->AddSink([index](const DispatchRecord& d) {
      IndexRecord r;
      r.topic = d.topic;
      r.keys = d.keys;
      r.uniq_key = d.uniq_key;
      r.physical_offset = d.physical_offset;
      r.store_timestamp = d.store_timestamp;
      r.sys_flag = d.sys_flag;
      if (absl::Status s = index->BuildIndex(r); !s.ok()) {
        spdlog::error("index: record at {} not indexed: {}", d.physical_offset, MessageOf(s));
      }
    });
  }
  if (listener) dispatcher_->AddSink(std::move(listener));

  // Re-dispatch what recovery trimmed, skipping quarantined ranges.
  dispatcher_->SetQuarantine(recovery_.QuarantineRanges());
  dispatcher_->set_offset(recovery_.scan_start);
  if (absl::Status s = dispatcher_->DispatchUntil(recovery_.end_offset); !s.ok()) return s;
  // Every valid record from the scan start was dispatched again (idempotently).
  recovery_.records_redispatched = recovery_.records_scanned;

  // Queue offsets follow the rebuilt ConsumeQueues; minimums follow the log's start.
  const int64_t log_min = log_->min_offset();
  for (const std::shared_ptr<ConsumeQueue>& cq : queues_->All()) {
    log_->SetNextQueueOffset(QueueKeyView{cq->topic(), cq->queue_id()}, cq->max_offset());
    cq->CorrectMinOffset(log_min);
  }

  flusher_ = std::make_unique<Flusher>(log_.get(), options_.flush,
                                       [this](int64_t) { flushed_notifier_.Notify(); });
  reader_ = std::make_unique<MessageReader>(log_.get(), queues_.get(), index_.get(), options_.read);
  retention_ =
      std::make_unique<Retention>(fs_, log_.get(), queues_.get(), index_.get(), options_.retention,
                                  [this] { return dispatcher_->dispatched_offset(); });

  if (absl::Status s = Checkpoint(); !s.ok()) return s;
  if (absl::Status s = fs_->WriteFile(abort_path, "", SyncMode::kSync); !s.ok()) return s;
  if (absl::Status s = fs_->SyncDir(root); !s.ok()) return s;

  recovery_.duration_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now() - t0).count();
  if (!clean || recovery_.bytes_cut > 0 || !recovery_.quarantined.empty()) {
    spdlog::warn("store recovery: {}", recovery_.Summary());
  } else {
    spdlog::info("store recovery: {}", recovery_.Summary());
  }

  allocator_->Start();
  if (options_.preallocate_commit_log && log_->files().empty()) {
    // Prepare the first file now so the first message does not wait for it.
    allocator_->Request(log_->files().dir(), log_->max_offset(), options_.commit_log.file_size);
  }
  flusher_->Start();
  dispatcher_->Start();
  scheduler_ = std::thread([this] { RunScheduler(); });
  return absl::OkStatus();
}

MessageStore::~MessageStore() { Shutdown(); }

void MessageStore::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  {
    MutexLock lock(&scheduler_mu_);
    stopping_ = true;
    scheduler_cv_.SignalAll();
  }
  if (scheduler_.joinable()) scheduler_.join();
  flusher_->Stop();     // last flush; answers every waiter
  dispatcher_->Stop();  // dispatches everything visible
  allocator_->Stop();
  const absl::Status cp = Checkpoint();
  const bool caught_up =
      dispatcher_->dispatched_offset() >=
      (options_.flush.mode == FlushMode::kSync ? log_->flushed_offset() : log_->max_offset());
  if (cp.ok() && caught_up && !log_->read_only()) {
    const std::string abort_path = JoinPath(options_.root_dir, "abort");
    if (fs_->DeleteFile(abort_path).ok()) (void)fs_->SyncDir(options_.root_dir);
  } else {
    spdlog::warn(
        "store shutdown: leaving the abort file (checkpoint {}, dispatch {}caught up, "
        "{}): the next start runs crash recovery",
        cp.ok() ? "ok" : MessageOf(cp), caught_up ? "" : "not ",
        log_->read_only() ? "read-only" : "writable");
  }
  lock_.reset();
}

absl::StatusOr<PutOutcome> MessageStore::Finish(absl::StatusOr<AppendResult> appended, bool wait,
                                                FlushWaiter* waiter) {
  if (!appended.ok()) {
    put_errors_.fetch_add(1, std::memory_order_relaxed);
    return appended.status();
  }
  puts_.fetch_add(1, std::memory_order_relaxed);
  PutOutcome out;
  out.append = *appended;
  if (options_.flush.mode != FlushMode::kSync) return out;
  flusher_->Wake();
  if (!wait || waiter == nullptr) return out;
  switch (flusher_->WaitForFlush(waiter, out.append.end_offset().value())) {
    case Flusher::WaitResult::kRegistered:
      out.flush_pending = true;
      return out;
    case Flusher::WaitResult::kAlreadyFlushed:
      return out;
    case Flusher::WaitResult::kFailed:
      break;
  }
  return absl::FailedPreconditionError(
      "message appended but the store cannot make it durable (flush failed; store is "
      "read-only)");
}

absl::StatusOr<PutOutcome> MessageStore::PutMessage(const MessageToStore& msg,
                                                    FlushWaiter* waiter) {
  absl::StatusOr<size_t> size = EncodedRecordSize(msg);
  if (!size.ok()) return size.status();
  std::vector<uint8_t>& buf = EncodeBuffer(*size);
  const MutableByteSpan record(buf.data(), *size);
  EncodeRecord(msg, record);
  return Finish(log_->Append(record, QueueKeyView{msg.topic, msg.queue_id}),
                WantsToWait(msg.properties), waiter);
}

absl::StatusOr<PutOutcome> MessageStore::PutMessages(std::span<const MessageToStore> batch,
                                                     FlushWaiter* waiter) {
  if (batch.empty()) return absl::InvalidArgumentError("empty batch");
  size_t total = 0;
  for (const MessageToStore& m : batch) {
    if (m.topic != batch.front().topic || m.queue_id != batch.front().queue_id) {
      return absl::InvalidArgumentError("a batch must target a single topic and queue");
    }
    absl::StatusOr<size_t> size = EncodedRecordSize(m);
    if (!size.ok()) return size.status();
    total += *size;
  }
  std::vector<uint8_t>& buf = EncodeBuffer(total);
  size_t pos = 0;
  for (const MessageToStore& m : batch) {
    const size_t size = *EncodedRecordSize(m);
    EncodeRecord(m, MutableByteSpan(buf.data() + pos, size));
    pos += size;
  }
  return Finish(
      log_->AppendBatch(MutableByteSpan(buf.data(), total), static_cast<int32_t>(batch.size()),
                        QueueKeyView{batch.front().topic, batch.front().queue_id}),
      WantsToWait(batch.front().properties), waiter);
}

absl::Status MessageStore::DeleteTopic(std::string_view topic) {
  log_->RemoveQueueOffsets(topic);
  return queues_->DestroyTopic(topic);
}

void MessageStore::RequestManualDelete() {
  MutexLock lock(&maintenance_mu_);
  retention_->RequestManualDelete();
}

absl::StatusOr<RetentionPass> MessageStore::RunRetention() {
  MutexLock lock(&maintenance_mu_);
  absl::StatusOr<RetentionPass> pass = retention_->RunOnce();
  if (pass.ok()) last_disk_ratio_.store(pass->disk_used_ratio);
  return pass;
}

absl::Status MessageStore::Checkpoint() {
  MutexLock lock(&maintenance_mu_);
  // Snapshot the dispatch point before flushing what it covers.
  const int64_t dispatched = dispatcher_->dispatched_offset();
  const int64_t logics_ts = dispatcher_->last_store_timestamp();
  for (const std::shared_ptr<ConsumeQueue>& cq : queues_->All()) {
    if (absl::Status s = cq->Flush(); !s.ok()) return s;
  }
  int64_t index_ts = 0;
  if (index_) {
    if (absl::Status s = index_->Flush(); !s.ok()) return s;
    index_ts = index_->last_full_file_end_timestamp();
  }
  const int64_t flushed = log_->flushed_offset();
  if (dispatched <= flushed) physic_timestamp_ = logics_ts;
  checkpoint_->Update(physic_timestamp_, logics_ts, index_ts, {flushed, dispatched});
  return checkpoint_->Flush();
}

void MessageStore::RunScheduler() {
  SetThreadName("tern-store-cron");
  auto next_checkpoint = MonoClock::now() + options_.consume_queue_flush_interval;
  auto next_retention = MonoClock::now() + options_.retention.check_interval;
  MutexLock lock(&scheduler_mu_);
  while (!stopping_) {
    scheduler_cv_.WaitUntil(&scheduler_mu_, std::min(next_checkpoint, next_retention));
    if (stopping_) break;
    const auto now = MonoClock::now();
    scheduler_mu_.Unlock();
    if (now >= next_checkpoint) {
      if (absl::Status s = Checkpoint(); !s.ok()) {
        spdlog::error("checkpoint failed: {}", MessageOf(s));
      }
      next_checkpoint = now + options_.consume_queue_flush_interval;
    }
    if (now >= next_retention) {
      if (absl::StatusOr<RetentionPass> pass = RunRetention(); !pass.ok()) {
        spdlog::error("retention pass failed: {}", MessageOf(pass.status()));
      }
      next_retention = now + options_.retention.check_interval;
    }
    scheduler_mu_.Lock();
  }
}

StoreStats MessageStore::stats() const {
  StoreStats s;
  s.commit_log_min_offset = log_->min_offset();
  s.commit_log_max_offset = log_->max_offset();
  s.commit_log_flushed_offset = log_->flushed_offset();
  s.dispatched_offset = dispatcher_->dispatched_offset();
  s.dispatch_behind_bytes = dispatcher_->behind_bytes();
  s.puts = puts_.load(std::memory_order_relaxed);
  s.put_errors = put_errors_.load(std::memory_order_relaxed);
  s.flush = flusher_->stats();
  s.files_preallocated = allocator_->created();
  s.preallocation_hits = allocator_->hits();
  s.corrupt_records_skipped = reader_->corrupt_records_skipped();
  s.read_only = log_->read_only();
  s.disk_used_ratio = last_disk_ratio_.load();  // sampled by the retention pass
  return s;
}

}  // namespace tern::engine
