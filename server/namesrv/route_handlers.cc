#include "server/namesrv/route_handlers.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "engine/base/crc32.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "server/namesrv/reply.h"
#include "server/protocol/register_broker_body.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"

namespace tern::namesrv {

using remoting::ChannelPtr;
using remoting::RemotingCommand;
namespace request_code = remoting::request;
namespace response_code = remoting::response;

namespace {

struct BrokerHeader {
  std::string broker_name;
  std::string broker_addr;
  std::string cluster_name;
  int64_t broker_id = 0;
};

// brokerName, brokerAddr, clusterName, brokerId: all required (@CFNotNull in Java).
absl::StatusOr<BrokerHeader> ReadBrokerHeader(const RemotingCommand& request) {
  BrokerHeader h;
  TERN_ASSIGN_OR_RETURN(h.broker_name, remoting::RequiredString(request, "brokerName"));
  TERN_ASSIGN_OR_RETURN(h.broker_addr, remoting::RequiredString(request, "brokerAddr"));
  TERN_ASSIGN_OR_RETURN(h.cluster_name, remoting::RequiredString(request, "clusterName"));
  TERN_ASSIGN_OR_RETURN(h.broker_id, remoting::RequiredInt64(request, "brokerId"));
  return h;
}

absl::StatusOr<protocol::RegisterBrokerBody> DecodeRegisterBody(const RemotingCommand& request,
                                                                const std::string& body,
                                                                bool compressed) {
  protocol::RegisterBrokerBody decoded;
  if (body.empty()) return decoded;  // Java: DataVersion {counter 0, timestamp 0}, no topics
  // Brokers older than V3_0_11 sent a bare TopicConfigSerializeWrapper. The version alone
  // would misread a current body from a sender that leaves `version` at 0, so the body must
  // also lack the RegisterBrokerBody member.
  if (!compressed && request.version < remoting::version::kV3_0_11 &&
      body.find("topicConfigSerializeWrapper") == std::string::npos) {
    TERN_ASSIGN_OR_RETURN(decoded.topic_config_serialize_wrapper,
                          protocol::TopicConfigSerializeWrapper::Decode(body));
    return decoded;
  }
  return protocol::RegisterBrokerBody::Decode(body, compressed);
}

}  // namespace

RouteHandlers::RouteHandlers(RouteTable* routes, KvConfigManager* kv, const RuntimeConfig* config)
    : routes_(routes), kv_(kv), config_(config) {}

void RouteHandlers::Register(remoting::HandlerTable& table) {
  table.Register(request_code::kRegisterBroker,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string body) {
                   RegisterBroker(c, r, body);
                 });
  table.Register(request_code::kUnregisterBroker, [this](const ChannelPtr& c, RemotingCommand r,
                                                         std::string) { UnregisterBroker(c, r); });
  table.Register(request_code::kGetRouteinfoByTopic, [this](const ChannelPtr& c, RemotingCommand r,
                                                            std::string) { GetRouteInfo(c, r); });
  table.Register(
      request_code::kGetBrokerClusterInfo,
      [this](const ChannelPtr& c, RemotingCommand r, std::string) { GetClusterInfo(c, r); });
  table.Register(
      request_code::kGetAllTopicListFromNameserver,
      [this](const ChannelPtr& c, RemotingCommand r, std::string) { GetAllTopics(c, r); });
  table.Register(
      request_code::kGetTopicsByCluster,
      [this](const ChannelPtr& c, RemotingCommand r, std::string) { GetTopicsByCluster(c, r); });
  table.Register(
      request_code::kGetSystemTopicListFromNs,
      [this](const ChannelPtr& c, RemotingCommand r, std::string) { GetSystemTopics(c, r); });
  table.Register(request_code::kQueryDataVersion,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string body) {
                   QueryDataVersion(c, r, body);
                 });
}

void RouteHandlers::RegisterBroker(const ChannelPtr& channel, const RemotingCommand& request,
                                   const std::string& body) {
  absl::StatusOr<BrokerHeader> header = ReadBrokerHeader(request);
  if (!header.ok()) return ReplySystemError(channel, request, header.status());
  absl::StatusOr<std::string> ha_server_addr = remoting::RequiredString(request, "haServerAddr");
  if (!ha_server_addr.ok()) return ReplySystemError(channel, request, ha_server_addr.status());
  const absl::StatusOr<int32_t> body_crc = remoting::OptionalInt32(request, "bodyCrc32", 0);
  if (!body_crc.ok()) return ReplySystemError(channel, request, body_crc.status());
  const bool compressed = remoting::OptionalBool(request, "compressed", false);

  if (*body_crc != 0 && RocketMqCrc(AsBytes(body)) != *body_crc) {
    return Reply(channel, request, response_code::kSystemError, "crc32 not match", {},
                 remoting::ExtFields());
  }
  absl::StatusOr<protocol::RegisterBrokerBody> decoded =
      DecodeRegisterBody(request, body, compressed);
  if (!decoded.ok()) {
    return Reply(
        channel, request, response_code::kSystemError,
        fmt::format("failed to decode RegisterBrokerBody: {}", MessageOf(decoded.status())), {},
        remoting::ExtFields());
  }

  BrokerRegistration registration{header->cluster_name,       header->broker_addr,
                                  header->broker_name,        header->broker_id,
                                  *std::move(ha_server_addr), channel->id()};
  const RegisterResult result = routes_->Register(
      registration, decoded->topic_config_serialize_wrapper, decoded->filter_server_list);
  {
    MutexLock lock(&channels_mu_);
    broker_channels_.insert_or_assign(channel->id(), channel);
  }

  remoting::ExtFields ext;
  if (result.ha_server_addr.has_value()) ext.Set("haServerAddr", *result.ha_server_addr);
  if (result.master_addr.has_value()) ext.Set("masterAddr", *result.master_addr);
  std::string response_body;
  if (std::optional<protocol::KVTable> order = kv_->GetNamespace(kOrderTopicConfigNamespace)) {
    response_body = order->Encode();
  }
  Reply(channel, request, response_code::kSuccess, std::nullopt, std::move(response_body),
        std::move(ext));
}

void RouteHandlers::UnregisterBroker(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<BrokerHeader> header = ReadBrokerHeader(request);
  if (!header.ok()) return ReplySystemError(channel, request, header.status());
  routes_->Unregister(header->cluster_name, header->broker_addr, header->broker_name,
                      header->broker_id);
  Reply(channel, request, response_code::kSuccess);
}

void RouteHandlers::GetRouteInfo(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return ReplySystemError(channel, request, topic.status());
  // acceptStandardJsonOnly is ignored: the route is always standard JSON (route_data.h).
  std::optional<protocol::TopicRouteData> route = routes_->PickupRoute(*topic);
  if (!route.has_value()) {
    return Reply(channel, request, response_code::kTopicNotExist,
                 fmt::format("No topic route info in name server for the topic: {}\nSee "
                             "http://rocketmq.apache.org/docs/faq/ for further details.",
                             *topic));
  }
  if (config_->Get().order_message_enable) {
    route->order_topic_conf = kv_->Get(kOrderTopicConfigNamespace, *topic);
  }
  Reply(channel, request, response_code::kSuccess, std::nullopt, route->Encode());
}

void RouteHandlers::GetClusterInfo(const ChannelPtr& channel, const RemotingCommand& request) {
  Reply(channel, request, response_code::kSuccess, std::nullopt,
        routes_->GetClusterInfo().Encode());
}

void RouteHandlers::GetAllTopics(const ChannelPtr& channel, const RemotingCommand& request) {
  Reply(channel, request, response_code::kSuccess, std::nullopt, routes_->GetAllTopics().Encode());
}

void RouteHandlers::GetTopicsByCluster(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<std::string> cluster = remoting::RequiredString(request, "cluster");
  if (!cluster.ok()) return ReplySystemError(channel, request, cluster.status());
  Reply(channel, request, response_code::kSuccess, std::nullopt,
        routes_->GetTopicsByCluster(*cluster).Encode());
}

void RouteHandlers::GetSystemTopics(const ChannelPtr& channel, const RemotingCommand& request) {
  Reply(channel, request, response_code::kSuccess, std::nullopt,
        routes_->GetSystemTopics().Encode());
}

void RouteHandlers::QueryDataVersion(const ChannelPtr& channel, const RemotingCommand& request,
                                     const std::string& body) {
  absl::StatusOr<BrokerHeader> header = ReadBrokerHeader(request);
  if (!header.ok()) return ReplySystemError(channel, request, header.status());
  absl::StatusOr<protocol::DataVersion> version = protocol::DecodeDataVersion(body);
  if (!version.ok()) {
    return ReplySystemError(
        channel, request,
        absl::InvalidArgumentError(fmt::format("QUERY_DATA_VERSION body is not a DataVersion: {}",
                                               MessageOf(version.status()))));
  }
  const bool changed = routes_->IsTopicConfigChanged(header->broker_addr, *version);
  if (!changed) routes_->Touch(header->broker_addr);
  std::string response_body;
  if (std::optional<protocol::DataVersion> stored =
          routes_->BrokerDataVersion(header->broker_addr)) {
    response_body = protocol::EncodeDataVersion(*stored);
  }
  remoting::ExtFields ext;
  ext.Set("changed", changed ? "true" : "false");
  Reply(channel, request, response_code::kSuccess, std::nullopt, std::move(response_body),
        std::move(ext));
}

void RouteHandlers::OnChannelClosed(uint64_t channel_id) {
  routes_->OnChannelClosed(channel_id);
  MutexLock lock(&channels_mu_);
  broker_channels_.erase(channel_id);
}

int RouteHandlers::Scan(int64_t now_millis) {
  const std::vector<DroppedBroker> dropped = routes_->ScanExpired(now_millis);
  std::vector<remoting::ChannelPtr> to_close;
  {
    MutexLock lock(&channels_mu_);
    for (const DroppedBroker& d : dropped) {
      const auto it = broker_channels_.find(d.channel_id);
      if (it == broker_channels_.end()) continue;
      if (remoting::ChannelPtr c = it->second.lock()) to_close.push_back(std::move(c));
      broker_channels_.erase(it);
    }
  }
  // Outside the lock: Close may call OnChannelClosed.
  for (const remoting::ChannelPtr& c : to_close) c->Close(/*flush=*/false);
  return static_cast<int>(dropped.size());
}

}  // namespace tern::namesrv
