// transaction_processor.h: END_TRANSACTION (37), the producer's commit or rollback of a half
// message (protocol.md 6 step 2); the rules live in transaction_service.h. Clients send it
// oneway; a non-oneway request gets 0 or SYSTEM_ERROR with Java's remarks ("Find prepared
// transaction message failed", "The producer group wrong", ...) or a "first decision wins"
// refusal. An unknown state (0) gets no response, as in Java.
//
// Thread safety: handlers run on I/O threads; the processor holds no mutable state.
#pragma once

#include "server/broker/transaction_service.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class TransactionProcessor {
 public:
  explicit TransactionProcessor(TransactionService* transactions) : tx_(transactions) {}
  void Register(remoting::HandlerTable& table);

 private:
  void Handle(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);

  TransactionService* const tx_;
};

}  // namespace tern::broker
