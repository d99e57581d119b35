// offset_api.h: the broker calls about queue and consumer offsets (QUERY_CONSUMER_OFFSET,
// UPDATE_CONSUMER_OFFSET, GET_MAX_OFFSET, GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP), sent
// to the master of the queue's broker. Names (topic, group) are wire names.
//
// Errors: Unavailable when the broker has no known address or does not answer; a broker
// refusal carries its code (status_codes.h) — QUERY_NOT_FOUND (22) is NotFound, meaning the
// group has no committed offset for the queue. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "client/client_instance.h"
#include "client/message.h"

namespace tern::client {

absl::StatusOr<int64_t> QueryConsumerOffset(ClientInstance& instance, const std::string& group,
                                            const MessageQueue& queue);
// oneway: Java's periodic persist; otherwise waits for the answer.
absl::Status UpdateConsumerOffset(ClientInstance& instance, const std::string& group,
                                  const MessageQueue& queue, int64_t offset, bool oneway);
absl::StatusOr<int64_t> MaxOffset(ClientInstance& instance, const MessageQueue& queue);
absl::StatusOr<int64_t> MinOffset(ClientInstance& instance, const MessageQueue& queue);
absl::StatusOr<int64_t> SearchOffset(ClientInstance& instance, const MessageQueue& queue,
                                     int64_t timestamp_ms);

// The master address of the queue's broker, refreshing the topic's route once if unknown.
absl::StatusOr<std::string> BrokerAddrOf(ClientInstance& instance, const MessageQueue& queue);

}  // namespace tern::client
