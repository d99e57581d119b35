// subscription_group_manager.h: consumer group settings (subscriptionGroup.json): consume
// enable, broadcast enable, retry queue count, max retries.
//
// Groups are auto-created with RocketMQ's defaults on first use when
// autoCreateSubscriptionGroup is on. Every change bumps the DataVersion and is persisted
// atomically (with .bak) before the call returns.
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"
#include "engine/metadata/subscription_group.h"

namespace tern::broker {

using engine::metadata::SubscriptionGroupConfig;
using engine::metadata::SubscriptionGroupFile;

class SubscriptionGroupManager {
 public:
  SubscriptionGroupManager(engine::FileSystem* fs, std::string path, bool auto_create);

  // Loads the file (with .bak fallback) and adds RocketMQ's predefined groups.
  absl::Status Load(const std::function<void(std::string_view)>& warn);

  std::optional<SubscriptionGroupConfig> Find(std::string_view group) const;
  // The group's config, creating it with defaults when auto-create is on; nullopt otherwise.
  absl::StatusOr<std::optional<SubscriptionGroupConfig>> FindOrCreate(std::string_view group);
  absl::Status Upsert(const SubscriptionGroupConfig& config);
  absl::StatusOr<bool> Delete(std::string_view group);
  SubscriptionGroupFile Snapshot() const;

 private:
  absl::Status Persist();

  engine::FileSystem* const fs_;
  const std::string path_;
  const bool auto_create_;
  mutable SharedMutex mu_;
  SubscriptionGroupFile table_ ABSL_GUARDED_BY(mu_);
  Mutex persist_mu_;
};

}  // namespace tern::broker
