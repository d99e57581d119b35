// api.h: DashboardApi, the dashboard's JSON API — each method answers one endpoint from
// cluster state read through the admin protocol (AdminClient, admin_extra.h), so it works
// against Tern and Java RocketMQ alike. dashboard.cc maps HTTP requests onto these methods.
//
// Lists are served from TtlCache snapshots (list_ttl) and paginated here, so a page of 10,000
// topics or groups costs one name server / broker round per TTL, not one per row:
//   topics:  GET_ALL_TOPIC_LIST_FROM_NAMESERVER + GET_SYSTEM_TOPIC_LIST_FROM_NS +
//            GET_ALL_TOPIC_CONFIG per master;
//   groups:  GET_BROKER_CONSUME_STATS per master (every group's offsets and lag at once)
//            + GET_ALL_SUBSCRIPTIONGROUP_CONFIG per master (groups without offsets yet);
//            only the rows of the page shown get per-group calls (online clients, lag time).
// Writes invalidate the caches they change. Message pages cache the per-queue offset ranges
// of (topic, begin, end) so paging through them is consistent and cheap.
//
// Every method returns the response body (JSON) or a Status: InvalidArgument for bad
// parameters, NotFound, or the admin call's error. Thread-safe; methods block on admin calls
// (they run on the HTTP threads, never on a broker I/O thread).
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "client/admin/admin_client.h"
#include "client/producer.h"
#include "engine/base/mutex.h"
#include "server/dashboard/json_util.h"
#include "server/dashboard/throughput_history.h"
#include "server/dashboard/ttl_cache.h"

namespace tern::dashboard {

struct ApiOptions {
  std::chrono::milliseconds list_ttl{5000};    // topic and group indexes
  std::chrono::milliseconds detail_ttl{2000};  // cluster snapshot, per-group extras
  std::chrono::milliseconds range_ttl{30000};  // a message search's queue ranges
  std::string trace_topic = "RMQ_SYS_TRACE_TOPIC";
  std::string producer_group = "TERN_DASHBOARD_PRODUCER";
  std::vector<std::string> namesrv_addrs;  // for the producer (test and resent messages)
};

class DashboardApi {
 public:
  DashboardApi(client::admin::AdminClient* admin, ApiOptions options,
               const ThroughputHistory* history);
  ~DashboardApi();
  DashboardApi(const DashboardApi&) = delete;
  DashboardApi& operator=(const DashboardApi&) = delete;

  // api_cluster.cc
  absl::StatusOr<std::string> Cluster(const Params& p);
  absl::StatusOr<std::string> ClusterTps(const Params& p);
  absl::StatusOr<std::vector<BrokerCounterSample>> SampleCounters();

  // api_topics.cc
  absl::StatusOr<std::string> Topics(const Params& p);
  absl::StatusOr<std::string> Topic(const Params& p);
  absl::StatusOr<std::string> SaveTopic(const Params& p);
  absl::StatusOr<std::string> DeleteTopic(const Params& p);
  absl::StatusOr<std::string> SendMessage(const Params& p);

  // api_consumers.cc
  absl::StatusOr<std::string> Consumers(const Params& p);
  absl::StatusOr<std::string> Consumer(const Params& p);
  absl::StatusOr<std::string> ResetOffset(const Params& p);
  absl::StatusOr<std::string> Producers(const Params& p);

  // api_messages.cc
  absl::StatusOr<std::string> Messages(const Params& p);
  absl::StatusOr<std::string> Message(const Params& p);
  absl::StatusOr<std::string> Resend(const Params& p);
  absl::StatusOr<std::string> Trace(const Params& p);

  // "normal", "retry", "dlq" or "system" (`system_topics` from the name server).
  static std::string TopicKind(const std::string& topic, const std::set<std::string>& system);
  static bool IsSystemGroup(const std::string& group);

 private:
  struct BrokerRow {
    std::string cluster;
    std::string name;
    int64_t id = 0;
    std::string addr;
    std::map<std::string, std::string> runtime;  // GET_BROKER_RUNTIME_INFO
    std::string error;                           // runtime info failed
  };
  struct ClusterSnapshot {
    int64_t loaded_ms = 0;
    std::vector<BrokerRow> brokers;
    std::set<std::string> inconsistent;  // "group:clientId" from Tern brokers
  };
  struct TopicRow {
    std::string name;
    std::string kind;
    int32_t read_queues = 0;
    int32_t write_queues = 0;
    int32_t perm = 0;
    bool order = false;
    std::vector<std::string> brokers;
  };
  struct TopicIndex {
    std::vector<TopicRow> rows;  // by name
    std::map<std::string, size_t> kinds;
  };
  struct GroupRow {
    std::string name;
    std::string kind;  // normal, system
    int64_t lag = 0;
    double tps = 0;
    std::set<std::string> topics;
    size_t queues = 0;
    std::set<std::string> brokers;
    std::set<client::MessageQueue> lagging;  // queues with lag: the only ones with a lag time
    bool inconsistent = false;
  };
  struct GroupIndex {
    std::vector<GroupRow> rows;
  };
  struct GroupExtra {     // per page row: online clients, lag time
    int64_t online = -1;  // -1: unknown
    std::string message_model;
    int64_t lag_time_ms = 0;
  };
  struct QueueRange {
    client::MessageQueue queue;
    int64_t from = 0;  // first offset in the time range
    int64_t to = 0;    // one past the last
  };
  struct RangeIndex {
    std::vector<QueueRange> queues;
    int64_t total = 0;
  };

  absl::StatusOr<TtlCache<ClusterSnapshot>::Ptr> ClusterData();
  absl::StatusOr<ClusterSnapshot> LoadCluster();
  absl::StatusOr<std::vector<std::string>> MasterAddrs();
  absl::StatusOr<TtlCache<TopicIndex>::Ptr> TopicData();
  absl::StatusOr<TopicIndex> LoadTopics();
  absl::StatusOr<TtlCache<GroupIndex>::Ptr> GroupData();
  absl::StatusOr<GroupIndex> LoadGroups();
  absl::StatusOr<GroupExtra> LoadGroupExtra(const GroupRow& row);
  absl::StatusOr<TtlCache<RangeIndex>::Ptr> RangeData(const std::string& topic, int64_t begin,
                                                      int64_t end);
  absl::StatusOr<RangeIndex> LoadRange(const std::string& topic, int64_t begin, int64_t end);
  absl::StatusOr<std::string> MessagesByKey(const Params& p);
  absl::StatusOr<std::string> MessageById(const Params& p);
  absl::StatusOr<client::MessageExt> FindMessage(const std::string& topic, const std::string& id);
  absl::StatusOr<client::Producer*> GetProducer();

  client::admin::AdminClient* const admin_;
  const ApiOptions options_;
  const ThroughputHistory* const history_;
  TtlCache<ClusterSnapshot> cluster_cache_{4};
  TtlCache<TopicIndex> topic_cache_{4};
  TtlCache<GroupIndex> group_cache_{4};
  TtlCache<GroupExtra> extra_cache_{4096};
  TtlCache<RangeIndex> range_cache_{64};
  Mutex producer_mu_;
  std::unique_ptr<client::Producer> producer_ ABSL_GUARDED_BY(producer_mu_);
};

}  // namespace tern::dashboard
