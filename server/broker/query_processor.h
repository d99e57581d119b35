// query_processor.h: VIEW_MESSAGE_BY_ID (33) and QUERY_MESSAGE (12): look-ups by CommitLog
// offset (from an offset message id) and by key or unique key through the index. Bodies are
// the stored records, as zero-copy views. Thread safety: stateless; runs on I/O threads.
#pragma once

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class QueryProcessor {
 public:
  explicit QueryProcessor(BrokerContext* ctx) : ctx_(ctx) {}
  void Register(remoting::HandlerTable& table);

 private:
  void ViewById(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void QueryMessage(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);

  BrokerContext* const ctx_;
};

}  // namespace tern::broker
