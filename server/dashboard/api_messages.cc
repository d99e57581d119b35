// DashboardApi: the Messages page — by topic and time range (paginated server-side), by key,
// by id; detail with properties and per-group consume status; resend to a group (to an online
// client with CONSUME_MESSAGE_DIRECTLY, or as a copy on the group's retry topic); message
// traces from the trace topic.
#include <fmt/format.h>

#include <algorithm>

#include "client/status_codes.h"
#include "engine/base/clock.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/properties.h"
#include "server/dashboard/admin_extra.h"
#include "server/dashboard/api.h"
#include "server/dashboard/trace.h"
#include "server/remoting/codes.h"

namespace tern::dashboard {

using client::MessageExt;
using client::MessageQueue;
using protocol::JsonWriter;
namespace prop = engine::property;

namespace {

constexpr int32_t kPullBatch = 32;
constexpr char kToolsGroup[] = "TOOLS_CONSUMER";

bool NotOnline(const absl::Status& s) {
  const int32_t code = client::RocketMqCode(s);
  return code == remoting::response::kConsumerNotOnline ||
         code == remoting::response::kTopicNotExist || absl::IsNotFound(s);
}

// The one message at `offset`, or nullopt.
std::optional<MessageExt> PullOne(client::admin::AdminClient& admin, const MessageQueue& q,
                                  int64_t offset) {
  absl::StatusOr<client::PullResult> r = admin.Pull(q, "*", offset, 1, kToolsGroup);
  if (!r.ok() || r->msgs.empty()) return std::nullopt;
  return r->msgs.front();
}

}  // namespace

absl::StatusOr<DashboardApi::RangeIndex> DashboardApi::LoadRange(const std::string& topic,
                                                                 int64_t begin, int64_t end) {
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, admin_->TopicRoute(topic));
  RangeIndex index;
  std::vector<MessageQueue> queues;
  for (const protocol::QueueData& qd : route.queue_datas) {
    for (int32_t i = 0; i < qd.read_queue_nums; ++i) queues.push_back({topic, qd.broker_name, i});
  }
  std::sort(queues.begin(), queues.end());
  for (const MessageQueue& q : queues) {
    absl::StatusOr<int64_t> min = admin_->MinOffset(q);
    absl::StatusOr<int64_t> max = admin_->MaxOffset(q);
    if (!min.ok() || !max.ok() || *max <= *min) continue;
    TERN_ASSIGN_OR_RETURN(int64_t from, admin_->SearchOffset(q, begin));
    TERN_ASSIGN_OR_RETURN(int64_t last, admin_->SearchOffset(q, end));
    from = std::clamp(from, *min, *max);
    int64_t to = std::clamp(last + 1, *min, *max);
    // The search answers the nearest message; step over a neighbour outside the range.
    if (from < to) {
      if (std::optional<MessageExt> m = PullOne(*admin_, q, from);
          m && m->store_timestamp < begin) {
        ++from;
      }
    }
    if (from < to) {
      if (std::optional<MessageExt> m = PullOne(*admin_, q, to - 1);
          m && m->store_timestamp > end) {
        --to;
      }
    }
    if (from >= to) continue;
    index.queues.push_back({q, from, to});
    index.total += to - from;
  }
  return index;
}

absl::StatusOr<TtlCache<DashboardApi::RangeIndex>::Ptr> DashboardApi::RangeData(
    const std::string& topic, int64_t begin, int64_t end) {
  return range_cache_.Get(fmt::format("{}|{}|{}", topic, begin, end), options_.range_ttl,
                          [&] { return LoadRange(topic, begin, end); });
}

absl::StatusOr<std::string> DashboardApi::Messages(const Params& p) {
  if (!Param(p, "key").empty()) return MessagesByKey(p);
  if (!Param(p, "msgId").empty()) return MessageById(p);
  TERN_ASSIGN_OR_RETURN(std::string topic, RequiredParam(p, "topic"));
  const int64_t now = NowMillis();
  TERN_ASSIGN_OR_RETURN(const int64_t end, IntParam(p, "end", now, 0, INT64_MAX / 2));
  TERN_ASSIGN_OR_RETURN(const int64_t begin, IntParam(p, "begin", end - 3600 * 1000, 0, end));
  TERN_ASSIGN_OR_RETURN(Page page, PageParams(p, 200));
  absl::StatusOr<TtlCache<RangeIndex>::Ptr> found = RangeData(topic, begin, end);
  // missingOk=1 (the DLQ view): a topic that does not exist is an empty list, not a 404.
  if (!found.ok() && absl::IsNotFound(found.status()) && BoolParam(p, "missingOk", false)) {
    found = std::make_shared<const RangeIndex>();
  }
  if (!found.ok()) return found.status();
  const TtlCache<RangeIndex>::Ptr& range = *found;
  // Skip (page - 1) * size messages across the queues, in queue order, then read a page.
  int64_t skip = (page.page - 1) * page.size;
  int64_t want = page.size;
  std::vector<MessageExt> items;
  for (const QueueRange& q : range->queues) {
    if (want <= 0) break;
    const int64_t n = q.to - q.from;
    if (skip >= n) {
      skip -= n;
      continue;
    }
    int64_t offset = q.from + skip;
    skip = 0;
    while (want > 0 && offset < q.to) {
      const int32_t batch =
          static_cast<int32_t>(std::min<int64_t>({kPullBatch, want, q.to - offset}));
      TERN_ASSIGN_OR_RETURN(client::PullResult r,
                            admin_->Pull(q.queue, "*", offset, batch, kToolsGroup));
      if (r.msgs.empty()) break;
      for (MessageExt& m : r.msgs) {
        if (m.queue_offset >= q.to || want <= 0) break;
        offset = m.queue_offset + 1;
        --want;
        items.push_back(std::move(m));
      }
      if (r.next_begin_offset <= offset - 1) break;
      offset = std::max(offset, r.next_begin_offset);
    }
  }
  JsonWriter w;
  w.BeginObject();
  WritePageMembers(w, page, static_cast<size_t>(range->total));
  w.Key("topic");
  w.String(topic);
  w.Key("begin");
  w.Int(begin);
  w.Key("end");
  w.Int(end);
  w.Key("items");
  w.BeginArray();
  for (const MessageExt& m : items) {
    w.BeginObject();
    WriteMessageMembers(w, m, /*with_body=*/false);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::MessagesByKey(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string topic, RequiredParam(p, "topic"));
  const std::string key = Param(p, "key");
  absl::StatusOr<std::vector<MessageExt>> found =
      admin_->QueryMessage(topic, key, 64, 0, INT64_MAX / 2, /*unique=*/false);
  if (!found.ok() && !absl::IsNotFound(found.status()) &&
      client::RocketMqCode(found.status()) != remoting::response::kQueryNotFound) {
    return found.status();
  }
  std::vector<MessageExt> items = found.ok() ? *std::move(found) : std::vector<MessageExt>{};
  std::sort(items.begin(), items.end(), [](const MessageExt& a, const MessageExt& b) {
    return a.store_timestamp > b.store_timestamp;
  });
  JsonWriter w;
  w.BeginObject();
  w.Key("total");
  w.Int(static_cast<int64_t>(items.size()));
  w.Key("items");
  w.BeginArray();
  for (const MessageExt& m : items) {
    w.BeginObject();
    WriteMessageMembers(w, m, false);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<MessageExt> DashboardApi::FindMessage(const std::string& topic,
                                                     const std::string& id) {
  if (topic.empty()) return admin_->ViewMessage(id);
  return admin_->ViewMessageByUniqueKey(topic, id);
}

absl::StatusOr<std::string> DashboardApi::MessageById(const Params& p) {
  const std::string topic = Param(p, "topic");
  TERN_ASSIGN_OR_RETURN(std::string id, RequiredParam(p, "msgId"));
  absl::StatusOr<MessageExt> m = FindMessage(topic, id);
  JsonWriter w;
  w.BeginObject();
  w.Key("total");
  w.Int(m.ok() ? 1 : 0);
  w.Key("items");
  w.BeginArray();
  if (m.ok()) {
    w.BeginObject();
    WriteMessageMembers(w, *m, false);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::Message(const Params& p) {
  const std::string topic = Param(p, "topic");
  TERN_ASSIGN_OR_RETURN(std::string id, RequiredParam(p, "msgId"));
  TERN_ASSIGN_OR_RETURN(MessageExt m, FindMessage(topic, id));
  TERN_ASSIGN_OR_RETURN(auto snap, ClusterData());
  std::string broker_name;
  for (const BrokerRow& b : snap->brokers) {
    if (b.addr == m.store_host) broker_name = b.name;
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("message");
  w.BeginObject();
  WriteMessageMembers(w, m, /*with_body=*/true);
  w.Key("brokerName");
  w.String(broker_name);
  w.EndObject();
  // Java's messageTrackDetail: each group of the topic, and whether it has consumed this one.
  w.Key("tracks");
  w.BeginArray();
  absl::StatusOr<client::admin::GroupList> groups = admin_->QueryTopicConsumeByWho(m.topic);
  if (groups.ok()) {
    size_t n = 0;
    for (const std::string& g : groups->group_list) {
      if (++n > 64) break;
      std::string type;
      std::string error;
      absl::StatusOr<client::admin::ConsumerConnection> c = admin_->ExamineConsumerConnection(g);
      if (!c.ok()) {
        type = NotOnline(c.status()) ? "NOT_ONLINE" : "UNKNOWN";
        if (type == "UNKNOWN") error = std::string(MessageOf(c.status()));
      } else if (c->message_model == "BROADCASTING") {
        type = "CONSUME_BROADCASTING";
      } else if (c->consume_type == "CONSUME_ACTIVELY") {
        type = "PULL";
      } else {
        absl::StatusOr<ConsumeStats> stats = admin_->ExamineConsumeStats(g, m.topic);
        bool consumed = false;
        if (stats.ok()) {
          auto it = stats->offset_table.find(MessageQueue{m.topic, broker_name, m.queue_id});
          consumed = it != stats->offset_table.end() && it->second.consumer_offset > m.queue_offset;
        }
        type = consumed ? "CONSUMED" : "NOT_CONSUME_YET";
        auto sub = c->subscription_table.find(m.topic);
        if (consumed && sub != c->subscription_table.end() && sub->second.sub_string != "*" &&
            !sub->second.sub_string.empty() && sub->second.expression_type == "TAG") {
          const auto& tags = sub->second.tags;
          if (std::find(tags.begin(), tags.end(), m.tags()) == tags.end()) {
            type = "CONSUMED_BUT_FILTERED";
          }
        }
      }
      w.BeginObject();
      w.Key("group");
      w.String(g);
      w.Key("trackType");
      w.String(type);
      if (!error.empty()) {
        w.Key("exception");
        w.String(error);
      }
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::Resend(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string id, RequiredParam(p, "msgId"));
  TERN_ASSIGN_OR_RETURN(std::string group, RequiredParam(p, "group"));
  const std::string mode = Param(p, "mode", "direct");
  if (mode != "direct" && mode != "retry") {
    return absl::InvalidArgumentError(
        "mode must be direct (CONSUME_MESSAGE_DIRECTLY to an "
        "online client) or retry (a copy on %RETRY%group)");
  }
  TERN_ASSIGN_OR_RETURN(MessageExt m, FindMessage(Param(p, "topic"), id));
  JsonWriter w;
  w.BeginObject();
  w.Key("mode");
  w.String(mode);
  if (mode == "direct") {
    std::string client_id = Param(p, "clientId");
    if (client_id.empty()) {
      TERN_ASSIGN_OR_RETURN(client::admin::ConsumerConnection c,
                            admin_->ExamineConsumerConnection(group));
      for (const client::admin::Connection& conn : c.connection_set) {
        if (!conn.client_id.empty()) {
          client_id = conn.client_id;
          break;
        }
      }
    }
    TERN_ASSIGN_OR_RETURN(
        ConsumeDirectlyResult r,
        ConsumeMessageDirectly(*admin_, m.store_host, group, client_id, m.offset_msg_id));
    w.Key("clientId");
    w.String(client_id);
    w.Key("consumeResult");
    w.String(r.consume_result);
    w.Key("remark");
    w.String(r.remark);
    w.Key("spentTimeMills");
    w.Int(r.spent_time_ms);
  } else {
    // A copy on the group's retry topic: only that group receives it, as the original topic
    // (RETRY_TOPIC), with a fresh reconsume count.
    std::string origin_topic = m.topic;
    if (m.topic.starts_with("%RETRY%") || m.topic.starts_with("%DLQ%")) {
      const std::string_view retry = m.Property(prop::kRetryTopic);
      if (!retry.empty()) origin_topic = std::string(retry);
    }
    client::Message copy("%RETRY%" + group, std::string(m.tags()), m.body);
    const std::string keys(m.keys());
    for (size_t pos = 0; pos < keys.size();) {
      size_t e = keys.find(' ', pos);
      if (e == std::string::npos) e = keys.size();
      if (e > pos) copy.keys.push_back(keys.substr(pos, e - pos));
      pos = e + 1;
    }
    for (const auto& [k, v] : m.properties) {
      if (k == prop::kKeys || k == prop::kTags || k == prop::kWaitStoreMsgOk ||
          k == prop::kDelayLevel || k == prop::kUniqueClientMessageIdKey ||
          k == prop::kReconsumeTime || k == prop::kMaxReconsumeTimes || k == prop::kRealTopic ||
          k == prop::kRealQueueId || k == prop::kTransactionPrepared || k == prop::kMinOffset ||
          k == prop::kMaxOffset || k == prop::kCluster || k == prop::kRetryTopic ||
          k == prop::kOriginMessageId || k == prop::kStartDeliverTime ||
          k == prop::kTimerDeliverMs || k == prop::kTimerDelaySec) {
        continue;
      }
      copy.properties[k] = v;
    }
    copy.properties[std::string(prop::kRetryTopic)] = origin_topic;
    copy.properties[std::string(prop::kOriginMessageId)] = m.msg_id;
    TERN_ASSIGN_OR_RETURN(client::Producer * producer, GetProducer());
    TERN_ASSIGN_OR_RETURN(client::SendResult r, producer->Send(copy));
    w.Key("topic");
    w.String(copy.topic);
    w.Key("originTopic");
    w.String(origin_topic);
    w.Key("msgId");
    w.String(r.msg_id);
    w.Key("status");
    w.String(client::SendStatusName(r.status));
  }
  w.EndObject();
  return std::move(w).Finish();
}

namespace {

void WriteTraceRecord(JsonWriter& w, const TraceRecord& r) {
  auto str = [&w](std::string_view k, std::string_view v) {
    w.Key(k);
    w.String(IsValidUtf8(v) ? v : std::string_view("(binary)"));
  };
  w.BeginObject();
  str("traceType", r.type);
  w.Key("timestamp");
  w.Int(r.timestamp);
  str("regionId", r.region_id);
  str("groupName", r.group);
  str("requestId", r.request_id);
  str("topic", r.topic);
  str("msgId", r.msg_id);
  str("offsetMsgId", r.offset_msg_id);
  str("tags", r.tags);
  str("keys", r.keys);
  str("storeHost", r.store_host);
  str("clientHost", r.client_host);
  w.Key("bodyLength");
  w.Int(r.body_length);
  w.Key("costTime");
  w.Int(r.cost_time);
  str("msgType", MessageTypeName(r.msg_type));
  w.Key("retryTimes");
  w.Int(r.retry_times);
  w.Key("contextCode");
  w.Int(r.context_code);
  str("status", r.success ? "success" : "failed");
  if (r.type == "EndTransaction") {
    str("transactionId", r.transaction_id);
    str("transactionState", r.transaction_state);
    w.Key("fromTransactionCheck");
    w.Bool(r.from_transaction_check);
  }
  w.EndObject();
}

}  // namespace

absl::StatusOr<std::string> DashboardApi::Trace(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string id, RequiredParam(p, "msgId"));
  const std::string trace_topic = Param(p, "traceTopic", options_.trace_topic);
  absl::StatusOr<std::vector<MessageExt>> found =
      admin_->QueryMessage(trace_topic, id, 64, 0, INT64_MAX / 2, /*unique=*/false);
  if (!found.ok() && !absl::IsNotFound(found.status()) &&
      client::RocketMqCode(found.status()) != remoting::response::kQueryNotFound &&
      client::RocketMqCode(found.status()) != remoting::response::kTopicNotExist) {
    return found.status();
  }
  std::vector<TraceRecord> records;
  int skipped = 0;
  if (found.ok()) {
    for (const MessageExt& m : *found) {
      DecodedTraces d = DecodeTraceData(m.body);
      skipped += d.skipped;
      for (TraceRecord& r : d.records) {
        if (r.msg_id == id) records.push_back(std::move(r));
      }
    }
  }
  std::sort(records.begin(), records.end(),
            [](const TraceRecord& a, const TraceRecord& b) { return a.timestamp < b.timestamp; });
  const TraceView view = BuildTraceView(records, id);
  JsonWriter w;
  w.BeginObject();
  w.Key("msgId");
  w.String(id);
  w.Key("traceTopic");
  w.String(trace_topic);
  w.Key("skipped");
  w.Int(skipped);
  w.Key("records");
  w.BeginArray();
  for (const TraceRecord& r : records) WriteTraceRecord(w, r);
  w.EndArray();
  w.Key("pub");
  if (view.has_pub) {
    WriteTraceRecord(w, view.pub);
  } else {
    w.BeginObject();
    w.EndObject();
  }
  w.Key("transactions");
  w.BeginArray();
  for (const TraceRecord& r : view.transactions) WriteTraceRecord(w, r);
  w.EndArray();
  w.Key("groups");
  w.BeginArray();
  for (const TraceGroup& g : view.groups) {
    w.BeginObject();
    w.Key("group");
    w.String(g.group);
    w.Key("consumes");
    w.BeginArray();
    for (const TraceConsume& c : g.consumes) {
      w.BeginObject();
      w.Key("requestId");
      w.String(c.request_id);
      w.Key("clientHost");
      w.String(c.client_host);
      w.Key("beginTimestamp");
      w.Int(c.begin_timestamp);
      w.Key("endTimestamp");
      w.Int(c.end_timestamp);
      w.Key("costTime");
      w.Int(c.cost_time);
      w.Key("retryTimes");
      w.Int(c.retry_times);
      w.Key("status");
      w.String(c.status);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

}  // namespace tern::dashboard
