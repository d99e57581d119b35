#include "server/broker/consumer_processor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "server/broker/heartbeat.h"
#include "server/broker/sql_filter_cache.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/client.h"
#include "server/remoting/headers/offset.h"

namespace tern::broker {

namespace code = remoting::response;
namespace req = remoting::request;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

void ConsumerProcessor::Register(remoting::HandlerTable& table) {
  auto bind = [this](auto method) {
    return [this, method](const ChannelPtr& c, RemotingCommand r, std::string) {
      (this->*method)(c, r);
    };
  };
  table.Register(req::kHeartBeat, [this](const ChannelPtr& c, RemotingCommand r, std::string b) {
    HeartBeat(c, r, b);
  });
  table.Register(req::kUnregisterClient, bind(&ConsumerProcessor::UnregisterClient));
  table.Register(req::kGetConsumerListByGroup, bind(&ConsumerProcessor::ConsumerList));
  table.Register(req::kQueryConsumerOffset, bind(&ConsumerProcessor::QueryOffset));
  table.Register(req::kUpdateConsumerOffset, bind(&ConsumerProcessor::UpdateOffset));
  for (int32_t c : {req::kGetMaxOffset, req::kGetMinOffset, req::kSearchOffsetByTimestamp,
                    req::kGetEarliestMsgStoretime}) {
    table.Register(c, bind(&ConsumerProcessor::QueueOffsetQuery));
  }
}

void ConsumerProcessor::NotifyConsumerIdsChanged(const std::string& group) {
  if (ctx_->locks != nullptr) {
    // Members that left give up their queue locks now, not after the 60 s expiry.
    const std::vector<std::string> ids = ctx_->clients->ConsumerIds(group);
    ctx_->locks->ReleaseAbsent(group, std::set<std::string>(ids.begin(), ids.end()));
  }
  std::optional<SubscriptionGroupConfig> cfg = ctx_->groups->Find(group);
  if (cfg && !cfg->notify_consumer_ids_changed_enable) return;
  for (const ChannelPtr& ch : ctx_->clients->ConsumerChannels(group)) {
    RemotingCommand n = RemotingCommand::Request(req::kNotifyConsumerIdsChanged, 0);
    n.MutableFields().Set("consumerGroup", group);
    n.flag = remoting::kFlagOneway;
    static std::atomic<int32_t> opaque{1};
    n.opaque = opaque.fetch_add(1) & 0x7FFFFFFF;
    ch->Send(std::move(n), {});
  }
}

void ConsumerProcessor::HeartBeat(const ChannelPtr& channel, const RemotingCommand& request,
                                  const std::string& body) {
  absl::StatusOr<HeartbeatData> hb = DecodeHeartbeat(body);
  if (!hb.ok()) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("bad heartbeat body: {}", MessageOf(hb.status())));
  }
  ClientChannel client;
  client.channel = channel;
  client.client_id = hb->client_id;
  client.language = request.language;
  client.version = request.version;
  client.last_update_ms = NowMillis();
  for (const ConsumerHeartbeat& c : hb->consumers) {
    absl::StatusOr<std::optional<SubscriptionGroupConfig>> group =
        ctx_->groups->FindOrCreate(c.group);
    if (!group.ok()) {
      return Reply(channel, request, code::kSystemError, std::string(MessageOf(group.status())));
    }
    if (group->has_value()) {
      const std::string retry = std::string(kRetryGroupTopicPrefix) + c.group;
      absl::StatusOr<TopicConfigManager::Created> created = ctx_->topics->CreateIfAbsent(
          retry, std::max(1, (*group)->retry_queue_nums), kPermRead | kPermWrite);
      if (!created.ok()) {
        spdlog::warn("heartbeat: cannot create {}: {}", retry, MessageOf(created.status()));
      } else if (created->created && ctx_->register_all) {
        ctx_->register_all();
      }
    }
    if (ctx_->config->enable_property_filter) ctx_->sql_filters->Prepare(c.subscriptions);
    if (ctx_->clients->RegisterConsumer(c, client)) NotifyConsumerIdsChanged(c.group);
  }
  for (const std::string& p : hb->producer_groups) ctx_->clients->RegisterProducer(p, client);
  Reply(channel, request, code::kSuccess, "");
}

void ConsumerProcessor::UnregisterClient(const ChannelPtr& channel,
                                         const RemotingCommand& request) {
  absl::StatusOr<remoting::UnregisterClientRequestHeader> h =
      remoting::UnregisterClientRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  if (h->producer_group && !h->producer_group->empty()) {
    ctx_->clients->UnregisterProducer(*h->producer_group, channel->id());
  }
  if (h->consumer_group && !h->consumer_group->empty()) {
    if (ctx_->clients->UnregisterConsumer(*h->consumer_group, channel->id())) {
      NotifyConsumerIdsChanged(*h->consumer_group);
    }
  }
  if (request.is_oneway()) return;
  RemotingCommand r = RemotingCommand::ResponseTo(request, code::kSuccess);
  r.MutableFields();
  channel->Send(std::move(r), {});
}

void ConsumerProcessor::ConsumerList(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<remoting::ConsumerGroupRequestHeader> h =
      remoting::ConsumerGroupRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  const std::vector<std::string> ids = ctx_->clients->ConsumerIds(h->consumer_group);
  if (ids.empty()) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("no consumer for this group, {}", h->consumer_group));
  }
  RemotingCommand r = RemotingCommand::ResponseTo(request, code::kSuccess);
  r.MutableFields();
  channel->Send(std::move(r), EncodeConsumerIdList(ids));
}

void ConsumerProcessor::QueryOffset(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<remoting::QueryConsumerOffsetRequestHeader> h =
      remoting::QueryConsumerOffsetRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  std::optional<int64_t> offset = ctx_->offsets->Query(h->consumer_group, h->topic, h->queue_id);
  if (!offset) {
    // RocketMQ's "in memory" rule (protocol.md 10.6): a new group starts at 0 only if the queue
    // still holds its first message and that message is in page cache.
    const engine::MessageReader& reader = ctx_->store->reader();
    const int64_t min = reader.MinOffsetInQueue(h->topic, h->queue_id);
    const int64_t max = reader.MaxOffsetInQueue(h->topic, h->queue_id);
    if (min <= 0 && (max == 0 || !reader.IsOnDisk(h->topic, h->queue_id, 0))) offset = 0;
  }
  if (!offset) {
    return Reply(channel, request, code::kQueryNotFound,
                 "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
  }
  RemotingCommand r = RemotingCommand::ResponseTo(request, code::kSuccess);
  remoting::QueryConsumerOffsetResponseHeader rh;
  rh.offset = *offset;
  rh.WriteTo(r.MutableFields());
  channel->Send(std::move(r), {});
}

void ConsumerProcessor::UpdateOffset(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<remoting::UpdateConsumerOffsetRequestHeader> h =
      remoting::UpdateConsumerOffsetRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  ctx_->offsets->Commit(h->consumer_group, h->topic, h->queue_id, h->commit_offset);
  spdlog::debug("update offset {}@{}:{} = {}", h->topic, h->consumer_group, h->queue_id,
                h->commit_offset);
  if (request.is_oneway()) return;
  RemotingCommand r = RemotingCommand::ResponseTo(request, code::kSuccess);
  r.MutableFields();
  channel->Send(std::move(r), {});
}

void ConsumerProcessor::QueueOffsetQuery(const ChannelPtr& channel,
                                         const RemotingCommand& request) {
  const engine::MessageReader& reader = ctx_->store->reader();
  RemotingCommand r = RemotingCommand::ResponseTo(request, code::kSuccess);
  if (request.code == req::kSearchOffsetByTimestamp) {
    absl::StatusOr<remoting::SearchOffsetRequestHeader> h =
        remoting::SearchOffsetRequestHeader::Parse(request);
    if (!h.ok())
      return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
    remoting::OffsetResponseHeader rh;
    rh.offset = reader.OffsetInQueueByTime(h->topic, h->queue_id, h->timestamp);
    rh.WriteTo(r.MutableFields());
    return channel->Send(std::move(r), {});
  }
  absl::StatusOr<remoting::QueueRequestHeader> h = remoting::QueueRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  if (request.code == req::kGetEarliestMsgStoretime) {
    remoting::GetEarliestMsgStoretimeResponseHeader rh;
    rh.timestamp = reader.EarliestMessageTime(h->topic, h->queue_id);
    rh.WriteTo(r.MutableFields());
  } else {
    remoting::OffsetResponseHeader rh;
    rh.offset = request.code == req::kGetMaxOffset ? reader.MaxOffsetInQueue(h->topic, h->queue_id)
                                                   : reader.MinOffsetInQueue(h->topic, h->queue_id);
    rh.WriteTo(r.MutableFields());
  }
  channel->Send(std::move(r), {});
}

}  // namespace tern::broker
