// transaction.h: typed headers of the transactional-message commands (protocol.md 2.4, 6):
// END_TRANSACTION (37, producer -> broker, usually oneway) and CHECK_TRANSACTION_STATE (39,
// broker -> producer, oneway).
//
// EndTransactionRequestHeader: producerGroup, tranStateTableOffset (the half message's queue
// offset from the send response), commitLogOffset (its physical offset, decoded from the send
// response's msgId), commitOrRollback (0 unknown, 8 commit, 12 rollback), fromTransactionCheck,
// msgId (the client's UNIQ_KEY), transactionId. CheckTransactionStateRequestHeader:
// tranStateTableOffset and commitLogOffset of the half-message copy being checked, msgId and
// transactionId (its UNIQ_KEY), offsetMsgId (the copy's offset message id).
//
// Parse errors are InvalidArgument naming the field; WriteTo emits strings only. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

// commitOrRollback values (MessageSysFlag transaction types).
inline constexpr int32_t kTransactionNotType = 0;
inline constexpr int32_t kTransactionCommitType = 8;
inline constexpr int32_t kTransactionRollbackType = 12;

struct EndTransactionRequestHeader {
  std::string producer_group;
  int64_t tran_state_table_offset = 0;
  int64_t commit_log_offset = 0;
  int32_t commit_or_rollback = 0;
  bool from_transaction_check = false;
  std::string msg_id;
  std::optional<std::string> transaction_id;

  static absl::StatusOr<EndTransactionRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const EndTransactionRequestHeader&) const = default;
};

struct CheckTransactionStateRequestHeader {
  int64_t tran_state_table_offset = 0;
  int64_t commit_log_offset = 0;
  std::optional<std::string> msg_id;
  std::optional<std::string> transaction_id;
  std::optional<std::string> offset_msg_id;

  static absl::StatusOr<CheckTransactionStateRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const CheckTransactionStateRequestHeader&) const = default;
};

}  // namespace tern::remoting
