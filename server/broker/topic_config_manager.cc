#include "server/broker/topic_config_manager.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/base/clock.h"
#include "engine/consume_queue.h"
#include "engine/delay_levels.h"
#include "engine/metadata/config_file.h"

namespace tern::broker {

bool IsNotSendableSystemTopic(std::string_view topic) {
  return topic == engine::kScheduleTopic || topic == kTransHalfTopic ||
         topic == kTransOpHalfTopic || topic == kTransCheckMaxTimeTopic ||
         topic == kSelfTestTopic || topic == kOffsetMovedEvent;
}

bool IsSystemTopic(std::string_view topic, const BrokerConfig& config) {
  return IsNotSendableSystemTopic(topic) || topic == kAutoCreateTopicKey ||
         topic == kBenchmarkTopic || topic == config.broker_cluster_name ||
         topic == config.broker_name || topic == kTraceTopic ||
         topic == config.broker_cluster_name + "_REPLY_TOPIC";
}

TopicConfigManager::TopicConfigManager(engine::FileSystem* fs, std::string path,
                                       const BrokerConfig* config)
    : fs_(fs), path_(std::move(path)), config_(config) {}

namespace {
TopicConfig MakeTopic(std::string_view name, int32_t queues, int32_t perm) {
  TopicConfig t;
  t.topic_name = std::string(name);
  t.read_queue_nums = queues;
  t.write_queue_nums = queues;
  t.perm = perm;
  return t;
}
}  // namespace

void TopicConfigManager::AddSystemTopics() {
  WriterLock lock(&mu_);
  auto add = [&](std::string_view name, int32_t queues, int32_t perm) {
    table_.topic_config_table.try_emplace(std::string(name), MakeTopic(name, queues, perm));
  };
  add(kSelfTestTopic, 1, kPermRead | kPermWrite);
  if (config_->auto_create_topic_enable) {
    add(kAutoCreateTopicKey, config_->default_topic_queue_nums,
        kPermInherit | kPermRead | kPermWrite);
  }
  add(kBenchmarkTopic, 1024, kPermRead | kPermWrite);
  add(config_->broker_cluster_name, 16,
      kPermInherit | (config_->cluster_topic_enable ? kPermRead | kPermWrite : 0));
  add(config_->broker_name, 1,
      kPermInherit | (config_->broker_topic_enable ? kPermRead | kPermWrite : 0));
  add(kOffsetMovedEvent, 1, kPermRead | kPermWrite);
  add(engine::kScheduleTopic, 18, kPermRead | kPermWrite);
  if (config_->trace_topic_enable) add(kTraceTopic, 1, kPermRead | kPermWrite);
  add(config_->broker_cluster_name + "_REPLY_TOPIC", 1, kPermRead | kPermWrite);
}

absl::Status TopicConfigManager::Load(const std::function<void(std::string_view)>& warn) {
  absl::StatusOr<std::optional<TopicConfigFile>> loaded =
      engine::metadata::LoadConfigDocument<TopicConfigFile>(*fs_, path_, warn);
  if (!loaded.ok()) return loaded.status();
  {
    WriterLock lock(&mu_);
    if (loaded->has_value()) table_ = **loaded;
    if (table_.data_version.timestamp == 0) table_.data_version.timestamp = NowMillis();
  }
  AddSystemTopics();
  return Persist();
}

std::optional<TopicConfig> TopicConfigManager::Find(std::string_view topic) const {
  ReaderLock lock(&mu_);
  auto it = table_.topic_config_table.find(std::string(topic));
  if (it == table_.topic_config_table.end()) return std::nullopt;
  return it->second;
}

absl::Status TopicConfigManager::Persist() {
  MutexLock lock(&persist_mu_);
  return PersistLocked();
}

absl::Status TopicConfigManager::PersistLocked() {
  const TopicConfigFile snapshot = Snapshot();
  return engine::metadata::SaveConfigDocument(*fs_, path_, snapshot);
}

absl::Status TopicConfigManager::Upsert(const TopicConfig& config) { return UpsertMany({config}); }

absl::Status TopicConfigManager::UpsertMany(const std::vector<TopicConfig>& configs) {
  for (const TopicConfig& c : configs) {
    if (!engine::IsValidTopicName(c.topic_name)) {
      return absl::InvalidArgumentError(fmt::format(
          "topic '{}' is not a valid topic name (^[%|a-zA-Z0-9_-]+$, at most 127)", c.topic_name));
    }
  }
  MutexLock persist(&persist_mu_);
  {
    WriterLock lock(&mu_);
    for (const TopicConfig& c : configs) table_.topic_config_table[c.topic_name] = c;
    table_.data_version.counter++;
    table_.data_version.timestamp = NowMillis();
  }
  return PersistLocked();
}

void TopicConfigManager::NextDataVersion() {
  WriterLock lock(&mu_);
  table_.data_version.counter++;
  table_.data_version.timestamp = NowMillis();
}

absl::StatusOr<bool> TopicConfigManager::Delete(std::string_view topic) {
  MutexLock persist(&persist_mu_);
  {
    WriterLock lock(&mu_);
    if (table_.topic_config_table.erase(std::string(topic)) == 0) return false;
    table_.data_version.counter++;
    table_.data_version.timestamp = NowMillis();
  }
  if (absl::Status s = PersistLocked(); !s.ok()) return s;
  return true;
}

absl::StatusOr<TopicConfigManager::Created> TopicConfigManager::CreateFromTemplate(
    std::string_view topic, std::string_view default_topic, int32_t queue_nums,
    int32_t topic_sys_flag) {
  if (std::optional<TopicConfig> existing = Find(topic)) return Created{*existing, false};
  std::optional<TopicConfig> tmpl = Find(default_topic);
  if (tmpl && default_topic == kAutoCreateTopicKey && !config_->auto_create_topic_enable) {
    tmpl->perm = kPermRead | kPermWrite;
  }
  if (!tmpl || (tmpl->perm & kPermInherit) == 0) {
    return absl::NotFoundError(fmt::format("topic[{}] not exist, apply first please!", topic));
  }
  TopicConfig t = MakeTopic(topic, std::max(0, std::min(queue_nums, tmpl->write_queue_nums)),
                            tmpl->perm & ~kPermInherit);
  t.topic_filter_type = tmpl->topic_filter_type;
  t.topic_sys_flag = topic_sys_flag;
  if (absl::Status s = Upsert(t); !s.ok()) return s;
  return Created{t, true};
}

absl::StatusOr<TopicConfigManager::Created> TopicConfigManager::CreateIfAbsent(
    std::string_view topic, int32_t queue_nums, int32_t perm) {
  if (std::optional<TopicConfig> existing = Find(topic)) return Created{*existing, false};
  const TopicConfig t = MakeTopic(topic, queue_nums, perm);
  if (absl::Status s = Upsert(t); !s.ok()) return s;
  return Created{t, true};
}

TopicConfigFile TopicConfigManager::Snapshot() const {
  ReaderLock lock(&mu_);
  return table_;
}

DataVersion TopicConfigManager::data_version() const {
  ReaderLock lock(&mu_);
  return table_.data_version;
}

std::vector<std::string> TopicConfigManager::TopicNames() const {
  ReaderLock lock(&mu_);
  std::vector<std::string> out;
  out.reserve(table_.topic_config_table.size());
  for (const auto& [name, c] : table_.topic_config_table) out.push_back(name);
  return out;
}

size_t TopicConfigManager::size() const {
  ReaderLock lock(&mu_);
  return table_.topic_config_table.size();
}

}  // namespace tern::broker
