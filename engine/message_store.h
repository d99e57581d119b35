// message_store.h: the storage engine's facade — opens (locks, recovers) a store directory,
// wires the CommitLog, flusher, dispatcher, ConsumeQueues, index, checkpoint and retention
// together, and exposes the write and read paths the broker calls.
//
// Lifecycle: Open() takes `<root>/lock` (an fcntl lock, so neither another Tern nor a Java
// broker can open the same store), detects an unclean shutdown (`<root>/abort` present),
// recovers (RecoveryReport says what it did), re-dispatches, creates `abort`, and starts the
// background threads. Shutdown() (also run by the destructor) flushes everything, writes the
// checkpoint and removes `abort` once dispatch has caught up.
//
// Writes: PutMessage/PutMessages encode into a per-thread buffer (no allocation once warm),
// append, and under SYNC_FLUSH hand the caller's FlushWaiter to group commit when the
// message asks to wait (WAIT property; see flusher.h). Errors are absl::Status:
// InvalidArgument (message illegal, with the limit named), ResourceExhausted (disk full:
// SERVICE_NOT_AVAILABLE), FailedPrecondition (store read-only after a flush error, or shut
// down), Internal (file creation failed).
//
// Thread safety: every public method may be called from any thread after Open() returns and
// before Shutdown(). Callbacks (FlushWaiter, dispatch listeners) run on engine threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/base/notifier.h"
#include "engine/checkpoint.h"
#include "engine/commit_log.h"
#include "engine/commit_log_codec.h"
#include "engine/consume_queue_table.h"
#include "engine/delay_levels.h"
#include "engine/dispatcher.h"
#include "engine/file_allocator.h"
#include "engine/flusher.h"
#include "engine/message_reader.h"
#include "engine/recovery.h"
#include "engine/retention.h"
#include "engine/store_options.h"

namespace tern::engine {

class IndexService;

struct PutOutcome {
  AppendResult append;
  // The FlushWaiter was registered: its OnFlushed() will deliver the outcome.
  bool flush_pending = false;
};

struct StoreStats {
  int64_t commit_log_min_offset = 0;
  int64_t commit_log_max_offset = 0;
  int64_t commit_log_flushed_offset = 0;
  int64_t dispatched_offset = 0;
  int64_t dispatch_behind_bytes = 0;
  int64_t puts = 0;
  int64_t put_errors = 0;
  FlushStats flush;
  int64_t files_preallocated = 0;
  int64_t preallocation_hits = 0;
  int64_t corrupt_records_skipped = 0;
  bool read_only = false;
  double disk_used_ratio = 0;
};

class MessageStore {
 public:
  // Called on the dispatch thread for each record made visible (long-poll wake-ups).
  using DispatchListener = Dispatcher::Sink;

  static absl::StatusOr<std::unique_ptr<MessageStore>> Open(StoreOptions options,
                                                            FileSystem* fs = DefaultFileSystem(),
                                                            DispatchListener listener = nullptr);
  ~MessageStore();
  MessageStore(const MessageStore&) = delete;
  MessageStore& operator=(const MessageStore&) = delete;

  // Flushes, checkpoints, removes the abort file; stops every thread. Idempotent.
  void Shutdown();

  const RecoveryReport& recovery_report() const { return recovery_; }
  const StoreOptions& options() const { return options_; }

  // Appends one message. With SYNC_FLUSH and `waiter` non-null, registers the waiter unless
  // the message is already durable (flush_pending tells which). `waiter` is ignored under
  // ASYNC_FLUSH.
  absl::StatusOr<PutOutcome> PutMessage(const MessageToStore& msg, FlushWaiter* waiter);
  // Appends messages of one (topic, queue) as one unit with consecutive queue offsets.
  absl::StatusOr<PutOutcome> PutMessages(std::span<const MessageToStore> batch,
                                         FlushWaiter* waiter);

  const MessageReader& reader() const { return *reader_; }
  GetMessageResult GetMessage(std::string_view topic, int32_t queue_id, int64_t offset,
                              int max_count, int64_t max_bytes, const MessageFilter* filter) const {
    return reader_->GetMessage(topic, queue_id, offset, max_count, max_bytes, filter);
  }

  // Removes a topic's ConsumeQueues and queue offsets (its CommitLog records age out).
  absl::Status DeleteTopic(std::string_view topic);
  // Deletes expired files on the next retention pass regardless of the hour.
  void RequestManualDelete();
  // Runs a retention pass now (tests, admin).
  absl::StatusOr<RetentionPass> RunRetention();
  // Flushes ConsumeQueues and index and writes the checkpoint now.
  absl::Status Checkpoint();

  StoreStats stats() const;
  CommitLog& commit_log() { return *log_; }
  const CommitLog& commit_log() const { return *log_; }
  ConsumeQueueTable& queues() { return *queues_; }
  IndexService* index() { return index_.get(); }
  Dispatcher& dispatcher() { return *dispatcher_; }
  Flusher& flusher() { return *flusher_; }

 private:
  MessageStore(StoreOptions options, FileSystem* fs);
  absl::Status OpenInternal(DispatchListener listener);
  absl::StatusOr<PutOutcome> Finish(absl::StatusOr<AppendResult> appended, bool wait,
                                    FlushWaiter* waiter);
  void RunScheduler();

  const StoreOptions options_;
  FileSystem* const fs_;
  DelayLevels delay_levels_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<FileAllocator> allocator_;
  std::unique_ptr<CommitLog> log_;
  std::unique_ptr<ConsumeQueueTable> queues_;
  std::unique_ptr<IndexService> index_;
  std::unique_ptr<StoreCheckpoint> checkpoint_;
  std::unique_ptr<Flusher> flusher_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<MessageReader> reader_;
  std::unique_ptr<Retention> retention_;
  Notifier flushed_notifier_;  // SYNC_FLUSH: wakes the dispatcher after each flush
  RecoveryReport recovery_;

  Mutex maintenance_mu_;  // serialises checkpoint and retention passes
  int64_t physic_timestamp_ ABSL_GUARDED_BY(maintenance_mu_) = 0;

  std::atomic<double> last_disk_ratio_{0};
  std::atomic<int64_t> puts_{0};
  std::atomic<int64_t> put_errors_{0};
  Mutex scheduler_mu_;
  CondVar scheduler_cv_;
  bool stopping_ ABSL_GUARDED_BY(scheduler_mu_) = false;
  std::thread scheduler_;
  bool shut_down_ = false;
};

}  // namespace tern::engine
