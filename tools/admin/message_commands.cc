// `tern admin` message commands: queryMsgById, queryMsgByKey, queryMsgByOffset,
// queryMsgByUniqueKey, printMsg, printMsgByQueue, sendMessage, consumeMessage (mqadmin's
// tools/command/message). Reads go through AdminClient (VIEW_MESSAGE_BY_ID, QUERY_MESSAGE,
// PULL_MESSAGE as mqadmin's TOOLS_CONSUMER group); sends through client::Producer.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "client/producer.h"
#include "client/status_codes.h"
#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "tools/admin/admin_cli.h"

namespace tern::tools::admin {

using client::MessageExt;
using client::MessageQueue;
using client::admin::AdminClient;

namespace {

constexpr std::string_view kDefaultBodyDir = "/tmp/rocketmq/msgbodys";
constexpr char kToolsGroup[] = "TOOLS_CONSUMER";  // MixAll.TOOLS_CONSUMER_GROUP

// --- printing one message in detail (queryMsgById and friends) ---

// mqadmin's messageTrackDetail: what each group consuming the topic did with the message.
struct Track {
  std::string group;
  std::string type;  // CONSUMED, CONSUMED_BUT_FILTERED, NOT_CONSUME_YET, NOT_ONLINE, PULL, UNKNOWN
  std::string desc;
};

std::vector<Track> TrackDetail(AdminClient& admin, const MessageExt& m) {
  std::vector<Track> out;
  absl::StatusOr<client::admin::GroupList> groups = admin.QueryTopicConsumeByWho(m.topic);
  if (!groups.ok()) return out;
  for (const std::string& group : groups->group_list) {
    Track t{group, "UNKNOWN", ""};
    absl::StatusOr<client::admin::ConsumerConnection> cc = admin.ExamineConsumerConnection(group);
    if (!cc.ok()) {
      if (client::RocketMqCode(cc.status()) == remoting::response::kConsumerNotOnline) {
        t.type = "NOT_ONLINE";
      }
      t.desc = std::string(MessageOf(cc.status()));
      out.push_back(std::move(t));
      continue;
    }
    if (cc->consume_type == "CONSUME_ACTIVELY") {
      t.type = "PULL";
      out.push_back(std::move(t));
      continue;
    }
    absl::StatusOr<client::admin::ConsumeStats> stats = admin.ExamineConsumeStats(group);
    if (!stats.ok()) {
      t.desc = std::string(MessageOf(stats.status()));
      out.push_back(std::move(t));
      continue;
    }
    bool consumed = false;
    for (const auto& [mq, o] : stats->offset_table) {
      if (mq.topic != m.topic || mq.queue_id != m.queue_id) continue;
      absl::StatusOr<std::string> name = admin.BrokerNameOf(m.store_host);
      if (name.ok() && *name == mq.broker_name && o.consumer_offset > m.queue_offset) {
        consumed = true;
      }
    }
    t.type = consumed ? "CONSUMED" : "NOT_CONSUME_YET";
    if (consumed) {
      auto sub = cc->subscription_table.find(m.topic);
      if (sub != cc->subscription_table.end() && !sub->second.tags.empty() &&
          std::find(sub->second.tags.begin(), sub->second.tags.end(), "*") ==
              sub->second.tags.end() &&
          std::find(sub->second.tags.begin(), sub->second.tags.end(), m.tags()) ==
              sub->second.tags.end()) {
        t.type = "CONSUMED_BUT_FILTERED";
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string WriteBodyFile(const std::string& dir, const MessageExt& m) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = dir + "/" + m.msg_id;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(m.body.data(), static_cast<std::streamsize>(m.body.size()));
  return out ? path : fmt::format("(could not write {})", path);
}

void PrintDetail(Context& ctx, AdminClient& admin, const MessageExt& m, const std::string& dir,
                 bool offset_id_line, protocol::JsonWriter& w) {
  const std::string path = WriteBodyFile(dir, m);
  ctx.Print(MessageDetail(m, path, offset_id_line));
  const std::vector<Track> tracks = TrackDetail(admin, m);
  if (tracks.empty()) {
    ctx.Print("\n\nWARN: No Consumer\n");
  } else {
    ctx.Print("\n\n");
    for (const Track& t : tracks) {
      ctx.Print(fmt::format("MessageTrack [consumerGroup={}, trackType={}, exceptionDesc={}]\n",
                            t.group, t.type, t.desc.empty() ? "null" : t.desc));
    }
  }
  w.BeginObject();
  w.Key("message");
  WriteMessageJson(w, m, /*with_body=*/true);
  w.Key("bodyPath");
  w.String(path);
  w.Key("tracks");
  w.BeginArray();
  for (const Track& t : tracks) {
    w.BeginObject();
    w.Key("consumerGroup");
    w.String(t.group);
    w.Key("trackType");
    w.String(t.type);
    w.Key("exceptionDesc");
    w.String(t.desc);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// --- queryMsgById ---

struct ByIdFlags {
  std::string ids, resend, group, client_id, body_dir = std::string(kDefaultBodyDir);
};

// queryMsgById / queryMsgByUniqueKey with -g and -d: CONSUME_MESSAGE_DIRECTLY.
bool ConsumeDirectly(Context& ctx, AdminClient& admin, const std::string& group,
                     const std::string& client_id, const std::string& offset_msg_id,
                     protocol::JsonWriter& w) {
  absl::StatusOr<client::admin::ConsumeMessageDirectlyResult> r =
      admin.ConsumeMessageDirectlyById(group, client_id, offset_msg_id);
  if (!r.ok()) {
    ctx.Fail(r.status());
    return false;
  }
  ctx.Print(r->ToString() + "\n");
  w.BeginObject();
  w.Key("offsetMsgId");
  w.String(offset_msg_id);
  w.Key("order");
  w.Bool(r->order);
  w.Key("autoCommit");
  w.Bool(r->auto_commit);
  w.Key("consumeResult");
  w.String(r->consume_result);
  w.Key("remark");
  w.String(r->remark);
  w.Key("spentTimeMills");
  w.Int(r->spent_time_mills);
  w.EndObject();
  return true;
}

int RunQueryMsgById(Context& ctx, const ByIdFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  const bool resend = ParseBool(f.resend);
  std::unique_ptr<client::Producer> producer;
  if (resend) {
    client::ClientConfig config;
    config.namesrv_addrs = admin->options().namesrv_addrs;
    client::ProducerOptions po;
    po.group = "ReSendMsgById";
    producer = std::make_unique<client::Producer>(config, po);
    if (absl::Status s = producer->Start(); !s.ok()) return ctx.Fail(s);
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("messages");
  w.BeginArray();
  int rc = kOk;
  std::string_view rest = f.ids;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string id(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    id.erase(0, id.find_first_not_of(' '));
    id.erase(id.find_last_not_of(' ') + 1);
    if (id.empty()) continue;
    if (!f.group.empty() && !f.client_id.empty()) {
      if (!ConsumeDirectly(ctx, *admin, f.group, f.client_id, id, w)) rc = kFailed;
      continue;
    }
    absl::StatusOr<MessageExt> m = admin->ViewMessage(id);
    if (!m.ok()) {
      rc = ctx.Fail(m.status());
      continue;
    }
    if (resend) {
      client::Message msg(m->topic, std::string(m->tags()), m->body);
      for (const auto& [k, v] : m->properties) {
        if (k != "UNIQ_KEY" && k != "TAGS" && k != "WAIT" && k != "KEYS") msg.properties[k] = v;
      }
      if (!m->keys().empty()) msg.keys.emplace_back(m->keys());
      ctx.Print(fmt::format("prepare resend msg. originalMsgId={}\n", id));
      absl::StatusOr<client::SendResult> r = producer->Send(msg);
      if (!r.ok()) {
        rc = ctx.Fail(r.status());
        continue;
      }
      ctx.Print(
          fmt::format("SendResult [sendStatus={}, msgId={}, offsetMsgId={}, messageQueue={}, "
                      "queueOffset={}]\n",
                      client::SendStatusName(r->status), r->msg_id, r->offset_msg_id,
                      r->queue.ToString(), r->queue_offset));
      w.BeginObject();
      w.Key("originalMsgId");
      w.String(id);
      w.Key("msgId");
      w.String(r->msg_id);
      w.EndObject();
      continue;
    }
    PrintDetail(ctx, *admin, *m, f.body_dir, /*offset_id_line=*/true, w);
  }
  w.EndArray();
  w.EndObject();
  if (producer) producer->Shutdown();
  ctx.PrintJson(std::move(w).Finish());
  return rc;
}

// --- queryMsgByKey / queryMsgByUniqueKey / queryMsgByOffset ---

int RunQueryMsgByKey(Context& ctx, const std::string& topic, const std::string& key) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<std::vector<MessageExt>> msgs =
      admin->QueryMessage(topic, key, 64, 0, std::numeric_limits<int64_t>::max(), false);
  if (!msgs.ok()) return ctx.Fail(msgs.status());
  ctx.Print(fmt::format("{:<50} {:>4} {:>40}\n", "#Message ID", "#QID", "#Offset"));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("messages");
  w.BeginArray();
  for (const MessageExt& m : *msgs) {
    ctx.Print(fmt::format("{:<50} {:>4} {:>40}\n", m.msg_id, m.queue_id, m.queue_offset));
    WriteMessageJson(w, m, /*with_body=*/false);
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

struct ByUniqueKeyFlags {
  std::string id, topic, group, client_id, body_dir = std::string(kDefaultBodyDir);
};

int RunQueryMsgByUniqueKey(Context& ctx, const ByUniqueKeyFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<MessageExt> m = admin->ViewMessageByUniqueKey(f.topic, f.id);
  if (!m.ok()) return ctx.Fail(m.status());
  protocol::JsonWriter w;
  if (!f.group.empty() && !f.client_id.empty()) {
    if (!ConsumeDirectly(ctx, *admin, f.group, f.client_id, m->offset_msg_id, w)) return kFailed;
    ctx.PrintJson(std::move(w).Finish());
    return kOk;
  }
  PrintDetail(ctx, *admin, *m, f.body_dir, /*offset_id_line=*/false, w);
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

struct ByOffsetFlags {
  std::string topic, broker, body_dir = std::string(kDefaultBodyDir);
  int32_t queue_id = 0;
  int64_t offset = 0;
};

int RunQueryMsgByOffset(Context& ctx, const ByOffsetFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<client::PullResult> r =
      admin->Pull(MessageQueue{f.topic, f.broker, f.queue_id}, "*", f.offset, 1);
  if (!r.ok()) return ctx.Fail(r.status());
  if (r->status != client::PullStatus::kFound || r->msgs.empty()) {
    return ctx.Fail(
        absl::NotFoundError(fmt::format("no message at offset {} of {}: {}", f.offset,
                                        MessageQueue{f.topic, f.broker, f.queue_id}.ToString(),
                                        client::PullStatusName(r->status))));
  }
  protocol::JsonWriter w;
  PrintDetail(ctx, *admin, r->msgs.front(), f.body_dir, /*offset_id_line=*/true, w);
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// --- printMsg / printMsgByQueue / consumeMessage: pulling ranges ---

std::string MessageLine(const MessageExt& m, bool print_body) {
  return fmt::format("MSGID: {} {} BODY: {}\n", m.msg_id, MessageString(m),
                     print_body ? m.body : "NOT PRINT BODY");
}

struct Range {
  int64_t min = 0;
  int64_t max = 0;
};

// The queue's [min, max) offsets, narrowed by begin/end timestamps when given.
absl::StatusOr<Range> QueueRange(AdminClient& admin, const MessageQueue& mq,
                                 const std::string& begin, const std::string& end) {
  Range r;
  absl::StatusOr<int64_t> min = admin.MinOffset(mq);
  if (!min.ok()) return min.status();
  absl::StatusOr<int64_t> max = admin.MaxOffset(mq);
  if (!max.ok()) return max.status();
  r.min = *min;
  r.max = *max;
  for (const auto& [text, field] : {std::pair{&begin, &r.min}, std::pair{&end, &r.max}}) {
    if (text->empty()) continue;
    absl::StatusOr<int64_t> ts = ParseTimestamp(*text, /*allow_now=*/false);
    if (!ts.ok()) return ts.status();
    absl::StatusOr<int64_t> o = admin.SearchOffset(mq, *ts);
    if (!o.ok()) return o.status();
    *field = *o;
  }
  return r;
}

// Pulls [from, to) in batches of `batch`; `on_batch` sees each FOUND batch. Stops at the end
// of the range, at NO_NEW_MSG / OFFSET_ILLEGAL, or (stop_on_unmatched) NO_MATCHED_MSG.
absl::Status PullRange(AdminClient& admin, const MessageQueue& mq, const std::string& group,
                       const std::string& expression, int64_t from, int64_t to, int32_t batch,
                       bool stop_on_unmatched,
                       const std::function<void(const client::PullResult&)>& on_batch,
                       const std::function<void(const client::PullResult&, int64_t)>& on_other) {
  for (int64_t offset = from; offset < to;) {
    absl::StatusOr<client::PullResult> r = admin.Pull(mq, expression, offset, batch, group);
    if (!r.ok()) return r.status();
    const int64_t next = r->next_begin_offset;
    if (r->status == client::PullStatus::kFound) {
      on_batch(*r);
    } else {
      if (on_other) on_other(*r, next);
      if (r->status != client::PullStatus::kNoMatchedMsg || stop_on_unmatched) break;
    }
    if (next <= offset) break;
    offset = next;
  }
  return absl::OkStatus();
}

struct PrintMsgFlags {
  std::string topic, charset, expression = "*", begin, end, print_body, broker, print_msg, calc;
  int32_t queue_id = 0;
};

int RunPrintMsg(Context& ctx, const PrintMsgFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  const bool print_body = f.print_body.empty() || ParseBool(f.print_body);
  absl::StatusOr<std::shared_ptr<const client::TopicRoute>> route =
      admin->instance().Route(f.topic, /*refresh=*/true);
  if (!route.ok()) return ctx.Fail(route.status());
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("messages");
  w.BeginArray();
  for (const MessageQueue& mq : (*route)->subscribe_queues) {
    absl::StatusOr<Range> range = QueueRange(*admin, mq, f.begin, f.end);
    if (!range.ok()) return ctx.Fail(range.status());
    ctx.Print(
        fmt::format("minOffset={}, maxOffset={}, {}\n", range->min, range->max, mq.ToString()));
    absl::Status s = PullRange(
        *admin, mq, kToolsGroup, f.expression, range->min, range->max, 32,
        /*stop_on_unmatched=*/false,
        [&](const client::PullResult& r) {
          for (const MessageExt& m : r.msgs) {
            ctx.Print(MessageLine(m, print_body));
            WriteMessageJson(w, m, print_body);
          }
        },
        [&](const client::PullResult& r, int64_t next) {
          ctx.Print(fmt::format("{} {}. status={}, offset={}\n", mq.ToString(),
                                r.status == client::PullStatus::kNoMatchedMsg
                                    ? "no matched msg"
                                    : "print msg finished",
                                client::PullStatusName(r.status), next));
        });
    if (!s.ok()) return ctx.Fail(s);
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

int RunPrintMsgByQueue(Context& ctx, const PrintMsgFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  const bool print_msg = ParseBool(f.print_msg);
  const bool print_body = ParseBool(f.print_body);
  const bool calc = ParseBool(f.calc);
  const MessageQueue mq{f.topic, f.broker, f.queue_id};
  absl::StatusOr<Range> range = QueueRange(*admin, mq, f.begin, f.end);
  if (!range.ok()) return ctx.Fail(range.status());
  std::map<std::string, int64_t> tags;
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("messages");
  w.BeginArray();
  absl::Status s = PullRange(
      *admin, mq, kToolsGroup, f.expression, range->min, range->max, 32,
      /*stop_on_unmatched=*/true,
      [&](const client::PullResult& r) {
        for (const MessageExt& m : r.msgs) {
          if (calc && !m.tags().empty()) ++tags[std::string(m.tags())];
          if (print_msg) {
            ctx.Print(MessageLine(m, print_body));
            WriteMessageJson(w, m, print_body);
          }
        }
      },
      nullptr);
  if (!s.ok()) return ctx.Fail(s);
  w.EndArray();
  if (calc) {
    std::vector<std::pair<std::string, int64_t>> sorted(tags.begin(), tags.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    w.Key("tagCounts");
    w.BeginObject();
    for (const auto& [tag, n] : sorted) {
      ctx.Print(fmt::format("Tag: {:<30} Count: {}\n", tag, n));
      w.Key(tag);
      w.Int(n);
    }
    w.EndObject();
  }
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

struct ConsumeFlags {
  std::string topic, broker, group = kToolsGroup, begin, end;
  std::optional<int32_t> queue_id;
  std::optional<int64_t> offset;
  int64_t count = 128;
};

int RunConsumeMessage(Context& ctx, const ConsumeFlags& f) {
  if (f.count <= 0) return ctx.Usage("Please input a positive messageNumber!");
  if (f.queue_id && f.broker.empty()) return ctx.Usage("Please set the brokerName before queueId!");
  if (f.offset && !f.queue_id) return ctx.Usage("Please set queueId before offset!");
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  std::vector<MessageQueue> queues;
  if (f.queue_id) {
    queues.push_back({f.topic, f.broker, *f.queue_id});
  } else {
    absl::StatusOr<std::shared_ptr<const client::TopicRoute>> route =
        admin->instance().Route(f.topic, /*refresh=*/true);
    if (!route.ok()) return ctx.Fail(route.status());
    queues = (*route)->subscribe_queues;
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("messages");
  w.BeginArray();
  int64_t left = f.count;
  for (const MessageQueue& mq : queues) {
    if (left <= 0) break;
    absl::StatusOr<Range> range = QueueRange(*admin, mq, f.begin, f.end);
    if (!range.ok()) return ctx.Fail(range.status());
    int64_t from = std::max(range->min, f.offset.value_or(0));
    const int64_t to = std::min(range->max, from + left);
    if (from >= to) continue;
    left -= to - from;
    absl::Status s = PullRange(
        *admin, mq, f.group, "*", from, to, static_cast<int32_t>(std::min<int64_t>(to - from, 32)),
        /*stop_on_unmatched=*/false,
        [&](const client::PullResult& r) {
          ctx.Print("Consume ok\n");
          for (const MessageExt& m : r.msgs) {
            if (m.queue_offset >= to) continue;
            ctx.Print(MessageLine(m, true));
            WriteMessageJson(w, m, true);
          }
        },
        [&](const client::PullResult& r, int64_t next) {
          ctx.Print(fmt::format("{} {}. status={}, offset={}\n", mq.ToString(),
                                r.status == client::PullStatus::kNoMatchedMsg
                                    ? "no matched msg"
                                    : "print msg finished",
                                client::PullStatusName(r.status), next));
        });
    if (!s.ok()) return ctx.Fail(s);
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// --- sendMessage ---

struct SendFlags {
  std::string topic, body, keys, tags, broker;
  std::optional<int32_t> queue_id;
};

int RunSendMessage(Context& ctx, const SendFlags& f) {
  if (f.queue_id && f.broker.empty()) {
    return ctx.Usage("Broker name must be set if the queue is chosen!");
  }
  const std::vector<std::string> addrs = ctx.NamesrvAddrs();
  if (addrs.empty()) {
    return ctx.Fail(absl::InvalidArgumentError(
        "no name server address: pass -n ip:port[;ip:port] or set NAMESRV_ADDR"));
  }
  client::ClientConfig config;
  config.namesrv_addrs = addrs;
  config.request_timeout = std::chrono::milliseconds(ctx.flags().timeout_ms);
  client::ProducerOptions po;
  po.group = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  client::Producer producer(config, po);
  if (absl::Status s = producer.Start(); !s.ok()) return ctx.Fail(s);
  client::Message msg(f.topic, f.tags, f.body);
  if (!f.keys.empty()) msg.keys.push_back(f.keys);
  absl::StatusOr<client::SendResult> r =
      f.queue_id ? producer.SendTo(msg, MessageQueue{f.topic, f.broker, *f.queue_id})
                 : producer.Send(msg);
  producer.Shutdown();
  ctx.Print(fmt::format("{:<32}  {:<4}  {:<20}    {}\n", "#Broker Name", "#QID", "#Send Result",
                        "#MsgId"));
  if (!r.ok()) {
    ctx.Print(fmt::format("{:<32}  {:<4}  {:<20}    {}\n", "Unknown", "Unknown", "Failed", "None"));
    return ctx.Fail(r.status());
  }
  ctx.Print(fmt::format("{:<32}  {:<4}  {:<20}    {}\n", r->queue.broker_name, r->queue.queue_id,
                        client::SendStatusName(r->status), r->msg_id));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("brokerName");
  w.String(r->queue.broker_name);
  w.Key("queueId");
  w.Int(r->queue.queue_id);
  w.Key("sendStatus");
  w.String(client::SendStatusName(r->status));
  w.Key("msgId");
  w.String(r->msg_id);
  w.Key("offsetMsgId");
  w.String(r->offset_msg_id);
  w.Key("queueOffset");
  w.Int(r->queue_offset);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

}  // namespace

void AddMessageCommands(Registry& r) {
  r.push_back({"queryMsgById", "Query Message by Id", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<ByIdFlags>();
                 cmd->add_option("-i,--msgId", f->ids, "Message Id (offset ids, comma-separated)")
                     ->required();
                 cmd->add_option("-g,--consumerGroup", f->group, "consumer group name");
                 cmd->add_option("-d,--clientId", f->client_id, "The consumer's client id");
                 cmd->add_option("-s,--sendMessage", f->resend, "resend message (true|false)");
                 cmd->add_option(
                     "--bodyDir", f->body_dir,
                     "where message bodies are written (default /tmp/rocketmq/msgbodys)");
                 return [f](Context& ctx) { return RunQueryMsgById(ctx, *f); };
               }});
  r.push_back({"queryMsgByKey", "Query Message by Key", [](CLI::App* cmd) -> RunFn {
                 auto topic = std::make_shared<std::string>();
                 auto key = std::make_shared<std::string>();
                 cmd->add_option("-t,--topic", *topic, "topic name")->required();
                 cmd->add_option("-k,--msgKey", *key, "Message Key")->required();
                 return [topic, key](Context& ctx) { return RunQueryMsgByKey(ctx, *topic, *key); };
               }});
  r.push_back({"queryMsgByOffset", "Query Message by offset", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<ByOffsetFlags>();
                 cmd->add_option("-t,--topic", f->topic, "topic name")->required();
                 cmd->add_option("-b,--brokerName", f->broker, "Broker Name")->required();
                 cmd->add_option("-i,--queueId", f->queue_id, "Queue Id")->required();
                 cmd->add_option("-o,--offset", f->offset, "Queue Offset")->required();
                 cmd->add_option("--bodyDir", f->body_dir, "where message bodies are written");
                 return [f](Context& ctx) { return RunQueryMsgByOffset(ctx, *f); };
               }});
  r.push_back({"queryMsgByUniqueKey", "Query Message by Unique key", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<ByUniqueKeyFlags>();
                 cmd->add_option("-i,--msgId", f->id, "Message Id")->required();
                 cmd->add_option("-g,--consumerGroup", f->group, "consumer group name");
                 cmd->add_option("-d,--clientId", f->client_id, "The consumer's client id");
                 cmd->add_option("-t,--topic", f->topic, "The topic of msg")->required();
                 cmd->add_option("--bodyDir", f->body_dir, "where message bodies are written");
                 return [f](Context& ctx) { return RunQueryMsgByUniqueKey(ctx, *f); };
               }});
  r.push_back({"printMsg", "Print Message Detail", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<PrintMsgFlags>();
                 cmd->add_option("-t,--topic", f->topic, "topic name")->required();
                 cmd->add_option("-c,--charsetName", f->charset, "CharsetName (UTF-8 only)");
                 cmd->add_option("-s,--subExpression", f->expression,
                                 "Subscribe Expression(eg: TagA || TagB)");
                 cmd->add_option("-b,--beginTimestamp", f->begin,
                                 "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
                 cmd->add_option("-e,--endTimestamp", f->end,
                                 "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
                 cmd->add_option("-d,--printBody", f->print_body, "print body (default true)");
                 return [f](Context& ctx) { return RunPrintMsg(ctx, *f); };
               }});
  r.push_back(
      {"printMsgByQueue", "Print Message Detail", [](CLI::App* cmd) -> RunFn {
         auto f = std::make_shared<PrintMsgFlags>();
         cmd->add_option("-t,--topic", f->topic, "topic name")->required();
         cmd->add_option("-a,--brokerName", f->broker, "broker name")->required();
         cmd->add_option("-i,--queueId", f->queue_id, "queue id")->required();
         cmd->add_option("-c,--charsetName", f->charset, "CharsetName (UTF-8 only)");
         cmd->add_option("-s,--subExpression", f->expression,
                         "Subscribe Expression(eg: TagA || TagB)");
         cmd->add_option("-b,--beginTimestamp", f->begin,
                         "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
         cmd->add_option("-e,--endTimestamp", f->end,
                         "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
         cmd->add_option("-p,--printMsg", f->print_msg, "print msg. eg: true | false(default)");
         cmd->add_option("-d,--printBody", f->print_body, "print body. eg: true | false(default)");
         cmd->add_option("-f,--calculate", f->calc, "calculate by tag. eg: true | false(default)");
         return [f](Context& ctx) { return RunPrintMsgByQueue(ctx, *f); };
       }});
  r.push_back({"sendMessage", "Send a message", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<SendFlags>();
                 cmd->add_option("-t,--topic", f->topic, "Topic name")->required();
                 cmd->add_option("-p,--body", f->body, "UTF-8 string format of the message body")
                     ->required();
                 cmd->add_option("-k,--key", f->keys, "Message keys");
                 cmd->add_option("-c,--tags", f->tags, "Message tags");
                 cmd->add_option("-b,--broker", f->broker, "Send message to target broker");
                 cmd->add_option("-i,--qid", f->queue_id, "Send message to target queue");
                 return [f](Context& ctx) { return RunSendMessage(ctx, *f); };
               }});
  r.push_back({"consumeMessage", "Consume message", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<ConsumeFlags>();
                 cmd->add_option("-t,--topic", f->topic, "Topic name")->required();
                 cmd->add_option("-b,--brokerName", f->broker, "Broker name");
                 cmd->add_option("-i,--queueId", f->queue_id, "Queue Id");
                 cmd->add_option("-o,--offset", f->offset, "Queue offset");
                 cmd->add_option("-g,--consumerGroup", f->group, "Consumer group name");
                 cmd->add_option("-s,--beginTimestamp", f->begin,
                                 "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
                 cmd->add_option("-e,--endTimestamp", f->end,
                                 "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
                 cmd->add_option("-c,--MessageNumber", f->count,
                                 "Number of message to be consumed (default 128)");
                 return [f](Context& ctx) { return RunConsumeMessage(ctx, *f); };
               }});
}

}  // namespace tern::tools::admin
