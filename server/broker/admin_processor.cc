#include "server/broker/admin_processor.h"

#include <fmt/format.h>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/consume_queue.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/kv_table.h"
#include "server/protocol/topic_config_wrapper.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/admin.h"

namespace tern::broker {

namespace code = remoting::response;
namespace req = remoting::request;
namespace md = engine::metadata;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

void AdminProcessor::Register(remoting::HandlerTable& table) {
  auto bind = [this](auto method) {
    return [this, method](const ChannelPtr& c, RemotingCommand r, std::string) {
      (this->*method)(c, r);
    };
  };
  table.Register(req::kUpdateAndCreateTopic, bind(&AdminProcessor::CreateTopic));
  table.Register(req::kDeleteTopicInBroker, bind(&AdminProcessor::DeleteTopic));
  table.Register(req::kGetAllTopicConfig, bind(&AdminProcessor::AllTopicConfig));
  table.Register(
      req::kUpdateAndCreateSubscriptionGroup,
      [this](const ChannelPtr& c, RemotingCommand r, std::string b) { CreateGroup(c, r, b); });
  table.Register(req::kGetBrokerRuntimeInfo, bind(&AdminProcessor::RuntimeInfo));
}

void AdminProcessor::CreateTopic(const ChannelPtr& channel, const RemotingCommand& request) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  absl::StatusOr<remoting::CreateTopicRequestHeader> h =
      remoting::CreateTopicRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  if (!engine::IsValidTopicName(h->topic)) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("the specified topic[{}] is invalid: it must match "
                             "^[%|a-zA-Z0-9_-]+$ and be at most 127 characters",
                             h->topic));
  }
  if (h->topic == h->default_topic || IsSystemTopic(h->topic, *ctx_->config)) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("the topic[{}] is conflict with system topic.", h->topic));
  }
  if (h->read_queue_nums <= 0 || h->write_queue_nums <= 0 || h->read_queue_nums > 1024 ||
      h->write_queue_nums > 1024) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("queue numbers must be in 1..1024 (read {}, write {})",
                             h->read_queue_nums, h->write_queue_nums));
  }
  TopicConfig t;
  t.topic_name = h->topic;
  t.read_queue_nums = h->read_queue_nums;
  t.write_queue_nums = h->write_queue_nums;
  t.perm = h->perm;
  t.topic_filter_type = h->topic_filter_type.empty() ? "SINGLE_TAG" : h->topic_filter_type;
  t.topic_sys_flag = h->topic_sys_flag.value_or(0);
  t.order = h->order;
  if (absl::Status s = ctx_->topics->Upsert(t); !s.ok()) {
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
  }
  if (ctx_->register_topic) ctx_->register_topic(t);
  Reply(channel, request, code::kSuccess, "");
}

void AdminProcessor::DeleteTopic(const ChannelPtr& channel, const RemotingCommand& request) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  absl::StatusOr<remoting::DeleteTopicRequestHeader> h =
      remoting::DeleteTopicRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  if (IsSystemTopic(h->topic, *ctx_->config)) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("the topic[{}] is a system topic and cannot be deleted", h->topic));
  }
  absl::StatusOr<bool> deleted = ctx_->topics->Delete(h->topic);
  if (!deleted.ok()) {
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(deleted.status())));
  }
  ctx_->offsets->RemoveTopic(h->topic);
  if (absl::Status s = ctx_->store->DeleteTopic(h->topic); !s.ok()) {
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
  }
  if (ctx_->register_all) ctx_->register_all();
  Reply(channel, request, code::kSuccess, "");
}

void AdminProcessor::AllTopicConfig(const ChannelPtr& channel, const RemotingCommand& request) {
  const TopicConfigFile snap = ctx_->topics->Snapshot();
  protocol::TopicConfigSerializeWrapper w;
  w.data_version = snap.data_version;
  w.topic_config_table = snap.topic_config_table;
  channel->Send(RemotingCommand::ResponseTo(request, code::kSuccess), w.Encode());
}

void AdminProcessor::CreateGroup(const ChannelPtr& channel, const RemotingCommand& request,
                                 const std::string& body) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  rapidjson::Document doc;
  absl::Status s = md::ParseFastjson(body, doc);
  if (s.ok() && !doc.IsObject()) s = absl::InvalidArgumentError("body is not a JSON object");
  SubscriptionGroupConfig g;
  if (s.ok()) s = md::ReadMember(doc, "groupName", "group", g.group_name);
  if (s.ok()) s = md::ReadMember(doc, "consumeEnable", "group", g.consume_enable);
  if (s.ok()) s = md::ReadMember(doc, "consumeFromMinEnable", "group", g.consume_from_min_enable);
  if (s.ok()) {
    s = md::ReadMember(doc, "consumeBroadcastEnable", "group", g.consume_broadcast_enable);
  }
  if (s.ok()) s = md::ReadMember(doc, "retryQueueNums", "group", g.retry_queue_nums);
  if (s.ok()) s = md::ReadMember(doc, "retryMaxTimes", "group", g.retry_max_times);
  if (s.ok()) s = md::ReadMember(doc, "brokerId", "group", g.broker_id);
  if (s.ok()) {
    s = md::ReadMember(doc, "whichBrokerWhenConsumeSlowly", "group",
                       g.which_broker_when_consume_slowly);
  }
  if (s.ok()) {
    s = md::ReadMember(doc, "notifyConsumerIdsChangedEnable", "group",
                       g.notify_consumer_ids_changed_enable);
  }
  if (!s.ok()) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("bad subscription group body: {}", MessageOf(s)));
  }
  if (g.group_name.empty()) {
    return Reply(channel, request, code::kSystemError, "subscription group body has no groupName");
  }
  if (absl::Status st = ctx_->groups->Upsert(g); !st.ok()) {
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(st)));
  }
  Reply(channel, request, code::kSuccess, "");
}

void AdminProcessor::RuntimeInfo(const ChannelPtr& channel, const RemotingCommand& request) {
  const engine::StoreStats st = ctx_->store->stats();
  std::map<std::string, std::string> t;
  t["brokerVersionDesc"] = "V4_9_8";
  t["brokerVersion"] = std::to_string(remoting::version::kCurrent);
  t["bootTimestamp"] = std::to_string(ctx_->boot_timestamp);
  t["runtime"] = fmt::format("[ {} ms ]", NowMillis() - ctx_->boot_timestamp);
  t["commitLogMinOffset"] = std::to_string(st.commit_log_min_offset);
  t["commitLogMaxOffset"] = std::to_string(st.commit_log_max_offset);
  t["dispatchBehindBytes"] = std::to_string(st.dispatch_behind_bytes);
  t["commitLogDiskRatio"] = fmt::format("{}", st.disk_used_ratio);
  t["pageCacheLockTimeMills"] = "0";
  t["sendThreadPoolQueueSize"] = "0";
  t["pullThreadPoolQueueSize"] = "0";
  t["sendThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["pullThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["msgPutTotalTodayNow"] = std::to_string(ctx_->counters->put_messages.load());
  t["msgGetTotalTodayNow"] = std::to_string(ctx_->counters->get_messages.load());
  t["earliestMessageTimeStamp"] = "-1";
  if (runtime_info_) runtime_info_(t);
  protocol::KVTable kv;
  kv.table = std::move(t);
  channel->Send(RemotingCommand::ResponseTo(request, code::kSuccess), kv.Encode());
}

}  // namespace tern::broker
