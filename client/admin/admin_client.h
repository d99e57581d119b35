// admin_client.h: AdminClient, the C++ counterpart of Java's DefaultMQAdminExt — typed calls
// for everything mqadmin does against name servers and brokers (protocol.md 2.3, 2.6, 2.7).
//
// Three layers, one class:
//  - name server calls (cluster info, routes, topic lists, KV config, name server config,
//    write permission), sent to one name server chosen by address or, for the reads, to the
//    configured name servers in order until one answers (admin_client.cc);
//  - single-broker calls, addressed by "ip:port" (admin_client_broker.cc);
//  - mqadmin's aggregates over a topic's or a group's route — the Examine* calls, which ask
//    every broker of the route and merge the answers as DefaultMQAdminExtImpl does
//    (admin_client_examine.cc) — and the message reads: view by offset id, query by key or
//    unique key, pull by queue offset (admin_client_message.cc).
//
// Requests go out as mqadmin's do, with language JAVA: brokers shape some answers by the
// caller's language (INVOKE_BROKER_TO_RESET_OFFSET pushes the C++ body form to the group's
// consumers when the admin is CPP, which Java consumers cannot read), so only
// ResetOffsetByTime(..., cpp=true) sends CPP, as mqadmin's -c does. The ClientInstance
// underneath provides the I/O pool, topic routes for the offset calls, and pulls.
//
// Errors: a refusal is client/status_codes.h's BrokerError naming the request, its code and
// the broker or name server address ("GET_CONSUME_STATS (208) to broker 10.0.0.1:10911:
// broker answered code 206: ..."); RocketMqCode() reads the code back. Transport failures are
// Unavailable/DeadlineExceeded naming the address. Malformed bodies are InvalidArgument.
//
// Thread safety: every method is thread-safe (the transport is). Lifetime: Create() starts
// the client; the destructor closes its connections. Calls block up to `timeout`; never call
// them on a ClientInstance I/O thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/admin/admin_bodies.h"
#include "client/client_instance.h"
#include "client/message.h"
#include "client/pull_api.h"
#include "engine/metadata/subscription_group.h"
#include "engine/metadata/topic_config.h"
#include "server/net/client.h"
#include "server/protocol/cluster_info.h"
#include "server/protocol/java_properties.h"
#include "server/protocol/kv_table.h"
#include "server/protocol/route_data.h"
#include "server/protocol/topic_config_wrapper.h"
#include "server/protocol/topic_list.h"

namespace tern::client::admin {

using engine::metadata::SubscriptionGroupConfig;
using engine::metadata::SubscriptionGroupFile;
using engine::metadata::TopicConfig;

struct AdminOptions {
  std::vector<std::string> namesrv_addrs;    // "ip:port", tried in order for reads
  std::chrono::milliseconds timeout{10000};  // per request
  std::string instance_name = "DEFAULT";
};

// mqadmin's RollbackStats: one queue of an offline group's offset reset.
struct RollbackStats {
  MessageQueue queue;
  int64_t broker_offset = 0;
  int64_t consumer_offset = 0;
  int64_t timestamp_offset = 0;  // the offset found for the timestamp
  int64_t rollback_offset = 0;   // the offset now committed
};

class AdminClient {
 public:
  static absl::StatusOr<std::unique_ptr<AdminClient>> Create(AdminOptions options);
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  const AdminOptions& options() const { return options_; }
  ClientInstance& instance() { return *instance_; }

  // ---- Name servers -------------------------------------------------------------------
  absl::StatusOr<protocol::ClusterInfo> ClusterInfo();
  absl::StatusOr<protocol::TopicList> TopicList();
  absl::StatusOr<protocol::TopicList> TopicsOfCluster(const std::string& cluster);
  // NotFound (code 17) when the name server knows no route.
  absl::StatusOr<protocol::TopicRouteData> TopicRoute(const std::string& topic);
  absl::Status DeleteTopicInNamesrv(const std::string& namesrv_addr, const std::string& topic);
  // KV config: writes go to every configured name server, reads to the first that answers.
  absl::Status PutKvConfig(const std::string& ns, const std::string& key, const std::string& value);
  // NotFound (code 22) when the key is absent.
  absl::StatusOr<std::string> GetKvConfig(const std::string& ns, const std::string& key);
  absl::Status DeleteKvConfig(const std::string& ns, const std::string& key);
  absl::StatusOr<protocol::KVTable> KvList(const std::string& ns);
  absl::StatusOr<protocol::PropertyEntries> NamesrvConfig(const std::string& namesrv_addr);
  absl::Status UpdateNamesrvConfig(const std::string& namesrv_addr,
                                   const protocol::PropertyEntries& entries);
  // The number of topics whose permission changed.
  absl::StatusOr<int32_t> WipeWritePerm(const std::string& namesrv_addr,
                                        const std::string& broker_name);
  absl::StatusOr<int32_t> AddWritePerm(const std::string& namesrv_addr,
                                       const std::string& broker_name);

  // Cluster helpers over ClusterInfo (sorted, distinct). NotFound for an unknown cluster.
  absl::StatusOr<std::vector<std::string>> MasterAddrs(const std::string& cluster);
  absl::StatusOr<std::vector<std::string>> AllBrokerAddrs(const std::string& cluster);
  // The broker name registered at `addr`; NotFound if none.
  absl::StatusOr<std::string> BrokerNameOf(const std::string& addr);

  // ---- One broker ---------------------------------------------------------------------
  absl::Status CreateTopic(const std::string& addr, const TopicConfig& config);
  absl::Status DeleteTopicInBroker(const std::string& addr, const std::string& topic);
  absl::StatusOr<protocol::TopicConfigSerializeWrapper> AllTopicConfig(const std::string& addr);
  absl::StatusOr<TopicStatsTable> TopicStats(const std::string& addr, const std::string& topic);
  // `topic` empty: every topic the group has offsets for.
  absl::StatusOr<ConsumeStats> GetConsumeStats(const std::string& addr, const std::string& group,
                                               const std::string& topic = "");
  absl::StatusOr<ConsumerConnection> GetConsumerConnection(const std::string& addr,
                                                           const std::string& group);
  absl::StatusOr<ProducerConnection> GetProducerConnection(const std::string& addr,
                                                           const std::string& group);
  absl::StatusOr<ConsumerRunningInfo> GetConsumerRunningInfo(const std::string& addr,
                                                             const std::string& group,
                                                             const std::string& client_id,
                                                             bool jstack);
  absl::StatusOr<GroupList> TopicConsumedBy(const std::string& addr, const std::string& topic);
  // CONSUME_MESSAGE_DIRECTLY (309): the broker holding the message hands it to one consumer
  // of the group (`offset_msg_id` names the message; `addr` is its store host).
  absl::StatusOr<ConsumeMessageDirectlyResult> ConsumeMessageDirectly(
      const std::string& addr, const std::string& group, const std::string& client_id,
      const std::string& offset_msg_id);
  absl::Status CreateSubscriptionGroup(const std::string& addr,
                                       const SubscriptionGroupConfig& config);
  absl::Status DeleteSubscriptionGroup(const std::string& addr, const std::string& group,
                                       bool remove_offset);
  absl::StatusOr<SubscriptionGroupFile> AllSubscriptionGroups(const std::string& addr);
  absl::StatusOr<protocol::KVTable> BrokerRuntimeInfo(const std::string& addr);
  absl::StatusOr<protocol::PropertyEntries> BrokerConfig(const std::string& addr);
  absl::Status UpdateBrokerConfig(const std::string& addr,
                                  const protocol::PropertyEntries& entries);
  // INVOKE_BROKER_TO_RESET_OFFSET (222): the offsets the broker set (and pushed to the
  // group's online consumers). `timestamp` -1 means each queue's max offset.
  absl::StatusOr<std::map<MessageQueue, int64_t>> ResetOffsetByTime(const std::string& addr,
                                                                    const std::string& topic,
                                                                    const std::string& group,
                                                                    int64_t timestamp, bool force,
                                                                    bool cpp);
  // INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223): clientId -> the offsets of `topic` each online
  // consumer of `group` reported (only `client_id`'s when not empty).
  using ConsumerStatusTable = std::map<std::string, std::map<MessageQueue, int64_t>>;
  absl::StatusOr<ConsumerStatusTable> GetConsumerStatus(const std::string& addr,
                                                        const std::string& topic,
                                                        const std::string& group,
                                                        const std::string& client_id);
  absl::Status CloneGroupOffset(const std::string& addr, const std::string& src_group,
                                const std::string& dest_group, const std::string& topic,
                                bool offline);
  // CLEAN_EXPIRED_CONSUMEQUEUE (306).
  absl::Status CleanExpiredConsumeQueue(const std::string& addr);
  absl::StatusOr<BrokerStatsData> ViewBrokerStats(const std::string& addr,
                                                  const std::string& stats_name,
                                                  const std::string& stats_key);
  absl::Status UpdateConsumerOffset(const std::string& addr, const std::string& group,
                                    const MessageQueue& queue, int64_t offset);
  // GET_MAX_OFFSET / GET_MIN_OFFSET / SEARCH_OFFSET_BY_TIMESTAMP on the queue's master.
  absl::StatusOr<int64_t> MaxOffset(const MessageQueue& queue);
  absl::StatusOr<int64_t> MinOffset(const MessageQueue& queue);
  absl::StatusOr<int64_t> SearchOffset(const MessageQueue& queue, int64_t timestamp_ms);

  // ---- Aggregates over routes (DefaultMQAdminExt semantics) ----------------------------
  // Every broker of the topic's route; NotFound when no broker has stats.
  absl::StatusOr<TopicStatsTable> ExamineTopicStats(const std::string& topic);
  // Every broker of %RETRY%group's route, offset tables merged, TPS summed. NotFound with
  // code 206 CONSUMER_NOT_ONLINE when the merged table is empty.
  absl::StatusOr<ConsumeStats> ExamineConsumeStats(const std::string& group,
                                                   const std::string& topic = "");
  // One broker of %RETRY%group's route; code 206 when no connection is online.
  absl::StatusOr<ConsumerConnection> ExamineConsumerConnection(const std::string& group);
  // One broker of the topic's route; NotFound when the group has no connection.
  absl::StatusOr<ProducerConnection> ExamineProducerConnection(const std::string& group,
                                                               const std::string& topic);
  absl::StatusOr<ConsumerRunningInfo> ExamineConsumerRunningInfo(const std::string& group,
                                                                 const std::string& client_id);
  // The groups consuming `topic`, from the first broker of its route.
  absl::StatusOr<GroupList> QueryTopicConsumeByWho(const std::string& topic);
  // The clusters holding the topic's first broker (mqadmin topicClusterList).
  absl::StatusOr<std::vector<std::string>> TopicClusterList(const std::string& topic);
  // 222 to every broker of the topic's route, merged.
  absl::StatusOr<std::map<MessageQueue, int64_t>> ResetOffsetByTimestamp(const std::string& topic,
                                                                         const std::string& group,
                                                                         int64_t timestamp,
                                                                         bool force, bool cpp);
  // 223 to every broker of the topic's route, merged (mqadmin getConsumerStatus).
  absl::StatusOr<ConsumerStatusTable> ExamineConsumerStatus(const std::string& topic,
                                                            const std::string& group,
                                                            const std::string& client_id);
  // mqadmin's resetOffsetByTimestampOld, for a group with no consumer online: commits the
  // offset found for `timestamp` (-1: the max offset) on each queue of the topic with
  // UPDATE_CONSUMER_OFFSET, unless !force and it is past the committed offset.
  absl::StatusOr<std::vector<RollbackStats>> ResetOffsetOffline(const std::string& group,
                                                                const std::string& topic,
                                                                int64_t timestamp, bool force);
  // CLONE_GROUP_OFFSET to every broker of %RETRY%src_group's route.
  absl::Status CloneGroupOffsetAll(const std::string& src_group, const std::string& dest_group,
                                   const std::string& topic, bool offline);

  // ---- Messages -------------------------------------------------------------------------
  // VIEW_MESSAGE_BY_ID at the store host encoded in an offset message id.
  absl::StatusOr<MessageExt> ViewMessage(const std::string& offset_msg_id);
  // QUERY_MESSAGE to every master of the topic; messages re-checked against the key (a KEYS
  // token, or the UNIQ_KEY when `unique`). NotFound when none matches.
  absl::StatusOr<std::vector<MessageExt>> QueryMessage(const std::string& topic,
                                                       const std::string& key, int32_t max_num,
                                                       int64_t begin_ms, int64_t end_ms,
                                                       bool unique);
  // 309 at the store host encoded in the offset message id.
  absl::StatusOr<ConsumeMessageDirectlyResult> ConsumeMessageDirectlyById(
      const std::string& group, const std::string& client_id, const std::string& offset_msg_id);
  // By UNIQ_KEY, falling back to reading `id` as an offset message id (Java's viewMessage).
  absl::StatusOr<MessageExt> ViewMessageByUniqueKey(const std::string& topic,
                                                    const std::string& id);
  // One PULL_MESSAGE without suspending, as `group` (mqadmin's TOOLS_CONSUMER by default).
  absl::StatusOr<PullResult> Pull(const MessageQueue& queue, const std::string& expression,
                                  int64_t offset, int32_t max_nums,
                                  const std::string& group = "TOOLS_CONSUMER");

 private:
  enum class Peer { kBroker, kNameServer };
  explicit AdminClient(AdminOptions options);

  // Sends one request; a response code other than 0 is returned as the Response (callers
  // that treat some codes as answers use this).
  absl::StatusOr<net::Response> Send(Peer peer, const std::string& addr,
                                     remoting::RemotingCommand request, std::string body,
                                     std::string_view what);
  // Send, with any code but 0 turned into BrokerError.
  absl::StatusOr<net::Response> Call(Peer peer, const std::string& addr,
                                     remoting::RemotingCommand request, std::string body,
                                     std::string_view what);
  // Call to the configured name servers in order until one answers.
  absl::StatusOr<net::Response> CallNamesrv(remoting::RemotingCommand request,
                                            std::string_view what);
  // The master address of each broker name in the topic's route (slaves if no master).
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> RouteBrokers(
      const std::string& topic);

  const AdminOptions options_;
  std::unique_ptr<ClientInstance> instance_;
  std::unique_ptr<net::RemotingClient> remoting_;  // on instance_'s pool; reset first
};

// Java's BrokerData.selectBrokerAddr without the randomness: the master, else the lowest id.
std::optional<std::string> SelectBrokerAddr(const protocol::BrokerData& broker);

}  // namespace tern::client::admin
