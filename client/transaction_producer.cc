#include "client/transaction_producer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <exception>

#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "engine/properties.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/transaction.h"

namespace tern::client {

std::string_view LocalTransactionStateName(LocalTransactionState s) {
  switch (s) {
    case LocalTransactionState::kCommit:
      return "COMMIT_MESSAGE";
    case LocalTransactionState::kRollback:
      return "ROLLBACK_MESSAGE";
    case LocalTransactionState::kUnknown:
      return "UNKNOW";
  }
  return "UNKNOW";
}

namespace {

int32_t TypeOf(LocalTransactionState s) {
  switch (s) {
    case LocalTransactionState::kCommit:
      return remoting::kTransactionCommitType;
    case LocalTransactionState::kRollback:
      return remoting::kTransactionRollbackType;
    case LocalTransactionState::kUnknown:
      break;
  }
  return remoting::kTransactionNotType;
}

}  // namespace

TransactionProducer::TransactionProducer(ClientConfig config, ProducerOptions options,
                                         TransactionListener* listener)
    : producer_(std::make_unique<Producer>(std::move(config), std::move(options))),
      listener_(listener) {}

TransactionProducer::~TransactionProducer() { Shutdown(); }

absl::Status TransactionProducer::Start() {
  if (absl::Status s = producer_->Start(); !s.ok()) return s;
  ClientInstance& instance = producer_->instance();
  wire_group_ = instance.Wrap(producer_->options().group);
  instance.RegisterProducer(wire_group_,
                            [this](const std::string& addr, const remoting::RemotingCommand& r,
                                   const MessageExt& half) { OnCheck(addr, r, half); });
  // Brokers learn about producers from heartbeats: heartbeat every broker a message of this
  // producer may land on now, so check-backs reach it before it ever sends.
  (void)instance.Route(producer_->options().create_topic_key);
  instance.SendHeartbeatToAllBrokers();
  return absl::OkStatus();
}

void TransactionProducer::Shutdown() { producer_->Shutdown(); }

absl::StatusOr<TransactionSendResult> TransactionProducer::SendMessageInTransaction(
    const Message& msg, std::any arg) {
  Message half = msg;
  half.delay_level = 0;
  half.properties[std::string(engine::property::kTransactionPrepared)] = "true";
  half.properties[std::string(engine::property::kProducerGroup)] = wire_group_;
  absl::StatusOr<SendResult> sent = producer_->Send(half);
  if (!sent.ok()) return sent.status();
  TransactionSendResult out;
  out.send = *sent;
  out.transaction_id = sent->msg_id;
  std::string remark;
  if (sent->status != SendStatus::kSendOk) {
    out.state = LocalTransactionState::kRollback;
  } else {
    try {
      out.state = listener_->ExecuteLocalTransaction(half, arg);
    } catch (const std::exception& e) {
      out.state = LocalTransactionState::kUnknown;
      remark = fmt::format("executeLocalTransactionBranch exception: {}", e.what());
    } catch (...) {
      out.state = LocalTransactionState::kUnknown;
      remark = "executeLocalTransactionBranch exception";
    }
  }
  // The broker of the half message: the address its offset id names, else the route's.
  std::string addr;
  absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(sent->offset_msg_id);
  if (!id.ok()) {
    return absl::InternalError(fmt::format(
        "the broker answered a half message with a bad msgId '{}'", sent->offset_msg_id));
  }
  if (std::optional<std::string> master =
          producer_->instance().MasterAddr(sent->queue.broker_name)) {
    addr = *master;
  } else {
    addr = id->store_host.ToString();
  }
  EndTransaction(addr, sent->queue_offset, id->offset.value(), sent->msg_id, sent->msg_id,
                 out.state, /*from_check=*/false, remark);
  return out;
}

void TransactionProducer::EndTransaction(const std::string& broker_addr,
                                         int64_t tran_state_table_offset, int64_t commit_log_offset,
                                         const std::string& msg_id,
                                         const std::string& transaction_id,
                                         LocalTransactionState state, bool from_check,
                                         const std::string& remark) {
  remoting::EndTransactionRequestHeader h;
  h.producer_group = wire_group_;
  h.tran_state_table_offset = tran_state_table_offset;
  h.commit_log_offset = commit_log_offset;
  h.commit_or_rollback = TypeOf(state);
  h.from_transaction_check = from_check;
  h.msg_id = msg_id;
  h.transaction_id = transaction_id;
  remoting::RemotingCommand cmd =
      remoting::RemotingCommand::Request(remoting::request::kEndTransaction, 0);
  h.WriteTo(cmd.MutableFields());
  if (!remark.empty()) cmd.remark = remark;
  producer_->instance().InvokeOneway(broker_addr, std::move(cmd), "");
}

void TransactionProducer::OnCheck(const std::string& broker_addr,
                                  const remoting::RemotingCommand& request,
                                  const MessageExt& half) {
  absl::StatusOr<remoting::CheckTransactionStateRequestHeader> h =
      remoting::CheckTransactionStateRequestHeader::Parse(request);
  if (!h.ok()) {
    spdlog::warn("transaction check from {}: {}", broker_addr, MessageOf(h.status()));
    return;
  }
  MessageExt msg = half;
  msg.topic = producer_->instance().Unwrap(msg.topic);
  LocalTransactionState state = LocalTransactionState::kUnknown;
  std::string remark;
  try {
    state = listener_->CheckLocalTransaction(msg);
  } catch (const std::exception& e) {
    remark = fmt::format("checkLocalTransaction exception: {}", e.what());
  } catch (...) {
    remark = "checkLocalTransaction exception";
  }
  std::string uniq(half.Property(engine::property::kUniqueClientMessageIdKey));
  if (uniq.empty()) uniq = half.msg_id;
  EndTransaction(broker_addr, h->tran_state_table_offset, h->commit_log_offset, uniq,
                 h->transaction_id.value_or(uniq), state, /*from_check=*/true, remark);
}

}  // namespace tern::client
