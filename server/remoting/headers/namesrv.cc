#include "server/remoting/headers/namesrv.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<RegisterBrokerRequestHeader> RegisterBrokerRequestHeader::Parse(
    const RemotingCommand& cmd) {
  RegisterBrokerRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.broker_name, RequiredString(cmd, "brokerName"));
  TERN_ASSIGN_OR_RETURN(h.broker_addr, RequiredString(cmd, "brokerAddr"));
  TERN_ASSIGN_OR_RETURN(h.cluster_name, RequiredString(cmd, "clusterName"));
  TERN_ASSIGN_OR_RETURN(h.ha_server_addr, RequiredString(cmd, "haServerAddr"));
  TERN_ASSIGN_OR_RETURN(h.broker_id, RequiredInt64(cmd, "brokerId"));
  h.compressed = OptionalBool(cmd, "compressed", false);
  TERN_ASSIGN_OR_RETURN(h.body_crc32, OptionalInt32(cmd, "bodyCrc32", 0));
  return h;
}

void RegisterBrokerRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "brokerName", broker_name);
  PutString(out, "brokerAddr", broker_addr);
  PutString(out, "clusterName", cluster_name);
  PutString(out, "haServerAddr", ha_server_addr);
  PutInt(out, "brokerId", broker_id);
  PutBool(out, "compressed", compressed);
  PutInt(out, "bodyCrc32", body_crc32);
}

absl::StatusOr<RegisterBrokerResponseHeader> RegisterBrokerResponseHeader::Parse(
    const RemotingCommand& cmd) {
  RegisterBrokerResponseHeader h;
  h.ha_server_addr = OptionalString(cmd, "haServerAddr");
  h.master_addr = OptionalString(cmd, "masterAddr");
  return h;
}

void RegisterBrokerResponseHeader::WriteTo(ExtFields& out) const {
  if (ha_server_addr) PutString(out, "haServerAddr", *ha_server_addr);
  if (master_addr) PutString(out, "masterAddr", *master_addr);
}

absl::StatusOr<BrokerIdentityHeader> BrokerIdentityHeader::Parse(const RemotingCommand& cmd) {
  BrokerIdentityHeader h;
  TERN_ASSIGN_OR_RETURN(h.broker_name, RequiredString(cmd, "brokerName"));
  TERN_ASSIGN_OR_RETURN(h.broker_addr, RequiredString(cmd, "brokerAddr"));
  TERN_ASSIGN_OR_RETURN(h.cluster_name, RequiredString(cmd, "clusterName"));
  TERN_ASSIGN_OR_RETURN(h.broker_id, RequiredInt64(cmd, "brokerId"));
  return h;
}

void BrokerIdentityHeader::WriteTo(ExtFields& out) const {
  PutString(out, "brokerName", broker_name);
  PutString(out, "brokerAddr", broker_addr);
  PutString(out, "clusterName", cluster_name);
  PutInt(out, "brokerId", broker_id);
}

absl::StatusOr<QueryDataVersionResponseHeader> QueryDataVersionResponseHeader::Parse(
    const RemotingCommand& cmd) {
  QueryDataVersionResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.changed, RequiredBool(cmd, "changed"));
  return h;
}

void QueryDataVersionResponseHeader::WriteTo(ExtFields& out) const {
  PutBool(out, "changed", changed);
}

absl::StatusOr<GetRouteInfoRequestHeader> GetRouteInfoRequestHeader::Parse(
    const RemotingCommand& cmd) {
  GetRouteInfoRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  if (const std::string* v = cmd.Field("acceptStandardJsonOnly"); v != nullptr) {
    h.accept_standard_json_only = ParseJavaBool(*v);
  }
  return h;
}

void GetRouteInfoRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "topic", topic);
  if (accept_standard_json_only) {
    PutBool(out, "acceptStandardJsonOnly", *accept_standard_json_only);
  }
}

absl::StatusOr<PutKvConfigRequestHeader> PutKvConfigRequestHeader::Parse(
    const RemotingCommand& cmd) {
  PutKvConfigRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.kv_namespace, RequiredString(cmd, "namespace"));
  TERN_ASSIGN_OR_RETURN(h.key, RequiredString(cmd, "key"));
  TERN_ASSIGN_OR_RETURN(h.value, RequiredString(cmd, "value"));
  return h;
}

void PutKvConfigRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "namespace", kv_namespace);
  PutString(out, "key", key);
  PutString(out, "value", value);
}

absl::StatusOr<KvConfigKeyHeader> KvConfigKeyHeader::Parse(const RemotingCommand& cmd) {
  KvConfigKeyHeader h;
  TERN_ASSIGN_OR_RETURN(h.kv_namespace, RequiredString(cmd, "namespace"));
  TERN_ASSIGN_OR_RETURN(h.key, RequiredString(cmd, "key"));
  return h;
}

void KvConfigKeyHeader::WriteTo(ExtFields& out) const {
  PutString(out, "namespace", kv_namespace);
  PutString(out, "key", key);
}

absl::StatusOr<GetKvConfigResponseHeader> GetKvConfigResponseHeader::Parse(
    const RemotingCommand& cmd) {
  GetKvConfigResponseHeader h;
  h.value = OptionalString(cmd, "value");
  return h;
}

void GetKvConfigResponseHeader::WriteTo(ExtFields& out) const {
  if (value) PutString(out, "value", *value);
}

absl::StatusOr<GetKvListByNamespaceRequestHeader> GetKvListByNamespaceRequestHeader::Parse(
    const RemotingCommand& cmd) {
  GetKvListByNamespaceRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.kv_namespace, RequiredString(cmd, "namespace"));
  return h;
}

void GetKvListByNamespaceRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "namespace", kv_namespace);
}

absl::StatusOr<BrokerNameRequestHeader> BrokerNameRequestHeader::Parse(const RemotingCommand& cmd) {
  BrokerNameRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.broker_name, RequiredString(cmd, "brokerName"));
  return h;
}

void BrokerNameRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "brokerName", broker_name);
}

absl::StatusOr<WipeWritePermOfBrokerResponseHeader> WipeWritePermOfBrokerResponseHeader::Parse(
    const RemotingCommand& cmd) {
  WipeWritePermOfBrokerResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.wipe_topic_count, RequiredInt32(cmd, "wipeTopicCount"));
  return h;
}

void WipeWritePermOfBrokerResponseHeader::WriteTo(ExtFields& out) const {
  PutInt(out, "wipeTopicCount", wipe_topic_count);
}

absl::StatusOr<AddWritePermOfBrokerResponseHeader> AddWritePermOfBrokerResponseHeader::Parse(
    const RemotingCommand& cmd) {
  AddWritePermOfBrokerResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.add_topic_count, RequiredInt32(cmd, "addTopicCount"));
  return h;
}

void AddWritePermOfBrokerResponseHeader::WriteTo(ExtFields& out) const {
  PutInt(out, "addTopicCount", add_topic_count);
}

absl::StatusOr<GetTopicsByClusterRequestHeader> GetTopicsByClusterRequestHeader::Parse(
    const RemotingCommand& cmd) {
  GetTopicsByClusterRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.cluster, RequiredString(cmd, "cluster"));
  return h;
}

void GetTopicsByClusterRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "cluster", cluster);
}

absl::StatusOr<DeleteTopicFromNamesrvRequestHeader> DeleteTopicFromNamesrvRequestHeader::Parse(
    const RemotingCommand& cmd) {
  DeleteTopicFromNamesrvRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  h.cluster_name = OptionalString(cmd, "clusterName");
  return h;
}

void DeleteTopicFromNamesrvRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "topic", topic);
  if (cluster_name) PutString(out, "clusterName", *cluster_name);
}

}  // namespace tern::remoting
