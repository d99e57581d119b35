#include "server/broker/transaction_processor.h"

#include <spdlog/spdlog.h>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"

namespace tern::broker {

using remoting::ChannelPtr;
using remoting::RemotingCommand;

void TransactionProcessor::Register(remoting::HandlerTable& table) {
  table.Register(remoting::request::kEndTransaction,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) { Handle(c, r); });
}

void TransactionProcessor::Handle(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<remoting::EndTransactionRequestHeader> h =
      remoting::EndTransactionRequestHeader::Parse(request);
  if (!h.ok()) {
    return Reply(channel, request, remoting::response::kSystemError,
                 std::string(MessageOf(h.status())));
  }
  const TransactionService::Outcome out = tx_->End(*h);
  if (out.code != remoting::response::kSuccess) {
    spdlog::warn("END_TRANSACTION from {} (group {}, msgId {}, {}{}): {}",
                 channel->remote_address(), h->producer_group, h->msg_id,
                 h->commit_or_rollback == remoting::kTransactionCommitType ? "commit" : "rollback",
                 h->from_transaction_check ? ", answering a check" : "", out.remark);
  }
  if (out.respond) Reply(channel, request, out.code, out.remark);
}

}  // namespace tern::broker
