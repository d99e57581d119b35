#include "server/broker/client_config_check.h"

#include <fmt/format.h>

#include "engine/base/strings.h"
#include "engine/metadata/fastjson.h"
#include "server/broker/sql_filter_cache.h"
#include "server/remoting/codes.h"

namespace tern::broker {

namespace code = remoting::response;
namespace md = engine::metadata;

absl::StatusOr<CheckClientRequest> DecodeCheckClientRequest(std::string_view body) {
  rapidjson::Document doc;
  if (absl::Status s = md::ParseFastjson(body, doc); !s.ok()) return s;
  CheckClientRequest out;
  if (doc.IsNull()) return out;  // Java: a "null" body checks nothing
  if (absl::Status s = md::ExpectObject(doc, "$"); !s.ok()) return s;
  if (absl::Status s = md::ReadMember(doc, "clientId", "$", out.client_id); !s.ok()) return s;
  if (absl::Status s = md::ReadMember(doc, "group", "$", out.group); !s.ok()) return s;
  absl::StatusOr<const rapidjson::Value*> sub = md::FindObjectMember(doc, "subscriptionData", "$");
  if (!sub.ok()) return sub.status();
  if (*sub != nullptr) {
    const rapidjson::Value& s = **sub;
    const std::string path = "$.subscriptionData";
    CheckClientRequest::Subscription d;
    for (auto [name, field] :
         {std::pair{"topic", &d.topic}, std::pair{"expressionType", &d.expression_type},
          std::pair{"subString", &d.sub_string}}) {
      if (absl::Status st = md::ReadMember(s, name, path, *field); !st.ok()) return st;
    }
    out.subscription = std::move(d);
  }
  return out;
}

namespace {

void Check(BrokerContext* ctx, const remoting::ChannelPtr& channel,
           const remoting::RemotingCommand& request, const std::string& body) {
  absl::StatusOr<CheckClientRequest> req = DecodeCheckClientRequest(body);
  if (!req.ok()) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("bad CHECK_CLIENT_CONFIG body: {}", MessageOf(req.status())));
  }
  if (!req->subscription) return Reply(channel, request, code::kSuccess, "");
  const CheckClientRequest::Subscription& sub = *req->subscription;
  if (sub.expression_type.empty() || sub.expression_type == "TAG") {
    return Reply(channel, request, code::kSuccess, "");
  }
  if (!ctx->config->enable_property_filter) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("The broker does not support consumer to filter message by {}",
                             sub.expression_type));
  }
  if (sub.expression_type != kExpressionTypeSql92) {
    return Reply(channel, request, code::kSubscriptionParseFailed,
                 fmt::format("unknown expression type '{}'", sub.expression_type));
  }
  absl::StatusOr<std::shared_ptr<const engine::MessageFilter>> f =
      ctx->sql_filters->Get(sub.sub_string);
  if (!f.ok()) {
    return Reply(channel, request, code::kSubscriptionParseFailed,
                 std::string(MessageOf(f.status())));
  }
  Reply(channel, request, code::kSuccess, "");
}

}  // namespace

void RegisterClientConfigCheck(BrokerContext* ctx, remoting::HandlerTable& table) {
  table.Register(remoting::request::kCheckClientConfig,
                 [ctx](const remoting::ChannelPtr& c, remoting::RemotingCommand r,
                       std::string body) { Check(ctx, c, r, body); });
}

}  // namespace tern::broker
