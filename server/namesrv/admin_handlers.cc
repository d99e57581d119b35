#include "server/namesrv/admin_handlers.h"

#include <fmt/format.h>

#include <utility>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "server/namesrv/reply.h"
#include "server/protocol/java_properties.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"

namespace tern::namesrv {

using remoting::ChannelPtr;
using remoting::RemotingCommand;
namespace request_code = remoting::request;
namespace response_code = remoting::response;

namespace {

std::string_view AdminCodeName(int32_t code) {
  switch (code) {
    case request_code::kPutKvConfig:
      return "PUT_KV_CONFIG";
    case request_code::kDeleteKvConfig:
      return "DELETE_KV_CONFIG";
    case request_code::kWipeWritePermOfBroker:
      return "WIPE_WRITE_PERM_OF_BROKER";
    case request_code::kAddWritePermOfBroker:
      return "ADD_WRITE_PERM_OF_BROKER";
    case request_code::kDeleteTopicInNamesrv:
      return "DELETE_TOPIC_IN_NAMESRV";
    case request_code::kUpdateNamesrvConfig:
      return "UPDATE_NAMESRV_CONFIG";
    default:
      return "admin request";
  }
}

}  // namespace

bool IsAdminWriteCode(int32_t code) {
  switch (code) {
    case request_code::kPutKvConfig:
    case request_code::kDeleteKvConfig:
    case request_code::kWipeWritePermOfBroker:
    case request_code::kAddWritePermOfBroker:
    case request_code::kDeleteTopicInNamesrv:
    case request_code::kUpdateNamesrvConfig:
      return true;
    default:
      return false;
  }
}

AdminHandlers::AdminHandlers(RouteTable* routes, KvConfigManager* kv, RuntimeConfig* config)
    : routes_(routes), kv_(kv), config_(config) {}

void AdminHandlers::Register(remoting::HandlerTable& table) {
  table.Register(request_code::kPutKvConfig, [this](const ChannelPtr& c, RemotingCommand r,
                                                    std::string) { PutKvConfig(c, r); });
  table.Register(request_code::kGetKvConfig, [this](const ChannelPtr& c, RemotingCommand r,
                                                    std::string) { GetKvConfig(c, r); });
  table.Register(request_code::kDeleteKvConfig, [this](const ChannelPtr& c, RemotingCommand r,
                                                       std::string) { DeleteKvConfig(c, r); });
  table.Register(request_code::kGetKvlistByNamespace,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) { GetKvList(c, r); });
  table.Register(request_code::kWipeWritePermOfBroker,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) {
                   UpdateWritePerm(c, r, /*writable=*/false);
                 });
  table.Register(request_code::kAddWritePermOfBroker,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) {
                   UpdateWritePerm(c, r, /*writable=*/true);
                 });
  table.Register(request_code::kDeleteTopicInNamesrv, [this](const ChannelPtr& c, RemotingCommand r,
                                                             std::string) { DeleteTopic(c, r); });
  table.Register(request_code::kUpdateNamesrvConfig,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string body) {
                   UpdateConfig(c, r, body);
                 });
  table.Register(request_code::kGetNamesrvConfig,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) { GetConfig(c, r); });
}

bool AdminHandlers::Admit(const ChannelPtr& channel, const RemotingCommand& request) {
  if (!IsAdminWriteCode(request.code) || channel->is_loopback() ||
      config_->Get().admin_allow_remote) {
    return true;
  }
  Reply(channel, request, response_code::kNoPermission,
        fmt::format("{} ({}) is accepted only from loopback (adminAllowRemote=false); refused "
                    "for {}",
                    AdminCodeName(request.code), request.code, channel->remote_address()));
  return false;
}

void AdminHandlers::PutKvConfig(const ChannelPtr& channel, const RemotingCommand& request) {
  if (!Admit(channel, request)) return;
  absl::StatusOr<std::string> ns = remoting::RequiredString(request, "namespace");
  if (!ns.ok()) return ReplySystemError(channel, request, ns.status());
  absl::StatusOr<std::string> key = remoting::RequiredString(request, "key");
  if (!key.ok()) return ReplySystemError(channel, request, key.status());
  absl::StatusOr<std::string> value = remoting::RequiredString(request, "value");
  if (!value.ok()) return ReplySystemError(channel, request, value.status());
  if (absl::Status s = kv_->Put(*ns, *key, *value); !s.ok()) {
    return ReplySystemError(
        channel, request,
        absl::InternalError(fmt::format("kv config not saved: {}", MessageOf(s))));
  }
  Reply(channel, request, response_code::kSuccess);
}

void AdminHandlers::GetKvConfig(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<std::string> ns = remoting::RequiredString(request, "namespace");
  if (!ns.ok()) return ReplySystemError(channel, request, ns.status());
  absl::StatusOr<std::string> key = remoting::RequiredString(request, "key");
  if (!key.ok()) return ReplySystemError(channel, request, key.status());
  remoting::ExtFields ext;
  std::optional<std::string> value = kv_->Get(*ns, *key);
  if (!value.has_value()) {
    return Reply(channel, request, response_code::kQueryNotFound,
                 fmt::format("No config item, Namespace: {} Key: {}", *ns, *key), {},
                 std::move(ext));
  }
  ext.Set("value", *std::move(value));
  Reply(channel, request, response_code::kSuccess, std::nullopt, {}, std::move(ext));
}

void AdminHandlers::DeleteKvConfig(const ChannelPtr& channel, const RemotingCommand& request) {
  if (!Admit(channel, request)) return;
  absl::StatusOr<std::string> ns = remoting::RequiredString(request, "namespace");
  if (!ns.ok()) return ReplySystemError(channel, request, ns.status());
  absl::StatusOr<std::string> key = remoting::RequiredString(request, "key");
  if (!key.ok()) return ReplySystemError(channel, request, key.status());
  if (absl::Status s = kv_->Delete(*ns, *key); !s.ok()) {
    return ReplySystemError(
        channel, request,
        absl::InternalError(fmt::format("kv config not saved: {}", MessageOf(s))));
  }
  Reply(channel, request, response_code::kSuccess);
}

void AdminHandlers::GetKvList(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<std::string> ns = remoting::RequiredString(request, "namespace");
  if (!ns.ok()) return ReplySystemError(channel, request, ns.status());
  std::optional<protocol::KVTable> table = kv_->GetNamespace(*ns);
  if (!table.has_value()) {
    return Reply(channel, request, response_code::kQueryNotFound,
                 fmt::format("No config item, Namespace: {}", *ns));
  }
  Reply(channel, request, response_code::kSuccess, std::nullopt, table->Encode());
}

void AdminHandlers::UpdateWritePerm(const ChannelPtr& channel, const RemotingCommand& request,
                                    bool writable) {
  if (!Admit(channel, request)) return;
  absl::StatusOr<std::string> broker = remoting::RequiredString(request, "brokerName");
  if (!broker.ok()) return ReplySystemError(channel, request, broker.status());
  const int count = writable ? routes_->AddWritePerm(*broker) : routes_->WipeWritePerm(*broker);
  remoting::ExtFields ext;
  ext.Set(writable ? "addTopicCount" : "wipeTopicCount", std::to_string(count));
  Reply(channel, request, response_code::kSuccess, std::nullopt, {}, std::move(ext));
}

void AdminHandlers::DeleteTopic(const ChannelPtr& channel, const RemotingCommand& request) {
  if (!Admit(channel, request)) return;
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return ReplySystemError(channel, request, topic.status());
  const std::optional<std::string> cluster = remoting::OptionalString(request, "clusterName");
  if (cluster.has_value() && !cluster->empty()) {
    routes_->DeleteTopic(*topic, *cluster);
  } else {
    routes_->DeleteTopic(*topic);
  }
  Reply(channel, request, response_code::kSuccess);
}

void AdminHandlers::UpdateConfig(const ChannelPtr& channel, const RemotingCommand& request,
                                 const std::string& body) {
  if (!Admit(channel, request)) return;
  const absl::Status s = config_->ApplyUpdate(body);
  if (absl::IsPermissionDenied(s)) {
    return Reply(channel, request, response_code::kNoPermission, std::string(MessageOf(s)));
  }
  if (!s.ok()) return ReplySystemError(channel, request, s);
  Reply(channel, request, response_code::kSuccess);
}

void AdminHandlers::GetConfig(const ChannelPtr& channel, const RemotingCommand& request) {
  Reply(channel, request, response_code::kSuccess, std::nullopt,
        protocol::FormatJavaProperties(config_->Get().ToProperties()));
}

}  // namespace tern::namesrv
