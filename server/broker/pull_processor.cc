#include "server/broker/pull_processor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "server/broker/broker_stats.h"
#include "server/broker/sql_filter_cache.h"
#include "server/remoting/codes.h"

namespace tern::broker {

namespace code = remoting::response;
using engine::GetMessageStatus;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

PullProcessor::PullProcessor(BrokerContext* ctx)
    : ctx_(ctx), hold_([this](ParkedPull p) {
        // Re-run on an I/O thread, never on the dispatcher or timer thread.
        auto shared = std::make_shared<ParkedPull>(std::move(p));
        ctx_->post([this, shared] {
          Process(shared->channel, std::move(shared->request), shared->header, shared->filter,
                  /*first_pass=*/false);
        });
      }) {}

PullProcessor::~PullProcessor() { Stop(); }

void PullProcessor::Start() { hold_.Start(); }
void PullProcessor::Stop() { hold_.Stop(); }

void PullProcessor::Register(remoting::HandlerTable& table) {
  table.Register(remoting::request::kPullMessage, [this](const ChannelPtr& c, RemotingCommand r,
                                                         std::string) { Handle(c, std::move(r)); });
}

void PullProcessor::Handle(const ChannelPtr& channel, RemotingCommand request) {
  const BrokerConfig& cfg = *ctx_->config;
  absl::StatusOr<remoting::PullMessageRequestHeader> header =
      remoting::PullMessageRequestHeader::Parse(request);
  if (!header.ok()) {
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(header.status())));
  }
  if ((ctx_->broker_permission.load(std::memory_order_relaxed) & kPermRead) == 0) {
    return Reply(channel, request, code::kNoPermission,
                 fmt::format("the broker[{}] pulling message is forbidden", cfg.broker_name));
  }
  absl::StatusOr<std::optional<SubscriptionGroupConfig>> group =
      ctx_->groups->FindOrCreate(header->consumer_group);
  if (!group.ok()) {
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(group.status())));
  }
  if (!group->has_value()) {
    return Reply(channel, request, code::kSubscriptionGroupNotExist,
                 fmt::format("subscription group [{}] does not exist", header->consumer_group));
  }
  if (!(*group)->consume_enable) {
    return Reply(channel, request, code::kNoPermission,
                 fmt::format("subscription group no permission, {}", header->consumer_group));
  }
  std::optional<TopicConfig> tc = ctx_->topics->Find(header->topic);
  if (!tc) {
    return Reply(channel, request, code::kTopicNotExist,
                 fmt::format("topic[{}] not exist, apply first please!", header->topic));
  }
  if ((tc->perm & kPermRead) == 0) {
    return Reply(channel, request, code::kNoPermission,
                 fmt::format("the topic[{}] pulling message is forbidden", header->topic));
  }
  if (header->queue_id < 0 || header->queue_id >= tc->read_queue_nums) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("queueId[{}] is illegal, topic:[{}] topicConfig.readQueueNums:[{}] "
                             "consumer:[{}]",
                             header->queue_id, header->topic, tc->read_queue_nums,
                             channel->remote_address()));
  }

  // Subscription: from the request, or from the group's heartbeats.
  SubscriptionData sub;
  if ((header->sys_flag & kPullFlagSubscription) != 0) {
    absl::StatusOr<SubscriptionData> built =
        BuildSubscription(header->topic, header->subscription.value_or("*"),
                          header->expression_type.value_or("TAG"), header->sub_version);
    if (!built.ok()) {
      return Reply(channel, request, code::kSubscriptionParseFailed,
                   std::string(MessageOf(built.status())));
    }
    sub = *std::move(built);
  } else {
    std::optional<ConsumerGroupInfo> info = ctx_->clients->Consumer(header->consumer_group);
    if (!info) {
      return Reply(channel, request, code::kSubscriptionNotExist,
                   fmt::format("the consumer's group info not exist: {}", header->consumer_group));
    }
    if (info->message_model == "BROADCASTING" && !(*group)->consume_broadcast_enable) {
      return Reply(channel, request, code::kNoPermission,
                   fmt::format("the consumer group[{}] can not consume by broadcast way",
                               header->consumer_group));
    }
    auto it = info->subscriptions.find(header->topic);
    if (it == info->subscriptions.end()) {
      return Reply(channel, request, code::kSubscriptionNotExist,
                   "the consumer's subscription not exist");
    }
    if (it->second.sub_version < header->sub_version) {
      RemotingCommand r = RemotingCommand::ResponseTo(request, code::kSubscriptionNotLatest,
                                                      "the consumer's subscription not latest");
      r.MutableFields();
      return channel->Send(std::move(r), {});
    }
    sub = it->second;
  }
  std::shared_ptr<const engine::MessageFilter> filter;
  if (sub.expression_type == kExpressionTypeSql92) {
    if (!cfg.enable_property_filter) {
      return Reply(channel, request, code::kSystemError,
                   "The broker does not support consumer to filter message by SQL92");
    }
    absl::StatusOr<std::shared_ptr<const engine::MessageFilter>> sql =
        ctx_->sql_filters->Get(sub.sub_string);
    if (!sql.ok()) {
      return Reply(
          channel, request, code::kSubscriptionParseFailed,
          fmt::format("parse the consumer's subscription failed: {}", MessageOf(sql.status())));
    }
    filter = *std::move(sql);
  } else if (!sub.all()) {
    filter = std::make_shared<const TagFilter>(sub);
  }
  Process(channel, std::move(request), *header, std::move(filter), /*first_pass=*/true);
}

void PullProcessor::Process(const ChannelPtr& channel, RemotingCommand request,
                            const remoting::PullMessageRequestHeader& header,
                            std::shared_ptr<const engine::MessageFilter> filter, bool first_pass) {
  if (channel->closed()) return;
  const BrokerConfig& cfg = *ctx_->config;
  auto result = std::make_shared<engine::GetMessageResult>(
      ctx_->store->GetMessage(header.topic, header.queue_id, header.queue_offset,
                              std::max(1, header.max_msg_nums), 0, filter.get()));
  int32_t c = code::kSuccess;
  switch (result->status) {
    case GetMessageStatus::kFound:
      c = code::kSuccess;
      break;
    case GetMessageStatus::kNoMatchedMessage:
    case GetMessageStatus::kMessageWasRemoving:
      c = code::kPullRetryImmediately;
      break;
    case GetMessageStatus::kOffsetOverflowOne:
    case GetMessageStatus::kOffsetFoundNull:
      c = code::kPullNotFound;
      break;
    case GetMessageStatus::kNoMessageInQueue:
    case GetMessageStatus::kNoMatchedLogicQueue:
      c = header.queue_offset != 0 ? code::kPullOffsetMoved : code::kPullNotFound;
      break;
    case GetMessageStatus::kOffsetTooSmall:
    case GetMessageStatus::kOffsetOverflowBadly:
      c = code::kPullOffsetMoved;
      break;
  }
  if (first_pass && (header.sys_flag & kPullFlagCommitOffset) != 0) {
    ctx_->offsets->Commit(header.consumer_group, header.topic, header.queue_id,
                          header.commit_offset);
    spdlog::debug("pull commit {}@{}:{} = {}", header.topic, header.consumer_group, header.queue_id,
                  header.commit_offset);
  }
  if (c == code::kPullNotFound && first_pass && (header.sys_flag & kPullFlagSuspend) != 0) {
    ParkedPull p;
    p.channel = channel;
    p.request = std::move(request);
    p.header = header;
    p.filter = std::move(filter);
    const int64_t wait_ms =
        cfg.long_polling_enable ? header.suspend_timeout_millis : cfg.short_polling_time_mills;
    p.deadline = MonoClock::now() + std::chrono::milliseconds(std::max<int64_t>(0, wait_ms));
    hold_.Park(std::move(p));
    // A message may have arrived between the read and the park: look once more.
    const int64_t max = ctx_->store->reader().MaxOffsetInQueue(header.topic, header.queue_id);
    if (max > header.queue_offset) {
      hold_.OnArrival(header.topic, header.queue_id, max, 0, {}, /*any_tag=*/true);
    }
    return;
  }
  if (request.is_oneway()) return;
  RemotingCommand response = RemotingCommand::ResponseTo(
      request, c, std::string(engine::GetMessageStatusName(result->status)));
  remoting::PullMessageResponseHeader rh;
  rh.suggest_which_broker_id = 0;
  rh.next_begin_offset = result->next_begin_offset;
  rh.min_offset = result->min_offset;
  rh.max_offset = result->max_offset;
  rh.WriteTo(response.MutableFields());
  if (c != code::kSuccess) {
    channel->Send(std::move(response), {});
    return;
  }
  ctx_->counters->get_messages.fetch_add(static_cast<int64_t>(result->messages.size()));
  ctx_->counters->get_bytes.fetch_add(result->total_bytes);
  if (ctx_->stats != nullptr) {
    ctx_->stats->OnGet(header.topic, header.consumer_group,
                       static_cast<int64_t>(result->messages.size()), result->total_bytes,
                       NowMillis());
  }
  remoting::ViewBody body;
  body.parts.assign(result->messages.begin(), result->messages.end());
  body.keep_alive = result;  // pins the CommitLog files until the bytes are written
  channel->SendViews(std::move(response), std::move(body));
}

}  // namespace tern::broker
