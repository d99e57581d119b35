#include "server/broker/heartbeat.h"

#include <fmt/format.h>

#include <array>

#include "engine/metadata/fastjson.h"
#include "server/protocol/body_json.h"
#include "server/protocol/json_writer.h"

namespace tern::broker {
namespace {

namespace md = engine::metadata;

// An enum given by name or by ordinal.
absl::StatusOr<std::string> EnumOf(const rapidjson::Value& obj, std::string_view name,
                                   std::span<const std::string_view> names,
                                   std::string_view fallback) {
  const rapidjson::Value* v = md::FindMember(obj, name);
  if (v == nullptr || v->IsNull()) return std::string(fallback);
  if (v->IsString()) {
    std::string s(v->GetString(), v->GetStringLength());
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
      const size_t i = std::stoul(s);
      if (i < names.size()) return std::string(names[i]);
    }
    return s;
  }
  if (v->IsInt()) {
    const int i = v->GetInt();
    if (i >= 0 && static_cast<size_t>(i) < names.size()) return std::string(names[i]);
  }
  return absl::InvalidArgumentError(fmt::format("heartbeat: bad value for {}", name));
}

constexpr std::array<std::string_view, 2> kConsumeTypes = {"CONSUME_ACTIVELY", "CONSUME_PASSIVELY"};
constexpr std::array<std::string_view, 2> kMessageModels = {"BROADCASTING", "CLUSTERING"};
constexpr std::array<std::string_view, 6> kConsumeFrom = {
    "CONSUME_FROM_LAST_OFFSET",  "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
    "CONSUME_FROM_MIN_OFFSET",   "CONSUME_FROM_MAX_OFFSET",
    "CONSUME_FROM_FIRST_OFFSET", "CONSUME_FROM_TIMESTAMP"};

absl::StatusOr<SubscriptionData> ReadSubscription(const rapidjson::Value& s) {
  std::string topic;
  std::string sub_string = "*";
  std::string type = "TAG";
  int64_t sub_version = 0;
  if (absl::Status st = md::ReadMember(s, "topic", "subscription", topic); !st.ok()) return st;
  if (absl::Status st = md::ReadMember(s, "subString", "subscription", sub_string); !st.ok()) {
    return st;
  }
  if (absl::Status st = md::ReadMember(s, "expressionType", "subscription", type); !st.ok()) {
    return st;
  }
  if (absl::Status st = md::ReadMember(s, "subVersion", "subscription", sub_version); !st.ok()) {
    return st;
  }
  if (topic.empty()) return absl::InvalidArgumentError("heartbeat: subscription without topic");
  // The tags from tagsSet when present (they are authoritative in Java), else from subString.
  const rapidjson::Value* tags = md::FindMember(s, "tagsSet");
  if (tags != nullptr && tags->IsArray() && !tags->Empty() && type == "TAG") {
    std::string expr;
    for (const auto& t : tags->GetArray()) {
      if (!t.IsString()) continue;
      if (!expr.empty()) expr += "||";
      expr.append(t.GetString(), t.GetStringLength());
    }
    return BuildSubscription(topic, expr, type, sub_version);
  }
  return BuildSubscription(topic, sub_string, type, sub_version);
}

}  // namespace

absl::StatusOr<HeartbeatData> DecodeHeartbeat(std::string_view body) {
  rapidjson::Document doc;
  if (absl::Status s = md::ParseFastjson(body, doc); !s.ok()) return s;
  if (!doc.IsObject()) return absl::InvalidArgumentError("heartbeat body is not a JSON object");
  HeartbeatData hb;
  if (absl::Status s = md::ReadMember(doc, "clientID", "heartbeat", hb.client_id); !s.ok()) {
    return s;
  }
  if (const rapidjson::Value* cs = md::FindMember(doc, "consumerDataSet");
      cs != nullptr && cs->IsArray()) {
    for (const auto& c : cs->GetArray()) {
      if (!c.IsObject()) continue;
      ConsumerHeartbeat ch;
      if (absl::Status s = md::ReadMember(c, "groupName", "consumerData", ch.group); !s.ok()) {
        return s;
      }
      if (ch.group.empty()) continue;
      absl::StatusOr<std::string> ct = EnumOf(c, "consumeType", kConsumeTypes, "CONSUME_PASSIVELY");
      absl::StatusOr<std::string> mm = EnumOf(c, "messageModel", kMessageModels, "CLUSTERING");
      absl::StatusOr<std::string> cf =
          EnumOf(c, "consumeFromWhere", kConsumeFrom, "CONSUME_FROM_LAST_OFFSET");
      if (!ct.ok()) return ct.status();
      if (!mm.ok()) return mm.status();
      if (!cf.ok()) return cf.status();
      ch.consume_type = *ct;
      ch.message_model = *mm;
      ch.consume_from_where = *cf;
      if (const rapidjson::Value* subs = md::FindMember(c, "subscriptionDataSet");
          subs != nullptr && subs->IsArray()) {
        for (const auto& s : subs->GetArray()) {
          if (!s.IsObject()) continue;
          absl::StatusOr<SubscriptionData> sub = ReadSubscription(s);
          if (!sub.ok()) return sub.status();
          ch.subscriptions.push_back(*std::move(sub));
        }
      }
      hb.consumers.push_back(std::move(ch));
    }
  }
  if (const rapidjson::Value* ps = md::FindMember(doc, "producerDataSet");
      ps != nullptr && ps->IsArray()) {
    for (const auto& p : ps->GetArray()) {
      std::string group;
      if (p.IsObject() && md::ReadMember(p, "groupName", "producerData", group).ok() &&
          !group.empty()) {
        hb.producer_groups.push_back(std::move(group));
      }
    }
  }
  return hb;
}

std::string EncodeConsumerIdList(const std::vector<std::string>& ids) {
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("consumerIdList");
  w.BeginArray();
  for (const std::string& id : ids) w.String(id);
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

}  // namespace tern::broker
