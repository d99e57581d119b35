// consumer_offset_manager.h: committed consumer offsets per (topic, group, queue)
// (consumerOffset.json, fastjson's unquoted-int-key dialect).
//
// Commits are in memory; Persist() writes the file atomically (with .bak) when something
// changed: the broker calls it every flushConsumerOffsetInterval (5 s) and at shutdown. Any
// long is stored verbatim, negative included (ali-ons commits -1).
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"

namespace tern::broker {

class ConsumerOffsetManager {
 public:
  ConsumerOffsetManager(engine::FileSystem* fs, std::string path);

  absl::Status Load(const std::function<void(std::string_view)>& warn);
  // Writes the file if anything changed since the last persist.
  absl::Status Persist();

  void Commit(std::string_view group, std::string_view topic, int32_t queue_id, int64_t offset);
  std::optional<int64_t> Query(std::string_view group, std::string_view topic,
                               int32_t queue_id) const;
  std::map<int32_t, int64_t> QueryAll(std::string_view group, std::string_view topic) const;
  // Groups with stored offsets for `topic`, and topics with stored offsets for `group`.
  std::vector<std::string> GroupsOf(std::string_view topic) const;
  std::vector<std::string> TopicsOf(std::string_view group) const;
  // Every group's topics in one pass (TopicsOf per group is a scan each: O(groups x entries)).
  std::map<std::string, std::vector<std::string>> TopicsByGroup() const;
  // The whole table as consumerOffset.json text (GET_ALL_CONSUMER_OFFSET).
  std::string Encode() const;
  void RemoveTopic(std::string_view topic);
  void RemoveGroup(std::string_view group);

 private:
  static std::string Key(std::string_view topic, std::string_view group);

  engine::FileSystem* const fs_;
  const std::string path_;
  mutable Mutex mu_;
  // "topic@group" -> queue -> offset
  std::map<std::string, std::map<int32_t, int64_t>> table_ ABSL_GUARDED_BY(mu_);
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t persisted_version_ = 0;  // guarded by persist_mu_
  Mutex persist_mu_;
};

}  // namespace tern::broker
