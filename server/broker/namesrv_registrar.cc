#include "server/broker/namesrv_registrar.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/base/crc32.h"
#include "engine/base/strings.h"
#include "server/protocol/perm.h"
#include "server/protocol/register_broker_body.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/namesrv.h"

namespace tern::broker {

NamesrvRegistrar::NamesrvRegistrar(net::RemotingClient* client, const BrokerConfig* config,
                                   TopicConfigManager* topics, std::string broker_addr,
                                   const std::atomic<int32_t>* permission)
    : client_(client),
      config_(config),
      topics_(topics),
      permission_(permission),
      broker_addr_(std::move(broker_addr)) {}

void NamesrvRegistrar::ApplyBrokerPermission(std::map<std::string, TopicConfig>& table) const {
  const int32_t perm = permission_->load(std::memory_order_relaxed);
  if (protocol::IsReadable(perm) && protocol::IsWriteable(perm)) return;
  for (auto& [name, topic] : table) topic.perm = perm;
}

remoting::RemotingCommand NamesrvRegistrar::Header(int32_t code, const std::string& body) const {
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(code, 0);
  remoting::RegisterBrokerRequestHeader h;
  h.broker_name = config_->broker_name;
  h.broker_addr = broker_addr_;
  h.cluster_name = config_->broker_cluster_name;
  h.ha_server_addr = fmt::format("{}:{}", config_->broker_ip2, config_->listen_port + 1);
  h.broker_id = config_->broker_id;
  h.compressed = false;
  h.body_crc32 = RocketMqCrc(AsBytes(body));
  h.WriteTo(cmd.MutableFields());
  return cmd;
}

std::string NamesrvRegistrar::FullBody() const {
  const TopicConfigFile snap = topics_->Snapshot();
  protocol::RegisterBrokerBody body;
  body.topic_config_serialize_wrapper.data_version = snap.data_version;
  body.topic_config_serialize_wrapper.topic_config_table = snap.topic_config_table;
  ApplyBrokerPermission(body.topic_config_serialize_wrapper.topic_config_table);
  return body.Encode();
}

absl::Status NamesrvRegistrar::RegisterAllSync(std::chrono::milliseconds timeout) {
  const std::string body = FullBody();
  absl::Status first;
  for (const std::string& addr : config_->namesrv_list()) {
    absl::StatusOr<net::Response> r =
        client_->InvokeSync(addr, Header(remoting::request::kRegisterBroker, body), body, timeout);
    absl::Status s = r.status();
    if (r.ok() && r->command.code != remoting::response::kSuccess) {
      s = absl::UnavailableError(fmt::format("name server {} answered {}: {}", addr,
                                             r->command.code, r->command.remark.value_or("")));
    }
    if (!s.ok()) {
      spdlog::warn("register broker with name server {} failed: {}", addr, MessageOf(s));
      if (first.ok()) first = s;
    }
  }
  return first;
}

void NamesrvRegistrar::RegisterAllOneway() {
  const std::string body = FullBody();
  for (const std::string& addr : config_->namesrv_list()) {
    client_->InvokeOneway(addr, Header(remoting::request::kRegisterBroker, body), body);
  }
}

void NamesrvRegistrar::RegisterTopic(const TopicConfig& topic) {
  protocol::RegisterBrokerBody body;
  body.topic_config_serialize_wrapper.data_version = topics_->data_version();
  body.topic_config_serialize_wrapper.topic_config_table[topic.topic_name] = topic;
  ApplyBrokerPermission(body.topic_config_serialize_wrapper.topic_config_table);
  const std::string encoded = body.Encode();
  for (const std::string& addr : config_->namesrv_list()) {
    client_->Invoke(addr, Header(remoting::request::kRegisterBroker, encoded), encoded,
                    std::chrono::milliseconds(3000), [addr](absl::StatusOr<net::Response> r) {
                      if (!r.ok()) {
                        spdlog::warn("register topic with name server {} failed: {}", addr,
                                     MessageOf(r.status()));
                      }
                    });
  }
}

absl::Status NamesrvRegistrar::UnregisterAllSync(std::chrono::milliseconds timeout) {
  absl::Status first;
  for (const std::string& addr : config_->namesrv_list()) {
    remoting::RemotingCommand cmd =
        remoting::RemotingCommand::Request(remoting::request::kUnregisterBroker, 0);
    remoting::ExtFields& f = cmd.MutableFields();
    f.Set("brokerName", config_->broker_name);
    f.Set("brokerAddr", broker_addr_);
    f.Set("clusterName", config_->broker_cluster_name);
    f.Set("brokerId", std::to_string(config_->broker_id));
    absl::StatusOr<net::Response> r = client_->InvokeSync(addr, std::move(cmd), "", timeout);
    if (!r.ok() && first.ok()) first = r.status();
  }
  return first;
}

}  // namespace tern::broker
