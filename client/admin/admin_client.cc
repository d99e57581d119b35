// AdminClient: construction, the request helpers and the name server calls.
#include "client/admin/admin_client.h"

#include <fmt/format.h>

#include <set>

#include "client/status_codes.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"
#include "server/remoting/headers/namesrv.h"

namespace tern::client::admin {

namespace req = remoting::request;
namespace code = remoting::response;
using remoting::RemotingCommand;

std::optional<std::string> SelectBrokerAddr(const protocol::BrokerData& broker) {
  if (broker.broker_addrs.empty()) return std::nullopt;
  return broker.broker_addrs.begin()->second;  // std::map: id 0 (the master) first
}

AdminClient::AdminClient(AdminOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<AdminClient>> AdminClient::Create(AdminOptions options) {
  if (options.namesrv_addrs.empty()) {
    return absl::InvalidArgumentError(
        "no name server address: pass -n ip:port[;ip:port] or set NAMESRV_ADDR");
  }
  std::unique_ptr<AdminClient> admin(new AdminClient(std::move(options)));
  ClientConfig config;
  config.namesrv_addrs = admin->options_.namesrv_addrs;
  config.instance_name = admin->options_.instance_name;
  config.request_timeout = admin->options_.timeout;
  admin->instance_ = std::make_unique<ClientInstance>(std::move(config));
  TERN_RETURN_IF_ERROR(admin->instance_->Start());
  admin->remoting_ = std::make_unique<net::RemotingClient>(&admin->instance_->pool(), nullptr);
  return admin;
}

AdminClient::~AdminClient() {
  remoting_.reset();  // uses the instance's pool
  if (instance_) instance_->Shutdown();
}

absl::StatusOr<net::Response> AdminClient::Send(Peer peer, const std::string& addr,
                                                RemotingCommand request, std::string body,
                                                std::string_view what) {
  absl::StatusOr<net::Response> r =
      remoting_->InvokeSync(addr, std::move(request), std::move(body), options_.timeout);
  if (!r.ok()) {
    return absl::Status(
        r.status().code(),
        fmt::format("{} to {} {}: {}", what, peer == Peer::kBroker ? "broker" : "name server", addr,
                    MessageOf(r.status())));
  }
  return r;
}

absl::StatusOr<net::Response> AdminClient::Call(Peer peer, const std::string& addr,
                                                RemotingCommand request, std::string body,
                                                std::string_view what) {
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        Send(peer, addr, std::move(request), std::move(body), what));
  if (r.command.code != code::kSuccess) {
    return BrokerError(
        r.command.code, r.command.remark.value_or(""),
        fmt::format("{} to {} {}", what, peer == Peer::kBroker ? "broker" : "name server", addr));
  }
  return r;
}

absl::StatusOr<net::Response> AdminClient::CallNamesrv(RemotingCommand request,
                                                       std::string_view what) {
  absl::Status last = absl::UnavailableError("no name server");
  for (const std::string& addr : options_.namesrv_addrs) {
    absl::StatusOr<net::Response> r = Send(Peer::kNameServer, addr, request, "", what);
    if (!r.ok()) {
      last = r.status();
      continue;  // the next name server
    }
    if (r->command.code != code::kSuccess) {
      return BrokerError(r->command.code, r->command.remark.value_or(""),
                         fmt::format("{} to name server {}", what, addr));
    }
    return r;
  }
  return last;
}

absl::StatusOr<protocol::ClusterInfo> AdminClient::ClusterInfo() {
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        CallNamesrv(RemotingCommand::Request(req::kGetBrokerClusterInfo, 0),
                                    "GET_BROKER_CLUSTER_INFO (106)"));
  return protocol::ClusterInfo::Decode(r.body);
}

absl::StatusOr<protocol::TopicList> AdminClient::TopicList() {
  TERN_ASSIGN_OR_RETURN(
      net::Response r, CallNamesrv(RemotingCommand::Request(req::kGetAllTopicListFromNameserver, 0),
                                   "GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206)"));
  return protocol::TopicList::Decode(r.body);
}

absl::StatusOr<protocol::TopicList> AdminClient::TopicsOfCluster(const std::string& cluster) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetTopicsByCluster, 0);
  remoting::GetTopicsByClusterRequestHeader h;
  h.cluster = cluster;
  h.WriteTo(cmd.MutableFields());
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        CallNamesrv(std::move(cmd), "GET_TOPICS_BY_CLUSTER (224)"));
  return protocol::TopicList::Decode(r.body);
}

absl::StatusOr<protocol::TopicRouteData> AdminClient::TopicRoute(const std::string& topic) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetRouteinfoByTopic, 0);
  remoting::GetRouteInfoRequestHeader h;
  h.topic = topic;
  h.WriteTo(cmd.MutableFields());
  TERN_ASSIGN_OR_RETURN(
      net::Response r,
      CallNamesrv(std::move(cmd), fmt::format("GET_ROUTEINFO_BY_TOPIC (105) of {}", topic)));
  return protocol::TopicRouteData::Decode(r.body);
}

absl::Status AdminClient::DeleteTopicInNamesrv(const std::string& namesrv_addr,
                                               const std::string& topic) {
  RemotingCommand cmd = RemotingCommand::Request(req::kDeleteTopicInNamesrv, 0);
  remoting::DeleteTopicFromNamesrvRequestHeader h;
  h.topic = topic;
  h.WriteTo(cmd.MutableFields());
  return Call(Peer::kNameServer, namesrv_addr, std::move(cmd), "",
              fmt::format("DELETE_TOPIC_IN_NAMESRV (216) of {}", topic))
      .status();
}

absl::Status AdminClient::PutKvConfig(const std::string& ns, const std::string& key,
                                      const std::string& value) {
  for (const std::string& addr : options_.namesrv_addrs) {
    RemotingCommand cmd = RemotingCommand::Request(req::kPutKvConfig, 0);
    remoting::PutKvConfigRequestHeader h;
    h.kv_namespace = ns;
    h.key = key;
    h.value = value;
    h.WriteTo(cmd.MutableFields());
    TERN_RETURN_IF_ERROR(
        Call(Peer::kNameServer, addr, std::move(cmd), "", "PUT_KV_CONFIG (100)").status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> AdminClient::GetKvConfig(const std::string& ns,
                                                     const std::string& key) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetKvConfig, 0);
  remoting::GetKvConfigRequestHeader h;
  h.kv_namespace = ns;
  h.key = key;
  h.WriteTo(cmd.MutableFields());
  TERN_ASSIGN_OR_RETURN(net::Response r, CallNamesrv(std::move(cmd), "GET_KV_CONFIG (101)"));
  TERN_ASSIGN_OR_RETURN(remoting::GetKvConfigResponseHeader rh,
                        remoting::GetKvConfigResponseHeader::Parse(r.command));
  return rh.value.value_or("");
}

absl::Status AdminClient::DeleteKvConfig(const std::string& ns, const std::string& key) {
  for (const std::string& addr : options_.namesrv_addrs) {
    RemotingCommand cmd = RemotingCommand::Request(req::kDeleteKvConfig, 0);
    remoting::DeleteKvConfigRequestHeader h;
    h.kv_namespace = ns;
    h.key = key;
    h.WriteTo(cmd.MutableFields());
    TERN_RETURN_IF_ERROR(
        Call(Peer::kNameServer, addr, std::move(cmd), "", "DELETE_KV_CONFIG (102)").status());
  }
  return absl::OkStatus();
}

absl::StatusOr<protocol::KVTable> AdminClient::KvList(const std::string& ns) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetKvlistByNamespace, 0);
  remoting::GetKvListByNamespaceRequestHeader h;
  h.kv_namespace = ns;
  h.WriteTo(cmd.MutableFields());
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        CallNamesrv(std::move(cmd), "GET_KVLIST_BY_NAMESPACE (219)"));
  return protocol::KVTable::Decode(r.body);
}

absl::StatusOr<protocol::PropertyEntries> AdminClient::NamesrvConfig(
    const std::string& namesrv_addr) {
  TERN_ASSIGN_OR_RETURN(net::Response r, Call(Peer::kNameServer, namesrv_addr,
                                              RemotingCommand::Request(req::kGetNamesrvConfig, 0),
                                              "", "GET_NAMESRV_CONFIG (319)"));
  return protocol::ParseJavaProperties(r.body);
}

absl::Status AdminClient::UpdateNamesrvConfig(const std::string& namesrv_addr,
                                              const protocol::PropertyEntries& entries) {
  return Call(Peer::kNameServer, namesrv_addr,
              RemotingCommand::Request(req::kUpdateNamesrvConfig, 0),
              protocol::FormatJavaProperties(entries), "UPDATE_NAMESRV_CONFIG (318)")
      .status();
}

absl::StatusOr<int32_t> AdminClient::WipeWritePerm(const std::string& namesrv_addr,
                                                   const std::string& broker_name) {
  RemotingCommand cmd = RemotingCommand::Request(req::kWipeWritePermOfBroker, 0);
  remoting::WipeWritePermOfBrokerRequestHeader h;
  h.broker_name = broker_name;
  h.WriteTo(cmd.MutableFields());
  TERN_ASSIGN_OR_RETURN(net::Response r, Call(Peer::kNameServer, namesrv_addr, std::move(cmd), "",
                                              "WIPE_WRITE_PERM_OF_BROKER (205)"));
  TERN_ASSIGN_OR_RETURN(remoting::WipeWritePermOfBrokerResponseHeader rh,
                        remoting::WipeWritePermOfBrokerResponseHeader::Parse(r.command));
  return rh.wipe_topic_count;
}

absl::StatusOr<int32_t> AdminClient::AddWritePerm(const std::string& namesrv_addr,
                                                  const std::string& broker_name) {
  RemotingCommand cmd = RemotingCommand::Request(req::kAddWritePermOfBroker, 0);
  remoting::AddWritePermOfBrokerRequestHeader h;
  h.broker_name = broker_name;
  h.WriteTo(cmd.MutableFields());
  TERN_ASSIGN_OR_RETURN(net::Response r, Call(Peer::kNameServer, namesrv_addr, std::move(cmd), "",
                                              "ADD_WRITE_PERM_OF_BROKER (327)"));
  TERN_ASSIGN_OR_RETURN(remoting::AddWritePermOfBrokerResponseHeader rh,
                        remoting::AddWritePermOfBrokerResponseHeader::Parse(r.command));
  return rh.add_topic_count;
}

namespace {

absl::StatusOr<std::vector<std::string>> ClusterAddrs(const protocol::ClusterInfo& info,
                                                      const std::string& cluster,
                                                      bool masters_only) {
  auto it = info.cluster_addr_table.find(cluster);
  if (it == info.cluster_addr_table.end()) {
    return absl::NotFoundError(fmt::format(
        "cluster '{}' is not known to the name server; make sure the cluster name exists or "
        "the name server is the right one",
        cluster));
  }
  std::set<std::string> addrs;
  for (const std::string& name : it->second) {
    auto b = info.broker_addr_table.find(name);
    if (b == info.broker_addr_table.end()) continue;
    for (const auto& [id, addr] : b->second.broker_addrs) {
      if (!masters_only || id == 0) addrs.insert(addr);
    }
  }
  return std::vector<std::string>(addrs.begin(), addrs.end());
}

}  // namespace

absl::StatusOr<std::vector<std::string>> AdminClient::MasterAddrs(const std::string& cluster) {
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, ClusterInfo());
  return ClusterAddrs(info, cluster, /*masters_only=*/true);
}

absl::StatusOr<std::vector<std::string>> AdminClient::AllBrokerAddrs(const std::string& cluster) {
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, ClusterInfo());
  return ClusterAddrs(info, cluster, /*masters_only=*/false);
}

absl::StatusOr<std::string> AdminClient::BrokerNameOf(const std::string& addr) {
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, ClusterInfo());
  for (const auto& [name, data] : info.broker_addr_table) {
    for (const auto& [id, a] : data.broker_addrs) {
      if (a == addr) return name;
    }
  }
  return absl::NotFoundError(fmt::format("no broker registered at {}", addr));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> AdminClient::RouteBrokers(
    const std::string& topic) {
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, TopicRoute(topic));
  std::vector<std::pair<std::string, std::string>> out;
  for (const protocol::BrokerData& b : route.broker_datas) {
    if (std::optional<std::string> addr = SelectBrokerAddr(b))
      out.emplace_back(b.broker_name, *addr);
  }
  return out;
}

}  // namespace tern::client::admin
