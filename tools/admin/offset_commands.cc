// `tern admin` offset commands: resetOffsetByTime, skipAccumulatedMessage, cloneGroupOffset,
// getConsumerStatus (mqadmin's tools/command/offset).
//
// resetOffsetByTime and skipAccumulatedMessage ask every broker of the topic to reset the
// group (INVOKE_BROKER_TO_RESET_OFFSET, which also pushes the new offsets to the group's
// online consumers). When the broker answers CONSUMER_NOT_ONLINE (206) they fall back, as
// mqadmin does, to committing the offsets themselves (UPDATE_CONSUMER_OFFSET per queue) and
// print mqadmin's rollback table.
#include <fmt/format.h>

#include "client/status_codes.h"
#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "tools/admin/admin_cli.h"

namespace tern::tools::admin {

using client::MessageQueue;
using client::admin::AdminClient;

namespace {

struct ResetFlags {
  std::string group, topic, timestamp, force;
  bool cpp = false;
};

void PrintOffsetTable(Context& ctx, const std::map<MessageQueue, int64_t>& table) {
  ctx.Print(fmt::format("{:<40}  {:<40}  {:<40}\n", "#brokerName", "#queueId", "#offset"));
  for (const auto& [mq, offset] : table) {
    ctx.Print(
        fmt::format("{:<40}  {:<40}  {:<40}\n", Front(mq.broker_name, 32), mq.queue_id, offset));
  }
}

void PrintRollbackTable(Context& ctx, const std::vector<client::admin::RollbackStats>& rows) {
  ctx.Print(fmt::format("{:<20}  {:<20}  {:<20}  {:<20}  {:<20}  {:<20}\n", "#brokerName",
                        "#queueId", "#brokerOffset", "#consumerOffset", "#timestampOffset",
                        "#rollbackOffset"));
  for (const client::admin::RollbackStats& r : rows) {
    ctx.Print(fmt::format("{:<20}  {:<20}  {:<20}  {:<20}  {:<20}  {:<20}\n",
                          Front(r.queue.broker_name, 32), r.queue.queue_id, r.broker_offset,
                          r.consumer_offset, r.timestamp_offset, r.rollback_offset));
  }
}

void WriteQueueKey(protocol::JsonWriter& w, const MessageQueue& mq) {
  w.Key("topic");
  w.String(mq.topic);
  w.Key("brokerName");
  w.String(mq.broker_name);
  w.Key("queueId");
  w.Int(mq.queue_id);
}

// "queues": [{"topic":..,"brokerName":..,"queueId":..,"offset":..},...]
void WriteOffsetQueues(protocol::JsonWriter& w, const std::map<MessageQueue, int64_t>& table) {
  w.Key("queues");
  w.BeginArray();
  for (const auto& [mq, offset] : table) {
    w.BeginObject();
    WriteQueueKey(w, mq);
    w.Key("offset");
    w.Int(offset);
    w.EndObject();
  }
  w.EndArray();
}

// Shared by resetOffsetByTime (a timestamp) and skipAccumulatedMessage (-1: the max offset).
int Reset(Context& ctx, const ResetFlags& f, int64_t timestamp, bool print_header) {
  const bool force = f.force.empty() || ParseBool(f.force);
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("group");
  w.String(f.group);
  w.Key("topic");
  w.String(f.topic);
  w.Key("timestamp");
  w.Int(timestamp);
  w.Key("force");
  w.Bool(force);
  absl::StatusOr<std::map<MessageQueue, int64_t>> table =
      admin->ResetOffsetByTimestamp(f.topic, f.group, timestamp, force, f.cpp);
  if (!table.ok() &&
      client::RocketMqCode(table.status()) == remoting::response::kConsumerNotOnline) {
    absl::StatusOr<std::vector<client::admin::RollbackStats>> rows =
        admin->ResetOffsetOffline(f.group, f.topic, timestamp, force);
    if (!rows.ok()) return ctx.Fail(rows.status());
    if (print_header) {
      ctx.Print(fmt::format(
          "rollback consumer offset by specified consumerGroup[{}], topic[{}], force[{}], "
          "timestamp(string)[{}], timestamp(long)[{}]\n",
          f.group, f.topic, force, f.timestamp, timestamp));
    }
    PrintRollbackTable(ctx, *rows);
    w.Key("consumerOnline");
    w.Bool(false);
    w.Key("queues");
    w.BeginArray();
    for (const client::admin::RollbackStats& r : *rows) {
      w.BeginObject();
      WriteQueueKey(w, r.queue);
      w.Key("brokerOffset");
      w.Int(r.broker_offset);
      w.Key("consumerOffset");
      w.Int(r.consumer_offset);
      w.Key("timestampOffset");
      w.Int(r.timestamp_offset);
      w.Key("rollbackOffset");
      w.Int(r.rollback_offset);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    ctx.PrintJson(std::move(w).Finish());
    return kOk;
  }
  if (!table.ok()) return ctx.Fail(table.status());
  if (print_header) {
    ctx.Print(
        fmt::format("rollback consumer offset by specified group[{}], topic[{}], force[{}], "
                    "timestamp(string)[{}], timestamp(long)[{}]\n",
                    f.group, f.topic, force, f.timestamp, timestamp));
  }
  PrintOffsetTable(ctx, *table);
  w.Key("consumerOnline");
  w.Bool(true);
  WriteOffsetQueues(w, *table);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

int RunResetOffsetByTime(Context& ctx, const ResetFlags& f) {
  absl::StatusOr<int64_t> ts = ParseTimestamp(f.timestamp, /*allow_now=*/true);
  if (!ts.ok()) return ctx.Usage(MessageOf(ts.status()));
  return Reset(ctx, f, *ts, /*print_header=*/true);
}

int RunSkipAccumulated(Context& ctx, const ResetFlags& f) {
  return Reset(ctx, f, -1, /*print_header=*/false);
}

struct StatusFlags {
  std::string group, topic, client_id;
};

int RunGetConsumerStatus(Context& ctx, const StatusFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<AdminClient::ConsumerStatusTable> table =
      admin->ExamineConsumerStatus(f.topic, f.group, f.client_id);
  if (!table.ok()) return ctx.Fail(table.status());
  ctx.Print(fmt::format("get consumer status from client. group={}, topic={}, originClientId={}\n",
                        f.group, f.topic, f.client_id));
  ctx.Print(fmt::format("{:<50}  {:<15}  {:<15}  {:<20}\n", "#clientId", "#brokerName", "#queueId",
                        "#offset"));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("group");
  w.String(f.group);
  w.Key("topic");
  w.String(f.topic);
  w.Key("clients");
  w.BeginArray();
  for (const auto& [id, queues] : *table) {
    w.BeginObject();
    w.Key("clientId");
    w.String(id);
    for (const auto& [mq, offset] : queues) {
      ctx.Print(
          fmt::format("{:<50}  {:<15}  {:<15}  {:<20}\n", id, mq.broker_name, mq.queue_id, offset));
    }
    WriteOffsetQueues(w, queues);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

struct CloneFlags {
  std::string src, dest, topic, offline;
};

int RunCloneGroupOffset(Context& ctx, const CloneFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  if (absl::Status s = admin->CloneGroupOffsetAll(f.src, f.dest, f.topic, ParseBool(f.offline));
      !s.ok()) {
    return ctx.Fail(s);
  }
  ctx.Print(fmt::format("clone group offset success. srcGroup[{}], destGroup=[{}], topic[{}]\n",
                        f.src, f.dest, f.topic));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("srcGroup");
  w.String(f.src);
  w.Key("destGroup");
  w.String(f.dest);
  w.Key("topic");
  w.String(f.topic);
  w.Key("success");
  w.Bool(true);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

}  // namespace

void AddOffsetCommands(Registry& r) {
  r.push_back({"resetOffsetByTime", "Reset consumer offset by timestamp(without client restart).",
               [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<ResetFlags>();
                 cmd->add_option("-g,--group", f->group, "set the consumer group")->required();
                 cmd->add_option("-t,--topic", f->topic, "set the topic")->required();
                 cmd->add_option("-s,--timestamp", f->timestamp,
                                 "set the timestamp[now|currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]")
                     ->required();
                 cmd->add_option("-f,--force", f->force,
                                 "set the force rollback by timestamp switch[true|false]");
                 cmd->add_flag("-c,--cplus", f->cpp, "reset c++ client offset");
                 return [f](Context& ctx) { return RunResetOffsetByTime(ctx, *f); };
               }});
  r.push_back({"skipAccumulatedMessage",
               "Skip all messages that are accumulated (not consumed) currently",
               [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<ResetFlags>();
                 cmd->add_option("-g,--group", f->group, "set the consumer group")->required();
                 cmd->add_option("-t,--topic", f->topic, "set the topic")->required();
                 cmd->add_option("-f,--force", f->force,
                                 "set the force rollback by timestamp switch[true|false]");
                 return [f](Context& ctx) { return RunSkipAccumulated(ctx, *f); };
               }});
  r.push_back({"getConsumerStatus", "get consumer status from client.", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<StatusFlags>();
                 cmd->add_option("-g,--group", f->group, "consumer group name")->required();
                 cmd->add_option("-t,--topic", f->topic, "topic name")->required();
                 cmd->add_option("-i,--originClientId", f->client_id,
                                 "the clientId of the consumer to ask (default: all)");
                 return [f](Context& ctx) { return RunGetConsumerStatus(ctx, *f); };
               }});
  r.push_back(
      {"cloneGroupOffset", "clone offset from other group.", [](CLI::App* cmd) -> RunFn {
         auto f = std::make_shared<CloneFlags>();
         cmd->add_option("-s,--srcGroup", f->src, "set source consumer group")->required();
         cmd->add_option("-d,--destGroup", f->dest, "set destination consumer group")->required();
         cmd->add_option("-t,--topic", f->topic, "set the topic")->required();
         cmd->add_option("-o,--offline", f->offline, "the group or the topic is offline");
         return [f](Context& ctx) { return RunCloneGroupOffset(ctx, *f); };
       }});
}

}  // namespace tern::tools::admin
