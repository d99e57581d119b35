// transaction_producer.h: the C++ transactional producer (RocketMQ's TransactionMQProducer,
// protocol.md 6).
//
// SendMessageInTransaction sends a half message (SEND_MESSAGE_V2 with TRAN_MSG=true, PGROUP =
// the group and sysFlag TRANSACTION_PREPARED) that consumers cannot see; once the broker
// stored it, the listener's ExecuteLocalTransaction runs on the caller's thread and its answer
// goes to the broker as END_TRANSACTION (oneway): kCommit makes the message visible, kRollback
// drops it, kUnknown leaves it to the broker's check-back. If the half message was stored but
// not flushed or replicated in time (FLUSH_DISK_TIMEOUT etc.) the local transaction is not run
// and the message is rolled back, as Java does. A delay level is dropped (transactions cannot
// be delayed).
//
// Check-back: for a half message nobody decided (the producer said kUnknown, crashed before
// END_TRANSACTION, or its END_TRANSACTION was lost) the broker sends CHECK_TRANSACTION_STATE
// to a live producer of the group — any instance, not necessarily the sender, which is why the
// group must be the same on every instance. The listener's CheckLocalTransaction answers on
// the client's admin thread, and that answer goes back as END_TRANSACTION. To receive checks
// the producer heartbeats to the brokers of its create-topic key (TBW102) from Start() on.
//
// Thread safety: all methods are thread-safe; the listener may be called concurrently from the
// sending threads and the admin thread. Lifetime: the listener must outlive the producer;
// after Shutdown() returns no listener call starts.
#pragma once

#include <any>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "client/producer.h"

namespace tern::client {

enum class LocalTransactionState { kCommit, kRollback, kUnknown };
std::string_view LocalTransactionStateName(LocalTransactionState s);

class TransactionListener {
 public:
  virtual ~TransactionListener() = default;
  // The half message `msg` is stored; run the local transaction. Exceptions count as kUnknown.
  virtual LocalTransactionState ExecuteLocalTransaction(const Message& msg,
                                                        const std::any& arg) = 0;
  // The broker asks about an undecided half message (msg.msg_id is its UNIQ_KEY, the
  // transaction id). Exceptions count as kUnknown (asked again later).
  virtual LocalTransactionState CheckLocalTransaction(const MessageExt& msg) = 0;
};

struct TransactionSendResult {
  SendResult send;
  LocalTransactionState state = LocalTransactionState::kUnknown;
  std::string transaction_id;  // the half message's UNIQ_KEY
};

class TransactionProducer {
 public:
  TransactionProducer(ClientConfig config, ProducerOptions options, TransactionListener* listener);
  ~TransactionProducer();
  TransactionProducer(const TransactionProducer&) = delete;
  TransactionProducer& operator=(const TransactionProducer&) = delete;

  absl::Status Start();
  void Shutdown();

  // Errors: the half message could not be sent (the local transaction did not run).
  absl::StatusOr<TransactionSendResult> SendMessageInTransaction(const Message& msg,
                                                                 std::any arg = {});
  // The underlying producer (plain sends share its connections).
  Producer& producer() { return *producer_; }

 private:
  void EndTransaction(const std::string& broker_addr, int64_t tran_state_table_offset,
                      int64_t commit_log_offset, const std::string& msg_id,
                      const std::string& transaction_id, LocalTransactionState state,
                      bool from_check, const std::string& remark);
  void OnCheck(const std::string& broker_addr, const remoting::RemotingCommand& request,
               const MessageExt& half);

  std::unique_ptr<Producer> producer_;
  TransactionListener* const listener_;
  std::string wire_group_;
};

}  // namespace tern::client
