// topic_config_manager.h: the broker's topic table (topics.json), system topics and
// RocketMQ's auto-create rules (protocol.md 3.2, 3.3).
//
// Every change bumps the DataVersion and is persisted (temp + fsync + rename, previous
// version kept as .bak) before the call returns. Bulk changes (CreateMany) persist once.
//
// Thread safety: all methods are thread-safe; lookups take a shared lock. Persisting happens
// under a separate mutex so lookups never wait on disk I/O.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"
#include "engine/metadata/topic_config.h"
#include "server/broker/broker_config.h"

namespace tern::broker {

using engine::metadata::DataVersion;
using engine::metadata::TopicConfig;
using engine::metadata::TopicConfigFile;

// Permission bits (PermName).
inline constexpr int32_t kPermPriority = 8;
inline constexpr int32_t kPermRead = 4;
inline constexpr int32_t kPermWrite = 2;
inline constexpr int32_t kPermInherit = 1;

inline constexpr std::string_view kAutoCreateTopicKey = "TBW102";
inline constexpr std::string_view kSelfTestTopic = "SELF_TEST_TOPIC";
inline constexpr std::string_view kBenchmarkTopic = "BenchmarkTest";
inline constexpr std::string_view kOffsetMovedEvent = "OFFSET_MOVED_EVENT";
inline constexpr std::string_view kTransHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";
inline constexpr std::string_view kTransOpHalfTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
inline constexpr std::string_view kTransCheckMaxTimeTopic = "TRANS_CHECK_MAX_TIME_TOPIC";
inline constexpr std::string_view kTraceTopic = "RMQ_SYS_TRACE_TOPIC";
inline constexpr std::string_view kRetryGroupTopicPrefix = "%RETRY%";
inline constexpr std::string_view kDlqGroupTopicPrefix = "%DLQ%";

// Topics clients may not send to (RocketMQ's NOT_ALLOWED_SEND_TOPIC_SET).
bool IsNotSendableSystemTopic(std::string_view topic);
// Topics the broker owns (updateTopic refuses them: "conflict with system topic").
bool IsSystemTopic(std::string_view topic, const BrokerConfig& config);

class TopicConfigManager {
 public:
  TopicConfigManager(engine::FileSystem* fs, std::string path, const BrokerConfig* config);

  // Loads topics.json (falling back to topics.json.bak with a warning) and adds the system
  // topics that are missing. Both files corrupt: error naming them.
  absl::Status Load(const std::function<void(std::string_view)>& warn);

  std::optional<TopicConfig> Find(std::string_view topic) const;
  // Creates or replaces `config` (keyed by its name). Persists.
  absl::Status Upsert(const TopicConfig& config);
  // Creates or replaces many topics with one persist (admin bulk creation).
  absl::Status UpsertMany(const std::vector<TopicConfig>& configs);
  // Removes a topic; false if it did not exist. Persists.
  absl::StatusOr<bool> Delete(std::string_view topic);

  struct Created {
    TopicConfig config;
    bool created = false;  // false: it existed already
  };
  // The send path's auto-create: `topic` from the `default_topic` template when the template
  // exists and has the INHERIT permission (queues = min(requested, template's)). NotFound
  // with RocketMQ's remark when it cannot.
  absl::StatusOr<Created> CreateFromTemplate(std::string_view topic, std::string_view default_topic,
                                             int32_t queue_nums, int32_t topic_sys_flag);
  // Creates `topic` with the given queues and perm if absent (retry and DLQ topics).
  absl::StatusOr<Created> CreateIfAbsent(std::string_view topic, int32_t queue_nums, int32_t perm);

  TopicConfigFile Snapshot() const;
  DataVersion data_version() const;
  // Advances the data version without a topic change, so name servers take the next full
  // registration as new (Java does this when brokerPermission changes).
  void NextDataVersion();
  std::vector<std::string> TopicNames() const;
  size_t size() const;

 private:
  absl::Status PersistLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_);
  absl::Status Persist();
  void AddSystemTopics();

  engine::FileSystem* const fs_;
  const std::string path_;
  const BrokerConfig* const config_;
  mutable SharedMutex mu_;
  TopicConfigFile table_ ABSL_GUARDED_BY(mu_);
  Mutex persist_mu_;
};

}  // namespace tern::broker
