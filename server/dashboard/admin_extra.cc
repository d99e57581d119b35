#include "server/dashboard/admin_extra.h"

#include <fmt/format.h>

#include <algorithm>

#include "client/admin/bean_key_json.h"
#include "client/status_codes.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/metadata/fastjson.h"
#include "server/remoting/codes.h"

namespace tern::dashboard {

namespace md = engine::metadata;
namespace req = remoting::request;
using remoting::RemotingCommand;

namespace {

absl::Status ReadNumber(const rapidjson::Value& object, std::string_view name,
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

absl::StatusOr<ConsumeStats> ReadConsumeStats(const rapidjson::Value& v, const std::string& path) {
  TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
  ConsumeStats s;
  TERN_RETURN_IF_ERROR(ReadNumber(v, "consumeTps", path, s.consume_tps));
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* table,
                        md::FindObjectMember(v, "offsetTable", path));
  if (table == nullptr) return s;
  const std::string table_path = md::MemberPath(path, "offsetTable");
  for (auto m = table->MemberBegin(); m != table->MemberEnd(); ++m) {
    TERN_ASSIGN_OR_RETURN(MessageQueue mq,
                          client::admin::ReadMessageQueueKey(md::StringOf(m->name), table_path));
    const std::string entry = md::MemberPath(table_path, mq.ToString());
    TERN_RETURN_IF_ERROR(md::ExpectObject(m->value, entry));
    client::admin::OffsetWrapper o;
    TERN_RETURN_IF_ERROR(md::ReadMember(m->value, "brokerOffset", entry, o.broker_offset));
    TERN_RETURN_IF_ERROR(md::ReadMember(m->value, "consumerOffset", entry, o.consumer_offset));
    TERN_RETURN_IF_ERROR(md::ReadMember(m->value, "lastTimestamp", entry, o.last_timestamp));
    s.offset_table[std::move(mq)] = o;
  }
  return s;
}

absl::StatusOr<MessageQueue> ReadQueueObject(const rapidjson::Value& v, const std::string& path) {
  TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
  MessageQueue q;
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "topic", path, q.topic));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "brokerName", path, q.broker_name));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "queueId", path, q.queue_id));
  return q;
}

absl::StatusOr<net::Response> CallBroker(AdminClient& admin, const std::string& addr,
                                         RemotingCommand cmd, std::string_view what) {
  absl::StatusOr<net::Response> r =
      admin.instance().InvokeSync(addr, std::move(cmd), "", admin.options().timeout);
  if (!r.ok()) {
    return absl::Status(r.status().code(),
                        fmt::format("{} to broker {}: {}", what, addr, MessageOf(r.status())));
  }
  if (r->command.code != remoting::response::kSuccess) {
    return client::BrokerError(r->command.code, r->command.remark.value_or(""),
                               fmt::format("{} to broker {}", what, addr));
  }
  return r;
}

}  // namespace

absl::StatusOr<BrokerConsumeStats> BrokerConsumeStats::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(client::admin::ParseBeanKeyedBody(body, doc));
  BrokerConsumeStats out;
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "brokerAddr", "$", out.broker_addr));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "totalDiff", "$", out.total_diff));
  const rapidjson::Value* list = md::FindMember(doc, "consumeStatsList");
  if (list == nullptr || list->IsNull()) return out;
  if (!list->IsArray()) return absl::InvalidArgumentError("$.consumeStatsList is not an array");
  size_t i = 0;
  for (const rapidjson::Value& element : list->GetArray()) {
    const std::string path = fmt::format("$.consumeStatsList[{}]", i++);
    TERN_RETURN_IF_ERROR(md::ExpectObject(element, path));
    for (auto g = element.MemberBegin(); g != element.MemberEnd(); ++g) {
      const std::string group = md::StringOf(g->name);
      const std::string group_path = md::MemberPath(path, group);
      std::vector<ConsumeStats> stats;
      if (!g->value.IsNull()) {
        if (!g->value.IsArray()) {
          return absl::InvalidArgumentError(fmt::format("{} is not an array", group_path));
        }
        size_t j = 0;
        for (const rapidjson::Value& s : g->value.GetArray()) {
          TERN_ASSIGN_OR_RETURN(ConsumeStats cs,
                                ReadConsumeStats(s, fmt::format("{}[{}]", group_path, j++)));
          stats.push_back(std::move(cs));
        }
      }
      out.groups.emplace_back(group, std::move(stats));
    }
  }
  return out;
}

absl::StatusOr<std::vector<QueueTimeSpan>> DecodeConsumeTimeSpans(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(md::ParseFastjson(body, doc));
  TERN_RETURN_IF_ERROR(md::ExpectObject(doc, "$"));
  std::vector<QueueTimeSpan> out;
  const rapidjson::Value* set = md::FindMember(doc, "consumeTimeSpanSet");
  if (set == nullptr || set->IsNull()) return out;
  if (!set->IsArray()) return absl::InvalidArgumentError("$.consumeTimeSpanSet is not an array");
  size_t i = 0;
  for (const rapidjson::Value& e : set->GetArray()) {
    const std::string path = fmt::format("$.consumeTimeSpanSet[{}]", i++);
    TERN_RETURN_IF_ERROR(md::ExpectObject(e, path));
    QueueTimeSpan s;
    if (const rapidjson::Value* q = md::FindMember(e, "messageQueue"); q && !q->IsNull()) {
      TERN_ASSIGN_OR_RETURN(s.queue, ReadQueueObject(*q, md::MemberPath(path, "messageQueue")));
    }
    TERN_RETURN_IF_ERROR(md::ReadMember(e, "minTimeStamp", path, s.min_timestamp));
    TERN_RETURN_IF_ERROR(md::ReadMember(e, "maxTimeStamp", path, s.max_timestamp));
    TERN_RETURN_IF_ERROR(md::ReadMember(e, "consumeTimeStamp", path, s.consume_timestamp));
    TERN_RETURN_IF_ERROR(md::ReadMember(e, "delayTime", path, s.delay_ms));
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<ConsumeDirectlyResult> ConsumeDirectlyResult::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(md::ParseFastjson(body, doc));
  TERN_RETURN_IF_ERROR(md::ExpectObject(doc, "$"));
  ConsumeDirectlyResult r;
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "order", "$", r.order));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "autoCommit", "$", r.auto_commit));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "remark", "$", r.remark));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "spentTimeMills", "$", r.spent_time_ms));
  if (const rapidjson::Value* v = md::FindMember(doc, "consumeResult"); v && !v->IsNull()) {
    static constexpr std::string_view kNames[] = {"CR_SUCCESS",         "CR_LATER",
                                                  "CR_ROLLBACK",        "CR_COMMIT",
                                                  "CR_THROW_EXCEPTION", "CR_RETURN_NULL"};
    if (v->IsInt()) {
      const int o = v->GetInt();
      if (o < 0 || o >= static_cast<int>(std::size(kNames))) {
        return absl::InvalidArgumentError(fmt::format("$.consumeResult: no constant {}", o));
      }
      r.consume_result = std::string(kNames[o]);
    } else {
      TERN_ASSIGN_OR_RETURN(r.consume_result, md::ToString(*v, "$.consumeResult"));
    }
  }
  return r;
}

absl::StatusOr<BrokerConsumeStats> FetchBrokerConsumeStats(AdminClient& admin,
                                                           const std::string& broker_addr) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetBrokerConsumeStats, 0);
  cmd.MutableFields().Set("isOrder", "false");
  TERN_ASSIGN_OR_RETURN(net::Response r, CallBroker(admin, broker_addr, std::move(cmd),
                                                    "GET_BROKER_CONSUME_STATS (317)"));
  return BrokerConsumeStats::Decode(r.body);
}

absl::StatusOr<std::vector<QueueTimeSpan>> QueryConsumeTimeSpan(AdminClient& admin,
                                                                const std::string& broker_addr,
                                                                const std::string& topic,
                                                                const std::string& group) {
  RemotingCommand cmd = RemotingCommand::Request(req::kQueryConsumeTimeSpan, 0);
  cmd.MutableFields().Set("topic", topic);
  cmd.MutableFields().Set("group", group);
  TERN_ASSIGN_OR_RETURN(
      net::Response r,
      CallBroker(admin, broker_addr, std::move(cmd),
                 fmt::format("QUERY_CONSUME_TIME_SPAN (303) of {} for {}", topic, group)));
  return DecodeConsumeTimeSpans(r.body);
}

absl::StatusOr<ConsumeDirectlyResult> ConsumeMessageDirectly(AdminClient& admin,
                                                             const std::string& broker_addr,
                                                             const std::string& group,
                                                             const std::string& client_id,
                                                             const std::string& offset_msg_id) {
  RemotingCommand cmd = RemotingCommand::Request(req::kConsumeMessageDirectly, 0);
  cmd.MutableFields().Set("consumerGroup", group);
  cmd.MutableFields().Set("clientId", client_id);
  cmd.MutableFields().Set("msgId", offset_msg_id);
  TERN_ASSIGN_OR_RETURN(
      net::Response r,
      CallBroker(admin, broker_addr, std::move(cmd),
                 fmt::format("CONSUME_MESSAGE_DIRECTLY (309) to {} of {}", client_id, group)));
  return ConsumeDirectlyResult::Decode(r.body);
}

absl::StatusOr<protocol::TopicList> SystemTopicList(AdminClient& admin) {
  absl::StatusOr<net::Response> r = admin.instance().InvokeNamesrv(
      RemotingCommand::Request(req::kGetSystemTopicListFromNs, 0), "");
  if (!r.ok()) return r.status();
  if (r->command.code != remoting::response::kSuccess) {
    return client::BrokerError(r->command.code, r->command.remark.value_or(""),
                               "GET_SYSTEM_TOPIC_LIST_FROM_NS (304) to name server");
  }
  return protocol::TopicList::Decode(r->body);
}

int64_t LagTimeMs(const QueueTimeSpan& span, int64_t now_ms) {
  if (span.delay_ms <= 0 || span.min_timestamp <= 0) return 0;
  return std::min(span.delay_ms, std::max<int64_t>(0, now_ms - span.min_timestamp));
}

}  // namespace tern::dashboard
