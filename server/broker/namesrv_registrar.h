// namesrv_registrar.h: the broker's registrations with every configured name server
// (protocol.md 2.3): a full REGISTER_BROKER at start and every registerNameServerPeriod, a
// full oneway one right after the broker creates a topic on its own, an incremental one
// (only the changed topic) after UPDATE_AND_CREATE_TOPIC, and UNREGISTER_BROKER at shutdown.
// While brokerPermission lacks read or write, every registered topic carries that permission
// instead of its own (as Java's registerBrokerAll), so routes steer clients away.
//
// Thread safety: all methods are thread-safe. RegisterAllSync/UnregisterAllSync block and
// must not run on an I/O thread; the others are asynchronous.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "server/broker/broker_config.h"
#include "server/broker/topic_config_manager.h"
#include "server/net/client.h"

namespace tern::broker {

class NamesrvRegistrar {
 public:
  // `permission`: the live brokerPermission (outlives the registrar).
  NamesrvRegistrar(net::RemotingClient* client, const BrokerConfig* config,
                   TopicConfigManager* topics, std::string broker_addr,
                   const std::atomic<int32_t>* permission);

  // Full registration with every name server, waiting for each answer (start, periodic).
  // Returns the first failure (each server is still tried).
  absl::Status RegisterAllSync(std::chrono::milliseconds timeout);
  // Full registration, oneway (after a topic was created on the fly).
  void RegisterAllOneway();
  // Incremental registration of one topic (after UPDATE_AND_CREATE_TOPIC).
  void RegisterTopic(const TopicConfig& topic);
  absl::Status UnregisterAllSync(std::chrono::milliseconds timeout);

 private:
  remoting::RemotingCommand Header(int32_t code, const std::string& body) const;
  std::string FullBody() const;
  void ApplyBrokerPermission(std::map<std::string, TopicConfig>& table) const;

  net::RemotingClient* const client_;
  const BrokerConfig* const config_;
  TopicConfigManager* const topics_;
  const std::atomic<int32_t>* const permission_;
  const std::string broker_addr_;
};

}  // namespace tern::broker
