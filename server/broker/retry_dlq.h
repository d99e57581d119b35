// retry_dlq.h: RocketMQ's retry and dead-letter rules shared by CONSUMER_SEND_MSG_BACK
// (send_back_processor.h) and plain sends to %RETRY%<group> (send_processor.cc, Java's
// SendMessageProcessor.handleRetryAndDLQ; protocol.md 7.3).
//
// %RETRY%<group> has retryQueueNums queues (perm 6), %DLQ%<group> one queue with perm 2
// (write-only), as Java 4.8 creates it: dead letters are never consumed automatically. Topics
// created here are persisted and announced to the name servers (a full oneway registration,
// as Java does after creating a topic on the fly).
//
// Thread safety: stateless; the context's managers are thread-safe. The group and topic
// lookups may create and persist metadata (once per group), like the send path's auto-create.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/broker/broker_context.h"

namespace tern::broker {

inline constexpr int32_t kDlqQueueNums = 1;

std::string RetryTopicOf(std::string_view group);
std::string DlqTopicOf(std::string_view group);

// The group's settings, created with defaults when autoCreateSubscriptionGroup is on.
// NotFound carries Java's remark for SUBSCRIPTION_GROUP_NOT_EXIST (26).
absl::StatusOr<SubscriptionGroupConfig> FindGroupForRetry(BrokerContext& ctx,
                                                          std::string_view group);

// %RETRY%<group> / %DLQ%<group>, created when absent.
absl::StatusOr<TopicConfig> EnsureRetryTopic(BrokerContext& ctx, std::string_view group,
                                             int32_t queue_nums);
absl::StatusOr<TopicConfig> EnsureDlqTopic(BrokerContext& ctx, std::string_view group);

// The retry limit: the client's value when the request version is >= V3_4_9 (121) and it
// sent one, else the group's retryMaxTimes.
int32_t EffectiveMaxReconsumeTimes(int32_t request_version, std::optional<int32_t> from_client,
                                   const SubscriptionGroupConfig& group);

}  // namespace tern::broker
