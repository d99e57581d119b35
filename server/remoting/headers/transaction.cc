#include "server/remoting/headers/transaction.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<EndTransactionRequestHeader> EndTransactionRequestHeader::Parse(
    const RemotingCommand& cmd) {
  EndTransactionRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.producer_group, RequiredString(cmd, "producerGroup"));
  TERN_ASSIGN_OR_RETURN(h.tran_state_table_offset, RequiredInt64(cmd, "tranStateTableOffset"));
  TERN_ASSIGN_OR_RETURN(h.commit_log_offset, RequiredInt64(cmd, "commitLogOffset"));
  TERN_ASSIGN_OR_RETURN(h.commit_or_rollback, RequiredInt32(cmd, "commitOrRollback"));
  h.from_transaction_check = OptionalBool(cmd, "fromTransactionCheck", false);
  TERN_ASSIGN_OR_RETURN(h.msg_id, RequiredString(cmd, "msgId"));
  h.transaction_id = OptionalString(cmd, "transactionId");
  return h;
}

void EndTransactionRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "producerGroup", producer_group);
  PutInt(out, "tranStateTableOffset", tran_state_table_offset);
  PutInt(out, "commitLogOffset", commit_log_offset);
  PutInt(out, "commitOrRollback", commit_or_rollback);
  PutBool(out, "fromTransactionCheck", from_transaction_check);
  PutString(out, "msgId", msg_id);
  if (transaction_id) PutString(out, "transactionId", *transaction_id);
}

absl::StatusOr<CheckTransactionStateRequestHeader> CheckTransactionStateRequestHeader::Parse(
    const RemotingCommand& cmd) {
  CheckTransactionStateRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.tran_state_table_offset, RequiredInt64(cmd, "tranStateTableOffset"));
  TERN_ASSIGN_OR_RETURN(h.commit_log_offset, RequiredInt64(cmd, "commitLogOffset"));
  h.msg_id = OptionalString(cmd, "msgId");
  h.transaction_id = OptionalString(cmd, "transactionId");
  h.offset_msg_id = OptionalString(cmd, "offsetMsgId");
  return h;
}

void CheckTransactionStateRequestHeader::WriteTo(ExtFields& out) const {
  PutInt(out, "tranStateTableOffset", tran_state_table_offset);
  PutInt(out, "commitLogOffset", commit_log_offset);
  if (msg_id) PutString(out, "msgId", *msg_id);
  if (transaction_id) PutString(out, "transactionId", *transaction_id);
  if (offset_msg_id) PutString(out, "offsetMsgId", *offset_msg_id);
}

}  // namespace tern::remoting
