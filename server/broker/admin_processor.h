// admin_processor.h: the admin codes of the broker issue — UPDATE_AND_CREATE_TOPIC (17),
// DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), GET_BROKER_RUNTIME_INFO (28). The other admin codes
// live in admin_{stats,group,client,config}_processor.h.
//
// Writes are accepted only from loopback unless adminAllowRemote (CVE-2023-33246's lesson).
// Topic changes re-register with the name servers at once. Thread safety: stateless besides
// the context; runs on I/O threads.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class AdminProcessor {
 public:
  // `runtime_info` adds the values only the broker knows (rates, connection counts).
  AdminProcessor(BrokerContext* ctx,
                 std::function<void(std::map<std::string, std::string>&)> runtime_info)
      : ctx_(ctx), runtime_info_(std::move(runtime_info)) {}
  void Register(remoting::HandlerTable& table);

 private:
  void CreateTopic(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void DeleteTopic(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void AllTopicConfig(const remoting::ChannelPtr& channel,
                      const remoting::RemotingCommand& request);
  void CreateGroup(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
                   const std::string& body);
  void RuntimeInfo(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);

  BrokerContext* const ctx_;
  const std::function<void(std::map<std::string, std::string>&)> runtime_info_;
};

}  // namespace tern::broker
