#include "server/broker/send_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>

#include "engine/base/strings.h"
#include "engine/topic_name.h"
#include "server/broker/reput.h"
#include "server/broker/retry_dlq.h"
#include "server/remoting/codes.h"

namespace tern::broker {

namespace code = remoting::response;

namespace {

SendCheck Refuse(int32_t c, std::string remark) {
  SendCheck r;
  r.code = c;
  r.remark = std::move(remark);
  return r;
}

}  // namespace

int32_t RandomQueue(int32_t n) {
  thread_local std::minstd_rand rng(std::random_device{}());
  return n <= 0 ? 0 : static_cast<int32_t>(rng() % static_cast<uint32_t>(n));
}

SendCheck CheckSendTarget(BrokerContext& ctx, const remoting::SendMessageRequestHeader& header,
                          std::string_view remote) {
  const BrokerConfig& cfg = *ctx.config;
  if ((ctx.broker_permission.load(std::memory_order_relaxed) & kPermWrite) == 0) {
    return Refuse(code::kNoPermission,
                  fmt::format("the broker[{}] sending message is forbidden", cfg.broker_name));
  }
  const std::string& topic = header.topic;
  if (!engine::IsValidTopicName(topic)) {
    return Refuse(code::kSystemError,
                  fmt::format("the specified topic[{}] is invalid: it must match "
                              "^[%|a-zA-Z0-9_-]+$ and be at most 127 characters",
                              topic));
  }
  if (IsNotSendableSystemTopic(topic) || topic == kTimerTopic) {
    return Refuse(code::kNoPermission,
                  fmt::format("sending message to topic[{}] is forbidden (system topic)", topic));
  }

  // Topic config, auto-created from the default topic when allowed.
  std::optional<TopicConfig> tc = ctx.topics->Find(topic);
  if (!tc) {
    absl::StatusOr<TopicConfigManager::Created> created = ctx.topics->CreateFromTemplate(
        topic, header.default_topic, header.default_topic_queue_nums, header.unit_mode ? 1 : 0);
    if (!created.ok() && topic.starts_with(kRetryGroupTopicPrefix)) {
      created = ctx.topics->CreateIfAbsent(topic, 1, kPermRead | kPermWrite);
    }
    if (!created.ok()) {
      return Refuse(absl::IsNotFound(created.status()) ? code::kTopicNotExist : code::kSystemError,
                    std::string(MessageOf(created.status())));
    }
    tc = created->config;
    if (created->created && ctx.register_all) ctx.register_all();
  }
  if ((tc->perm & kPermWrite) == 0) {
    return Refuse(code::kNoPermission,
                  fmt::format("the topic[{}] sending message is forbidden", topic));
  }
  const int32_t queues = std::max(tc->write_queue_nums, tc->read_queue_nums);
  if (header.queue_id >= queues) {
    return Refuse(code::kSystemError,
                  fmt::format("request queueId[{}] is illegal, topic {} has {} queues (producer "
                              "{})",
                              header.queue_id, topic, queues, remote));
  }
  SendCheck ok;
  ok.queue_id = header.queue_id < 0 ? RandomQueue(tc->write_queue_nums) : header.queue_id;
  ok.topic = *std::move(tc);
  return ok;
}

}  // namespace tern::broker
