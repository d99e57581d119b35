#include "engine/consume_queue_table.h"

#include <fmt/format.h>

#include <algorithm>

namespace tern::engine {

ConsumeQueueTable::ConsumeQueueTable(FileSystem* fs, std::string root, size_t units_per_file)
    : fs_(fs), root_(std::move(root)), units_per_file_(units_per_file) {}

absl::Status ConsumeQueueTable::Load(Access access, std::vector<std::string>* skipped) {
  access_ = access;
  if (!fs_->IsDirectory(root_)) return absl::OkStatus();
  absl::StatusOr<std::vector<std::string>> topics = fs_->ListDir(root_);
  if (!topics.ok()) return topics.status();
  for (const std::string& topic : *topics) {
    const std::string topic_dir = JoinPath(root_, topic);
    if (!IsValidTopicName(topic) || !fs_->IsDirectory(topic_dir)) {
      if (skipped != nullptr) skipped->push_back(topic_dir);
      continue;
    }
    absl::StatusOr<std::vector<std::string>> ids = fs_->ListDir(topic_dir);
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      const bool numeric =
          !id.empty() && id.size() <= 9 &&
          std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!numeric) {
        if (skipped != nullptr) skipped->push_back(JoinPath(topic_dir, id));
        continue;
      }
      const int32_t queue_id = std::stoi(id);
      auto cq = std::make_shared<ConsumeQueue>(fs_, root_, topic, queue_id, units_per_file_);
      if (absl::Status s = cq->Load(access); !s.ok()) return s;
      WriterLock lock(&mu_);
      queues_[QueueKey(topic, queue_id)] = std::move(cq);
    }
  }
  return absl::OkStatus();
}

std::shared_ptr<ConsumeQueue> ConsumeQueueTable::Find(QueueKeyView key) const {
  ReaderLock lock(&mu_);
  auto it = queues_.find(key);
  return it == queues_.end() ? nullptr : it->second;
}

absl::StatusOr<std::shared_ptr<ConsumeQueue>> ConsumeQueueTable::FindOrCreate(QueueKeyView key) {
  if (std::shared_ptr<ConsumeQueue> cq = Find(key)) return cq;
  if (!IsValidTopicName(key.topic)) {
    return absl::InvalidArgumentError(
        fmt::format("topic '{}' is not a valid RocketMQ topic name", key.topic));
  }
  if (key.queue_id < 0) {
    return absl::InvalidArgumentError(fmt::format("queue id {} is negative", key.queue_id));
  }
  WriterLock lock(&mu_);
  auto& slot = queues_[QueueKey(key)];
  if (!slot) {
    slot = std::make_shared<ConsumeQueue>(fs_, root_, std::string(key.topic), key.queue_id,
                                          units_per_file_);
  }
  return slot;
}

std::vector<std::shared_ptr<ConsumeQueue>> ConsumeQueueTable::All() const {
  ReaderLock lock(&mu_);
  std::vector<std::shared_ptr<ConsumeQueue>> out;
  out.reserve(queues_.size());
  for (const auto& [k, v] : queues_) out.push_back(v);
  return out;
}

std::vector<std::shared_ptr<ConsumeQueue>> ConsumeQueueTable::QueuesOf(
    std::string_view topic) const {
  ReaderLock lock(&mu_);
  std::vector<std::shared_ptr<ConsumeQueue>> out;
  for (const auto& [k, v] : queues_) {
    if (k.topic == topic) out.push_back(v);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a->queue_id() < b->queue_id(); });
  return out;
}

std::vector<std::string> ConsumeQueueTable::Topics() const {
  ReaderLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [k, v] : queues_) out.push_back(k.topic);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::Status ConsumeQueueTable::DestroyTopic(std::string_view topic) {
  std::vector<std::shared_ptr<ConsumeQueue>> doomed;
  {
    WriterLock lock(&mu_);
    for (auto it = queues_.begin(); it != queues_.end();) {
      if (it->first.topic == topic) {
        doomed.push_back(it->second);
        queues_.erase(it++);
        epoch_.fetch_add(1, std::memory_order_acq_rel);
      } else {
        ++it;
      }
    }
  }
  for (const auto& cq : doomed) {
    if (absl::Status s = cq->Destroy(); !s.ok()) return s;
  }
  const std::string dir = JoinPath(root_, topic);
  if (IsValidTopicName(topic) && fs_->IsDirectory(dir)) {
    absl::StatusOr<std::vector<std::string>> rest = fs_->ListDir(dir);
    if (rest.ok() && rest->empty()) return fs_->DeleteDir(dir);
  }
  return absl::OkStatus();
}

}  // namespace tern::engine
