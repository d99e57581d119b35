#include "server/broker/retry_dlq.h"

#include <fmt/format.h>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"

namespace tern::broker {

std::string RetryTopicOf(std::string_view group) {
  return fmt::format("{}{}", kRetryGroupTopicPrefix, group);
}

std::string DlqTopicOf(std::string_view group) {
  return fmt::format("{}{}", kDlqGroupTopicPrefix, group);
}

absl::StatusOr<SubscriptionGroupConfig> FindGroupForRetry(BrokerContext& ctx,
                                                          std::string_view group) {
  absl::StatusOr<std::optional<SubscriptionGroupConfig>> cfg = ctx.groups->FindOrCreate(group);
  if (!cfg.ok()) return cfg.status();
  if (!cfg->has_value()) {
    return absl::NotFoundError(fmt::format(
        "subscription group not exist, {} (autoCreateSubscriptionGroup is off: create it "
        "first, e.g. mqadmin updateSubGroup)",
        group));
  }
  return **cfg;
}

namespace {
absl::StatusOr<TopicConfig> Ensure(BrokerContext& ctx, const std::string& topic, int32_t queues,
                                   int32_t perm) {
  absl::StatusOr<TopicConfigManager::Created> t = ctx.topics->CreateIfAbsent(topic, queues, perm);
  if (!t.ok()) {
    return absl::InternalError(
        fmt::format("topic[{}] not exist: {}", topic, MessageOf(t.status())));
  }
  if (t->created && ctx.register_all) ctx.register_all();
  return t->config;
}
}  // namespace

absl::StatusOr<TopicConfig> EnsureRetryTopic(BrokerContext& ctx, std::string_view group,
                                             int32_t queue_nums) {
  const std::string topic = RetryTopicOf(group);
  if (std::optional<TopicConfig> t = ctx.topics->Find(topic)) return *t;
  return Ensure(ctx, topic, queue_nums, kPermRead | kPermWrite);
}

absl::StatusOr<TopicConfig> EnsureDlqTopic(BrokerContext& ctx, std::string_view group) {
  const std::string topic = DlqTopicOf(group);
  if (std::optional<TopicConfig> t = ctx.topics->Find(topic)) return *t;
  return Ensure(ctx, topic, kDlqQueueNums, kPermWrite);
}

int32_t EffectiveMaxReconsumeTimes(int32_t request_version, std::optional<int32_t> from_client,
                                   const SubscriptionGroupConfig& group) {
  if (request_version >= remoting::version::kV3_4_9 && from_client) return *from_client;
  return group.retry_max_times;
}

}  // namespace tern::broker
