// transaction_check_service.h: asks producers about half messages nobody decided (RocketMQ's
// TransactionalMessageCheckService, protocol.md 6 step 3).
//
// Every check_interval one round walks the half queue from the progress offset H: a record
// whose transaction is decided, or that a newer copy supersedes, is passed over; one checked
// max_checks times already goes to TRANS_CHECK_MAX_TIME_TOPIC (its transaction is discarded,
// with an op record); one older than the CommitLog's retention is dropped the same way; the
// round stops at a record stored after it began or younger than the transaction timeout
// (CHECK_IMMUNITY_TIME_IN_SECONDS, when the producer set it). Any other record is checked: a
// copy with TRANSACTION_CHECK_TIMES + 1 and TRAN_PREPARED_QUEUE_OFFSET = its root is appended
// to the half queue, then CHECK_TRANSACTION_STATE (oneway; header with the copy's offsets,
// body the message as stored, under its real topic and queue) goes to one live channel of the
// producer group PGROUP; with no live producer only the copy is made. The producer answers
// with END_TRANSACTION against the copy. An "unknown" answer leaves it to the next round.
//
// After a round the CommitLog is flushed (copies and op records are durable) and H and the op
// progress O are committed as consumer offsets of CID_RMQ_SYS_TRANS, as Java stores them. The
// first round also creates RMQ_SYS_TRANS_HALF_TOPIC's topic config and registers it, as Java.
//
// Thread safety: Start/Stop/RunRoundForTest from the owner; the round runs on its own thread.
// Everything it uses must outlive it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "engine/base/mutex.h"
#include "server/broker/broker_context.h"
#include "server/broker/transaction_service.h"

namespace tern::broker {

class TransactionCheckService {
 public:
  struct Options {
    std::chrono::milliseconds check_interval{60000};   // transactionCheckInterval
    std::chrono::milliseconds timeout{6000};           // transactionTimeOut
    int32_t max_checks = 15;                           // transactionCheckMax
    int64_t retention_ms = int64_t{72} * 3600 * 1000;  // fileReservedTime
  };

  TransactionCheckService(BrokerContext* ctx, TransactionService* transactions, Options options);
  ~TransactionCheckService();
  TransactionCheckService(const TransactionCheckService&) = delete;
  TransactionCheckService& operator=(const TransactionCheckService&) = delete;

  void Start();
  void Stop();
  // Rounds completed so far.
  int64_t rounds() const { return rounds_.load(); }

 private:
  void Run();
  void Round();
  // Appends a checked copy, records it and asks a producer. False: stop the round (retry).
  bool Check(const engine::RecordView& half, int64_t root, int32_t times);
  void MoveToCheckMaxTopic(const engine::RecordView& half);

  BrokerContext* const ctx_;
  TransactionService* const tx_;
  const Options options_;
  bool topic_created_ = false;  // round thread only
  std::atomic<int64_t> rounds_{0};
  Mutex mu_;
  CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tern::broker
