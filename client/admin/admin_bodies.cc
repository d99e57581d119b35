#include "client/admin/admin_bodies.h"

#include <fmt/format.h>

#include <algorithm>

#include "client/admin/bean_key_json.h"
#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"

namespace tern::client::admin {

namespace md = engine::metadata;

namespace {

absl::Status ReadDouble(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, double& out) {
  const rapidjson::Value* v = md::FindMember(object, name);
  if (v == nullptr || v->IsNull()) return absl::OkStatus();
  if (v->IsNumber()) {
    out = v->GetDouble();
    return absl::OkStatus();
  }
  if (v->IsString()) {
    const std::string text = md::StringOf(*v);
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) {
      out = d;
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(fmt::format("{} is not a number", md::MemberPath(path, name)));
}

// An enum member written by name (fastjson's default) or by ordinal.
absl::Status ReadEnum(const rapidjson::Value& object, std::string_view name, std::string_view path,
                      std::initializer_list<std::string_view> names, std::string& out) {
  const rapidjson::Value* v = md::FindMember(object, name);
  if (v == nullptr || v->IsNull()) return absl::OkStatus();
  const std::string member = md::MemberPath(path, name);
  if (v->IsString()) {
    out = md::StringOf(*v);
    const bool numeric = !out.empty() && std::all_of(out.begin(), out.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
    if (!numeric) return absl::OkStatus();
  }
  TERN_ASSIGN_OR_RETURN(const int64_t ordinal, md::ToInt64(*v, member));
  if (ordinal < 0 || ordinal >= static_cast<int64_t>(names.size())) {
    return absl::InvalidArgumentError(fmt::format("{}: no constant {}", member, ordinal));
  }
  out = std::string(*(names.begin() + ordinal));
  return absl::OkStatus();
}

// Visits every member of the bean-keyed map `name` (absent or null: none).
template <typename Fn>
absl::Status ForEachQueue(const rapidjson::Value& object, std::string_view name,
                          std::string_view path, Fn fn) {
  const std::string map_path = md::MemberPath(path, name);
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* table, md::FindObjectMember(object, name, path));
  if (table == nullptr) return absl::OkStatus();
  for (auto m = table->MemberBegin(); m != table->MemberEnd(); ++m) {
    TERN_ASSIGN_OR_RETURN(MessageQueue mq, ReadMessageQueueKey(md::StringOf(m->name), map_path));
    const std::string entry_path = md::MemberPath(map_path, mq.ToString());
    TERN_RETURN_IF_ERROR(fn(std::move(mq), m->value, entry_path));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ReadStrings(const rapidjson::Value& object,
                                                     std::string_view name, std::string_view path) {
  std::vector<std::string> out;
  const rapidjson::Value* v = md::FindMember(object, name);
  if (v == nullptr || v->IsNull()) return out;
  const std::string member = md::MemberPath(path, name);
  if (!v->IsArray()) return absl::InvalidArgumentError(fmt::format("{} is not an array", member));
  for (const rapidjson::Value& e : v->GetArray()) {
    TERN_ASSIGN_OR_RETURN(std::string s, md::ToString(e, member));
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<Subscription> ReadSubscription(const rapidjson::Value& v, std::string_view path) {
  TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
  Subscription s;
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "topic", path, s.topic));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "subString", path, s.sub_string));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "expressionType", path, s.expression_type));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "subVersion", path, s.sub_version));
  TERN_ASSIGN_OR_RETURN(s.tags, ReadStrings(v, "tagsSet", path));
  return s;
}

absl::StatusOr<std::vector<Connection>> ReadConnections(const rapidjson::Value& doc) {
  std::vector<Connection> out;
  const rapidjson::Value* set = md::FindMember(doc, "connectionSet");
  if (set == nullptr || set->IsNull()) return out;
  if (!set->IsArray()) return absl::InvalidArgumentError("$.connectionSet is not an array");
  for (const rapidjson::Value& c : set->GetArray()) {
    const std::string path = fmt::format("$.connectionSet[{}]", out.size());
    TERN_RETURN_IF_ERROR(md::ExpectObject(c, path));
    Connection conn;
    TERN_RETURN_IF_ERROR(md::ReadMember(c, "clientId", path, conn.client_id));
    TERN_RETURN_IF_ERROR(md::ReadMember(c, "clientAddr", path, conn.client_addr));
    TERN_RETURN_IF_ERROR(ReadEnum(c, "language", path,
                                  {"JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
                                   "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST"},
                                  conn.language));
    TERN_RETURN_IF_ERROR(md::ReadMember(c, "version", path, conn.version));
    out.push_back(std::move(conn));
  }
  return out;
}

BrokerStatsItem ReadStatsItem(const rapidjson::Value& doc, std::string_view name,
                              absl::Status& status) {
  BrokerStatsItem item;
  if (!status.ok()) return item;
  absl::StatusOr<const rapidjson::Value*> v = md::FindObjectMember(doc, name, "$");
  if (!v.ok()) {
    status = v.status();
    return item;
  }
  if (*v == nullptr) return item;
  const std::string path = md::MemberPath("$", name);
  status = md::ReadMember(**v, "sum", path, item.sum);
  if (status.ok()) status = ReadDouble(**v, "tps", path, item.tps);
  if (status.ok()) status = ReadDouble(**v, "avgpt", path, item.avgpt);
  return item;
}

// The names of MQVersion.Version in ordinal order (4.9.8's table).
std::vector<std::string> VersionNames() {
  std::vector<std::string> names = {"V3_0_0_SNAPSHOT", "V3_0_0_ALPHA1"};
  for (int i = 1; i <= 5; ++i) names.push_back(fmt::format("V3_0_0_BETA{}", i));
  for (int i = 6; i <= 9; ++i) {
    names.push_back(fmt::format("V3_0_0_BETA{}_SNAPSHOT", i));
    names.push_back(fmt::format("V3_0_0_BETA{}", i));
  }
  names.push_back("V3_0_0_FINAL");
  auto add = [&](int a, int b, int c) {
    names.push_back(fmt::format("V{}_{}_{}_SNAPSHOT", a, b, c));
    names.push_back(fmt::format("V{}_{}_{}", a, b, c));
  };
  for (int c = 1; c <= 15; ++c) add(3, 0, c);
  for (int b = 1; b <= 9; ++b) {
    for (int c = b <= 2 ? 0 : 1; c <= 9; ++c) add(3, b, c);
  }
  for (int a = 4; a <= 5; ++a) {
    for (int b = 0; b <= 9; ++b) {
      for (int c = 0; c <= 9; ++c) add(a, b, c);
    }
  }
  names.push_back("HIGHER_VERSION");
  return names;
}

}  // namespace

std::string VersionDesc(int32_t ordinal) {
  static const std::vector<std::string> kNames = VersionNames();
  if (ordinal < 0) return fmt::format("V?({})", ordinal);
  return kNames[std::min<size_t>(static_cast<size_t>(ordinal), kNames.size() - 1)];
}

absl::StatusOr<TopicStatsTable> TopicStatsTable::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBeanKeyedBody(body, doc));
  TopicStatsTable t;
  TERN_RETURN_IF_ERROR(ForEachQueue(
      doc, "offsetTable", "$",
      [&](MessageQueue mq, const rapidjson::Value& v, const std::string& path) -> absl::Status {
        TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
        TopicOffset o;
        TERN_RETURN_IF_ERROR(md::ReadMember(v, "minOffset", path, o.min_offset));
        TERN_RETURN_IF_ERROR(md::ReadMember(v, "maxOffset", path, o.max_offset));
        TERN_RETURN_IF_ERROR(
            md::ReadMember(v, "lastUpdateTimestamp", path, o.last_update_timestamp));
        t.offset_table[std::move(mq)] = o;
        return absl::OkStatus();
      }));
  return t;
}

int64_t ConsumeStats::TotalDiff() const {
  int64_t diff = 0;
  for (const auto& [mq, o] : offset_table) diff += o.broker_offset - o.consumer_offset;
  return diff;
}

absl::StatusOr<ConsumeStats> ConsumeStats::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBeanKeyedBody(body, doc));
  ConsumeStats s;
  TERN_RETURN_IF_ERROR(ReadDouble(doc, "consumeTps", "$", s.consume_tps));
  TERN_RETURN_IF_ERROR(ForEachQueue(
      doc, "offsetTable", "$",
      [&](MessageQueue mq, const rapidjson::Value& v, const std::string& path) -> absl::Status {
        TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
        OffsetWrapper o;
        TERN_RETURN_IF_ERROR(md::ReadMember(v, "brokerOffset", path, o.broker_offset));
        TERN_RETURN_IF_ERROR(md::ReadMember(v, "consumerOffset", path, o.consumer_offset));
        TERN_RETURN_IF_ERROR(md::ReadMember(v, "lastTimestamp", path, o.last_timestamp));
        s.offset_table[std::move(mq)] = o;
        return absl::OkStatus();
      }));
  return s;
}

int32_t ConsumerConnection::MinVersion() const {
  int32_t v = 0;
  for (const Connection& c : connection_set) {
    if (v == 0 || c.version < v) v = c.version;
  }
  return v;
}

absl::StatusOr<ConsumerConnection> ConsumerConnection::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBeanKeyedBody(body, doc));
  ConsumerConnection c;
  TERN_ASSIGN_OR_RETURN(c.connection_set, ReadConnections(doc));
  TERN_RETURN_IF_ERROR(
      ReadEnum(doc, "consumeType", "$", {"CONSUME_ACTIVELY", "CONSUME_PASSIVELY"}, c.consume_type));
  TERN_RETURN_IF_ERROR(
      ReadEnum(doc, "messageModel", "$", {"BROADCASTING", "CLUSTERING"}, c.message_model));
  TERN_RETURN_IF_ERROR(
      ReadEnum(doc, "consumeFromWhere", "$",
               {"CONSUME_FROM_LAST_OFFSET", "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
                "CONSUME_FROM_MIN_OFFSET", "CONSUME_FROM_MAX_OFFSET", "CONSUME_FROM_FIRST_OFFSET",
                "CONSUME_FROM_TIMESTAMP"},
               c.consume_from_where));
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* subs,
                        md::FindObjectMember(doc, "subscriptionTable", "$"));
  if (subs != nullptr) {
    for (auto m = subs->MemberBegin(); m != subs->MemberEnd(); ++m) {
      const std::string topic = md::StringOf(m->name);
      TERN_ASSIGN_OR_RETURN(
          Subscription s, ReadSubscription(m->value, md::MemberPath("$.subscriptionTable", topic)));
      if (s.topic.empty()) s.topic = topic;
      c.subscription_table[topic] = std::move(s);
    }
  }
  return c;
}

absl::StatusOr<ProducerConnection> ProducerConnection::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBeanKeyedBody(body, doc));
  ProducerConnection p;
  TERN_ASSIGN_OR_RETURN(p.connection_set, ReadConnections(doc));
  return p;
}

absl::StatusOr<GroupList> GroupList::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBeanKeyedBody(body, doc));
  GroupList g;
  TERN_ASSIGN_OR_RETURN(g.group_list, ReadStrings(doc, "groupList", "$"));
  return g;
}

int64_t BrokerStatsData::Sum24Hour() const {
  if (stats_day.sum != 0) return stats_day.sum;
  if (stats_hour.sum != 0) return stats_hour.sum;
  return stats_minute.sum;
}

absl::StatusOr<BrokerStatsData> BrokerStatsData::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBeanKeyedBody(body, doc));
  BrokerStatsData d;
  absl::Status status;
  d.stats_minute = ReadStatsItem(doc, "statsMinute", status);
  d.stats_hour = ReadStatsItem(doc, "statsHour", status);
  d.stats_day = ReadStatsItem(doc, "statsDay", status);
  if (!status.ok()) return status;
  return d;
}

absl::StatusOr<ConsumerRunningInfo> ConsumerRunningInfo::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBeanKeyedBody(body, doc));
  ConsumerRunningInfo info;
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* props,
                        md::FindObjectMember(doc, "properties", "$"));
  if (props != nullptr) {
    for (auto m = props->MemberBegin(); m != props->MemberEnd(); ++m) {
      const std::string key = md::StringOf(m->name);
      if (m->value.IsNull()) continue;
      TERN_ASSIGN_OR_RETURN(info.properties[key],
                            md::ToString(m->value, md::MemberPath("$.properties", key)));
    }
  }
  if (const rapidjson::Value* set = md::FindMember(doc, "subscriptionSet");
      set != nullptr && !set->IsNull()) {
    if (!set->IsArray()) return absl::InvalidArgumentError("$.subscriptionSet is not an array");
    for (const rapidjson::Value& s : set->GetArray()) {
      TERN_ASSIGN_OR_RETURN(
          Subscription sub,
          ReadSubscription(s, fmt::format("$.subscriptionSet[{}]", info.subscription_set.size())));
      info.subscription_set.push_back(std::move(sub));
    }
  }
  TERN_RETURN_IF_ERROR(ForEachQueue(
      doc, "mqTable", "$",
      [&](MessageQueue mq, const rapidjson::Value&, const std::string&) -> absl::Status {
        info.mq_table.insert(std::move(mq));
        return absl::OkStatus();
      }));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "jstack", "$", info.jstack));
  return info;
}

std::string ConsumeMessageDirectlyResult::ToString() const {
  return fmt::format(
      "ConsumeMessageDirectlyResult [order={}, autoCommit={}, consumeResult={}, remark={}, "
      "spentTimeMills={}]",
      order, auto_commit, consume_result.empty() ? "null" : consume_result,
      remark.empty() ? "null" : remark, spent_time_mills);
}

absl::StatusOr<ConsumeMessageDirectlyResult> ConsumeMessageDirectlyResult::Decode(
    std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBeanKeyedBody(body, doc));
  ConsumeMessageDirectlyResult r;
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "order", "$", r.order));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "autoCommit", "$", r.auto_commit));
  TERN_RETURN_IF_ERROR(ReadEnum(doc, "consumeResult", "$",
                                {"CR_SUCCESS", "CR_LATER", "CR_ROLLBACK", "CR_COMMIT",
                                 "CR_THROW_EXCEPTION", "CR_RETURN_NULL"},
                                r.consume_result));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "remark", "$", r.remark));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "spentTimeMills", "$", r.spent_time_mills));
  return r;
}

}  // namespace tern::client::admin
