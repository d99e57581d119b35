// dispatcher.h: "reput" — tails the CommitLog from the dispatch watermark and derives the
// ConsumeQueue units, the key index entries, and the arrival notifications that wake parked
// long-poll pulls.
//
// Visibility: the dispatcher never goes beyond `visible_end()`: the published end under
// ASYNC_FLUSH, the flushed end under SYNC_FLUSH (so no consumer can read, or commit an offset
// past, a record that a crash could still take away: RocketMQ #8239).
//
// Only records of transaction type NOT or COMMIT get ConsumeQueue units (half messages and
// rollback markers stay invisible). For SCHEDULE_TOPIC_XXXX the tags code is the delivery
// time. A BLANK filler sends the dispatcher to the next file. Live dispatch does not re-check
// body CRCs (the appender wrote them); recovery does that before dispatching.
//
// Thread safety: Start/Stop/DispatchUntil from the owner; the dispatch thread is the single
// writer of the ConsumeQueues and the index while it runs. Accessors are thread-safe. The
// callbacks run on the dispatch thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "engine/base/notifier.h"
#include "engine/commit_log.h"
#include "engine/commit_log_codec.h"
#include "engine/consume_queue_table.h"
#include "engine/delay_levels.h"

namespace tern::engine {

// What the dispatcher extracts from one record for its sinks.
struct DispatchRecord {
  std::string_view topic;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int64_t physical_offset = 0;
  int32_t size = 0;
  int64_t tags_code = 0;
  int64_t store_timestamp = 0;
  int32_t sys_flag = 0;
  int64_t prepared_transaction_offset = 0;
  std::string_view keys;      // KEYS property ("" if absent)
  std::string_view uniq_key;  // UNIQ_KEY property ("" if absent)
  std::string_view properties;
};

// Builds the DispatchRecord of a decoded record (tags code included).
DispatchRecord MakeDispatchRecord(const RecordView& r, const DelayLevels& levels);

class Dispatcher {
 public:
  using Sink = std::function<void(const DispatchRecord&)>;

  // `visible_end` returns the offset dispatch may reach; `wake` is notified when it grows.
  Dispatcher(CommitLog* log, ConsumeQueueTable* queues, const DelayLevels* levels,
             std::function<int64_t()> visible_end, Notifier* wake);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Called for every dispatched record after its ConsumeQueue unit is visible: the index
  // builder, then arrival listeners. Set before Start().
  void AddSink(Sink sink) { sinks_.push_back(std::move(sink)); }

  // Byte ranges recovery quarantined as corrupt: skipped, never dispatched. Sorted, disjoint.
  void SetQuarantine(std::vector<std::pair<int64_t, int64_t>> ranges) {
    quarantine_ = std::move(ranges);
  }

  void set_offset(int64_t offset) { offset_.store(offset, std::memory_order_release); }
  int64_t dispatched_offset() const { return offset_.load(std::memory_order_acquire); }
  // Store time of the last dispatched record (for the checkpoint).
  int64_t last_store_timestamp() const {
    return last_store_timestamp_.load(std::memory_order_acquire);
  }

  // Dispatches synchronously up to `limit` (recovery, before the thread starts).
  absl::Status DispatchUntil(int64_t limit);

  void Start();
  // Dispatches what is visible, then stops the thread.
  void Stop();

  // Bytes visible but not dispatched yet (the "dispatch lag").
  int64_t behind_bytes() const;
  // Last error that stalled dispatch (OK when none).
  absl::Status last_error() const;

 private:
  void Run();
  absl::Status DispatchOne(const RecordView& r);

  CommitLog* const log_;
  ConsumeQueueTable* const queues_;
  const DelayLevels* const levels_;
  const std::function<int64_t()> visible_end_;
  Notifier* const wake_;
  std::vector<Sink> sinks_;
  std::vector<std::pair<int64_t, int64_t>> quarantine_;
  std::atomic<int64_t> offset_{0};
  std::atomic<int64_t> last_store_timestamp_{0};
  std::atomic<bool> stop_{false};
  // Dispatch-thread only: the queue of the previous record, which is usually the next one's.
  std::shared_ptr<ConsumeQueue> last_queue_;
  uint64_t last_queue_epoch_ = 0;
  mutable Mutex error_mu_;
  absl::Status last_error_ ABSL_GUARDED_BY(error_mu_);
  std::thread thread_;
};

}  // namespace tern::engine
