#include "server/broker/consumer_offset_manager.h"

#include "engine/metadata/config_file.h"
#include "engine/metadata/consumer_offset.h"

namespace tern::broker {

using engine::metadata::ConsumerOffsetFile;

ConsumerOffsetManager::ConsumerOffsetManager(engine::FileSystem* fs, std::string path)
    : fs_(fs), path_(std::move(path)) {}

std::string ConsumerOffsetManager::Key(std::string_view topic, std::string_view group) {
  return ConsumerOffsetFile::Key(topic, group);
}

absl::Status ConsumerOffsetManager::Load(const std::function<void(std::string_view)>& warn) {
  absl::StatusOr<std::optional<ConsumerOffsetFile>> loaded =
      engine::metadata::LoadConfigDocument<ConsumerOffsetFile>(*fs_, path_, warn);
  if (!loaded.ok()) return loaded.status();
  MutexLock lock(&mu_);
  if (loaded->has_value()) table_ = (*loaded)->offset_table;
  return absl::OkStatus();
}

absl::Status ConsumerOffsetManager::Persist() {
  MutexLock persist(&persist_mu_);
  ConsumerOffsetFile file;
  uint64_t version = 0;
  {
    MutexLock lock(&mu_);
    if (version_ == persisted_version_) return absl::OkStatus();
    file.offset_table = table_;
    version = version_;
  }
  if (absl::Status s = engine::metadata::SaveConfigDocument(*fs_, path_, file); !s.ok()) return s;
  persisted_version_ = version;
  return absl::OkStatus();
}

void ConsumerOffsetManager::Commit(std::string_view group, std::string_view topic, int32_t queue_id,
                                   int64_t offset) {
  MutexLock lock(&mu_);
  int64_t& slot = table_[Key(topic, group)][queue_id];
  if (slot != offset) {
    slot = offset;
    ++version_;
  } else if (version_ == 0) {
    ++version_;
  }
}

std::optional<int64_t> ConsumerOffsetManager::Query(std::string_view group, std::string_view topic,
                                                    int32_t queue_id) const {
  MutexLock lock(&mu_);
  auto it = table_.find(Key(topic, group));
  if (it == table_.end()) return std::nullopt;
  auto q = it->second.find(queue_id);
  if (q == it->second.end()) return std::nullopt;
  return q->second;
}

std::map<int32_t, int64_t> ConsumerOffsetManager::QueryAll(std::string_view group,
                                                           std::string_view topic) const {
  MutexLock lock(&mu_);
  auto it = table_.find(Key(topic, group));
  return it == table_.end() ? std::map<int32_t, int64_t>() : it->second;
}

std::vector<std::string> ConsumerOffsetManager::GroupsOf(std::string_view topic) const {
  MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [key, queues] : table_) {
    const size_t at = key.find('@');
    if (at != std::string::npos && std::string_view(key).substr(0, at) == topic) {
      out.push_back(key.substr(at + 1));
    }
  }
  return out;
}

std::vector<std::string> ConsumerOffsetManager::TopicsOf(std::string_view group) const {
  MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [key, queues] : table_) {
    const size_t at = key.find('@');
    if (at != std::string::npos && std::string_view(key).substr(at + 1) == group) {
      out.push_back(key.substr(0, at));
    }
  }
  return out;
}

std::map<std::string, std::vector<std::string>> ConsumerOffsetManager::TopicsByGroup() const {
  MutexLock lock(&mu_);
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [key, queues] : table_) {
    const size_t at = key.find('@');
    if (at != std::string::npos) out[key.substr(at + 1)].push_back(key.substr(0, at));
  }
  return out;
}

std::string ConsumerOffsetManager::Encode() const {
  ConsumerOffsetFile file;
  {
    MutexLock lock(&mu_);
    file.offset_table = table_;
  }
  return file.Encode();
}

void ConsumerOffsetManager::RemoveTopic(std::string_view topic) {
  MutexLock lock(&mu_);
  for (auto it = table_.begin(); it != table_.end();) {
    const size_t at = it->first.find('@');
    if (at != std::string::npos && std::string_view(it->first).substr(0, at) == topic) {
      it = table_.erase(it);
      ++version_;
    } else {
      ++it;
    }
  }
}

void ConsumerOffsetManager::RemoveGroup(std::string_view group) {
  MutexLock lock(&mu_);
  for (auto it = table_.begin(); it != table_.end();) {
    const size_t at = it->first.find('@');
    if (at != std::string::npos && std::string_view(it->first).substr(at + 1) == group) {
      it = table_.erase(it);
      ++version_;
    } else {
      ++it;
    }
  }
}

}  // namespace tern::broker
