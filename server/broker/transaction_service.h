// transaction_service.h: transactional messages on the broker (protocol.md 6) — the state that
// END_TRANSACTION (37) and the check-back service share.
//
// Half messages are stored by the send path under RMQ_SYS_TRANS_HALF_TOPIC queue 0 (with
// REAL_TOPIC/REAL_QID). A transaction is identified by its root: the queue offset of the
// original half record. When the check-back service puts a half back (a new copy in the half
// queue), the copy carries TRAN_PREPARED_QUEUE_OFFSET = root, so END_TRANSACTION on the
// original or on any copy resolves the same transaction, and only the first decision counts:
// a later one (a producer answering late, a second check answer) is refused with a remark.
//
// Commit re-puts the half as a new record of REAL_TOPIC/REAL_QID (sysFlag COMMIT, prepared
// transaction offset = the half's CommitLog offset, the half's property string verbatim, as
// Java 4.8: REAL_TOPIC, REAL_QID, TRAN_MSG and PGROUP stay). Commit, rollback and discard each
// write an op record to RMQ_SYS_TRANS_OP_HALF_TOPIC (body = a half queue offset in decimal,
// TAGS=d, Java's format) for the offset that was decided and for the transaction's latest
// copy, so the outcome survives restarts.
//
// Progress is Java's: consumer offsets of group CID_RMQ_SYS_TRANS on the half queue (H: every
// half record below it is resolved, discarded or superseded by a copy) and on the op queue
// (O). Load() rebuilds the state from the op records from O (those naming a half offset >= H)
// and the half records from H (which copies exist). In memory: the decided roots whose records
// reach H or beyond, and each checked root's latest copy; both pruned as H moves.
//
// Thread safety: all methods are thread-safe; End() runs on I/O threads and never blocks on
// disk or network (appends only).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/commit_log_codec.h"
#include "server/broker/broker_context.h"
#include "server/remoting/headers/transaction.h"

namespace tern::broker {

inline constexpr std::string_view kTransactionSystemGroup = "CID_RMQ_SYS_TRANS";
inline constexpr std::string_view kTransactionOpTag = "d";

class TransactionService {
 public:
  enum class Decision { kCommit, kRollback, kDiscard, kDecided /*rebuilt from an op record*/ };

  explicit TransactionService(BrokerContext* ctx) : ctx_(ctx) {}
  TransactionService(const TransactionService&) = delete;
  TransactionService& operator=(const TransactionService&) = delete;

  // Reads the progress offsets and rebuilds the state from the op and half queues.
  absl::Status Load();

  struct Outcome {
    bool respond = true;  // false: Java sends no response (state unknown, or a bad type)
    int32_t code = 0;
    std::string remark;
  };
  // END_TRANSACTION: validates the half message against the header and applies the decision.
  Outcome End(const remoting::EndTransactionRequestHeader& h);

  // ---- For the check-back service (its thread only, except where noted) ----
  // The transaction a half record belongs to.
  static int64_t RootOf(const engine::RecordView& half);
  // True when the half record at `offset` of `root` should be checked: the transaction is
  // undecided and no newer copy of it exists.
  bool NeedsCheck(int64_t root, int64_t offset) const;
  // Records the copy the check service put back for `root`; if the transaction got decided
  // meanwhile, marks the copy done with an op record.
  void RecordCopy(int64_t root, int64_t copy_offset);
  // Gives up on a transaction (checked too often, or too old): false if it was decided first.
  bool Discard(int64_t root, int64_t offset);
  // Half/op progress.
  int64_t half_progress() const;
  int64_t op_progress() const;
  // Moves H (and O, and prunes) after the check service handled the half records below it.
  void SetProgress(int64_t half_progress, int64_t op_progress);
  // Decided transactions kept in memory (tests, diagnostics).
  size_t decided_count() const;

 private:
  absl::Status WriteOp(int64_t half_queue_offset);
  bool PendingLocked(int64_t root) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  BrokerContext* const ctx_;
  mutable Mutex mu_;
  std::map<int64_t, Decision> decided_ ABSL_GUARDED_BY(mu_);  // root -> decision
  std::map<int64_t, int64_t> copies_ ABSL_GUARDED_BY(mu_);    // root -> latest copy offset
  int64_t half_progress_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t op_progress_ ABSL_GUARDED_BY(mu_) = 0;
};

// The op record body (a decimal half queue offset), or nullopt.
std::optional<int64_t> ParseOpBody(std::string_view body);

}  // namespace tern::broker
