// admin_extra.h: the admin-protocol calls the dashboard needs that client/admin's AdminClient
// does not offer (yet), over the AdminClient's own ClientInstance:
//   GET_BROKER_CONSUME_STATS (317)        every group's ConsumeStats on one broker, in one call
//   QUERY_CONSUME_TIME_SPAN (303)         per queue: first/last store time, lag time
//   CONSUME_MESSAGE_DIRECTLY (309)        a stored message handed to one online consumer
//   GET_SYSTEM_TOPIC_LIST_FROM_NS (304)   the name server's system topics
// Each works against Java RocketMQ 4.x brokers and name servers as well (same bodies).
//
// Decoders are as lenient as fastjson (client/admin/bean_key_json.h) and fail with
// InvalidArgument naming the JSON path; they are pure and fuzzed (tests/fuzz). Calls block up
// to the AdminClient's timeout; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/admin/admin_bodies.h"
#include "client/admin/admin_client.h"
#include "server/protocol/topic_list.h"

namespace tern::dashboard {

using client::MessageQueue;
using client::admin::AdminClient;
using client::admin::ConsumeStats;

// GET_BROKER_CONSUME_STATS's ConsumeStatsList: group -> one ConsumeStats per topic.
struct BrokerConsumeStats {
  std::string broker_addr;
  int64_t total_diff = 0;
  std::vector<std::pair<std::string, std::vector<ConsumeStats>>> groups;
  static absl::StatusOr<BrokerConsumeStats> Decode(std::string_view body);
};

// One queue of QUERY_CONSUME_TIME_SPAN.
struct QueueTimeSpan {
  MessageQueue queue;
  int64_t min_timestamp = 0;      // first message's store time
  int64_t max_timestamp = 0;      // last message's store time
  int64_t consume_timestamp = 0;  // last consumed message's store time
  int64_t delay_ms = 0;           // how long the oldest unconsumed message has waited (0: none)
};
absl::StatusOr<std::vector<QueueTimeSpan>> DecodeConsumeTimeSpans(std::string_view body);
// The queue's lag time at `now_ms`, sanitized: Java computes now - storeTime(consumerOffset),
// which is now + 1 for a queue the group never committed (offset -1). When every stored message
// is unconsumed, the oldest unconsumed one is the queue's first: the answer is capped at
// now - min_timestamp (0 when the queue is empty).
int64_t LagTimeMs(const QueueTimeSpan& span, int64_t now_ms);

struct ConsumeDirectlyResult {
  bool order = false;
  bool auto_commit = true;
  std::string
      consume_result;  // CR_SUCCESS, CR_LATER, CR_ROLLBACK, CR_COMMIT, CR_THROW_EXCEPTION...
  std::string remark;
  int64_t spent_time_ms = 0;
  static absl::StatusOr<ConsumeDirectlyResult> Decode(std::string_view body);
};

absl::StatusOr<BrokerConsumeStats> FetchBrokerConsumeStats(AdminClient& admin,
                                                           const std::string& broker_addr);
absl::StatusOr<std::vector<QueueTimeSpan>> QueryConsumeTimeSpan(AdminClient& admin,
                                                                const std::string& broker_addr,
                                                                const std::string& topic,
                                                                const std::string& group);
// `offset_msg_id` must be stored on `broker_addr` (its store host).
absl::StatusOr<ConsumeDirectlyResult> ConsumeMessageDirectly(AdminClient& admin,
                                                             const std::string& broker_addr,
                                                             const std::string& group,
                                                             const std::string& client_id,
                                                             const std::string& offset_msg_id);
absl::StatusOr<protocol::TopicList> SystemTopicList(AdminClient& admin);

}  // namespace tern::dashboard
