// namesrv.h: typed headers of the NameServer commands (protocol.md 2.3): REGISTER_BROKER
// (103), UNREGISTER_BROKER (104), QUERY_DATA_VERSION (322), GET_ROUTEINFO_BY_TOPIC (105), the
// KV config commands (100, 101, 102, 219), WIPE/ADD_WRITE_PERM_OF_BROKER (205, 327),
// GET_TOPICS_BY_CLUSTER (224) and DELETE_TOPIC_IN_NAMESRV (216).
//
// The broker writes the request headers (WriteTo) and the NameServer parses them (Parse), so
// both directions are here. Parse errors are InvalidArgument naming the field; WriteTo emits
// strings only. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

struct RegisterBrokerRequestHeader {
  std::string broker_name;
  std::string broker_addr;  // brokerIP1:listenPort
  std::string cluster_name;
  std::string ha_server_addr;  // brokerIP2:haListenPort
  int64_t broker_id = 0;       // 0 master, >= 1 slave
  bool compressed = false;
  int32_t body_crc32 = 0;  // masked CRC of the body as sent; 0 = don't check

  static absl::StatusOr<RegisterBrokerRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const RegisterBrokerRequestHeader&) const = default;
};

// Set only when a slave registers and its master is known; a master gets "extFields":{}.
struct RegisterBrokerResponseHeader {
  std::optional<std::string> ha_server_addr;
  std::optional<std::string> master_addr;

  static absl::StatusOr<RegisterBrokerResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const RegisterBrokerResponseHeader&) const = default;
};

// UNREGISTER_BROKER (104) and QUERY_DATA_VERSION (322) requests.
struct BrokerIdentityHeader {
  std::string broker_name;
  std::string broker_addr;
  std::string cluster_name;
  int64_t broker_id = 0;

  static absl::StatusOr<BrokerIdentityHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const BrokerIdentityHeader&) const = default;
};
using UnregisterBrokerRequestHeader = BrokerIdentityHeader;
using QueryDataVersionRequestHeader = BrokerIdentityHeader;

struct QueryDataVersionResponseHeader {
  bool changed = false;

  static absl::StatusOr<QueryDataVersionResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const QueryDataVersionResponseHeader&) const = default;
};

struct GetRouteInfoRequestHeader {
  std::string topic;
  std::optional<bool> accept_standard_json_only;

  static absl::StatusOr<GetRouteInfoRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const GetRouteInfoRequestHeader&) const = default;
};

// PUT_KV_CONFIG (100).
struct PutKvConfigRequestHeader {
  std::string kv_namespace;  // "namespace"
  std::string key;
  std::string value;

  static absl::StatusOr<PutKvConfigRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const PutKvConfigRequestHeader&) const = default;
};

// GET_KV_CONFIG (101) and DELETE_KV_CONFIG (102).
struct KvConfigKeyHeader {
  std::string kv_namespace;  // "namespace"
  std::string key;

  static absl::StatusOr<KvConfigKeyHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const KvConfigKeyHeader&) const = default;
};
using GetKvConfigRequestHeader = KvConfigKeyHeader;
using DeleteKvConfigRequestHeader = KvConfigKeyHeader;

struct GetKvConfigResponseHeader {
  std::optional<std::string> value;

  static absl::StatusOr<GetKvConfigResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const GetKvConfigResponseHeader&) const = default;
};

// GET_KVLIST_BY_NAMESPACE (219).
struct GetKvListByNamespaceRequestHeader {
  std::string kv_namespace;  // "namespace"

  static absl::StatusOr<GetKvListByNamespaceRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const GetKvListByNamespaceRequestHeader&) const = default;
};

// WIPE_WRITE_PERM_OF_BROKER (205) and ADD_WRITE_PERM_OF_BROKER (327) requests.
struct BrokerNameRequestHeader {
  std::string broker_name;

  static absl::StatusOr<BrokerNameRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const BrokerNameRequestHeader&) const = default;
};
using WipeWritePermOfBrokerRequestHeader = BrokerNameRequestHeader;
using AddWritePermOfBrokerRequestHeader = BrokerNameRequestHeader;

struct WipeWritePermOfBrokerResponseHeader {
  int32_t wipe_topic_count = 0;

  static absl::StatusOr<WipeWritePermOfBrokerResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const WipeWritePermOfBrokerResponseHeader&) const = default;
};

struct AddWritePermOfBrokerResponseHeader {
  int32_t add_topic_count = 0;

  static absl::StatusOr<AddWritePermOfBrokerResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const AddWritePermOfBrokerResponseHeader&) const = default;
};

// GET_TOPICS_BY_CLUSTER (224).
struct GetTopicsByClusterRequestHeader {
  std::string cluster;

  static absl::StatusOr<GetTopicsByClusterRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const GetTopicsByClusterRequestHeader&) const = default;
};

// DELETE_TOPIC_IN_NAMESRV (216).
struct DeleteTopicFromNamesrvRequestHeader {
  std::string topic;
  std::optional<std::string> cluster_name;

  static absl::StatusOr<DeleteTopicFromNamesrvRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const DeleteTopicFromNamesrvRequestHeader&) const = default;
};

}  // namespace tern::remoting
