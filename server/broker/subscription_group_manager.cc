#include "server/broker/subscription_group_manager.h"

#include "engine/base/clock.h"
#include "engine/metadata/config_file.h"

namespace tern::broker {

SubscriptionGroupManager::SubscriptionGroupManager(engine::FileSystem* fs, std::string path,
                                                   bool auto_create)
    : fs_(fs), path_(std::move(path)), auto_create_(auto_create) {}

absl::Status SubscriptionGroupManager::Load(const std::function<void(std::string_view)>& warn) {
  absl::StatusOr<std::optional<SubscriptionGroupFile>> loaded =
      engine::metadata::LoadConfigDocument<SubscriptionGroupFile>(*fs_, path_, warn);
  if (!loaded.ok()) return loaded.status();
  {
    WriterLock lock(&mu_);
    if (loaded->has_value()) table_ = **loaded;
    if (table_.data_version.timestamp == 0) table_.data_version.timestamp = NowMillis();
    for (const char* g :
         {"SELF_TEST_C_GROUP", "TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "CID_ONS-HTTP-PROXY",
          "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER"}) {
      SubscriptionGroupConfig c;
      c.group_name = g;
      table_.subscription_group_table.try_emplace(g, c);
    }
  }
  return Persist();
}

std::optional<SubscriptionGroupConfig> SubscriptionGroupManager::Find(
    std::string_view group) const {
  ReaderLock lock(&mu_);
  auto it = table_.subscription_group_table.find(std::string(group));
  if (it == table_.subscription_group_table.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::optional<SubscriptionGroupConfig>> SubscriptionGroupManager::FindOrCreate(
    std::string_view group) {
  if (std::optional<SubscriptionGroupConfig> c = Find(group)) return c;
  if (!auto_create_) return std::optional<SubscriptionGroupConfig>();
  SubscriptionGroupConfig c;
  c.group_name = std::string(group);
  if (absl::Status s = Upsert(c); !s.ok()) return s;
  return std::optional<SubscriptionGroupConfig>(c);
}

absl::Status SubscriptionGroupManager::Upsert(const SubscriptionGroupConfig& config) {
  {
    WriterLock lock(&mu_);
    table_.subscription_group_table[config.group_name] = config;
    table_.data_version.counter++;
    table_.data_version.timestamp = NowMillis();
  }
  return Persist();
}

absl::StatusOr<bool> SubscriptionGroupManager::Delete(std::string_view group) {
  {
    WriterLock lock(&mu_);
    if (table_.subscription_group_table.erase(std::string(group)) == 0) return false;
    table_.data_version.counter++;
    table_.data_version.timestamp = NowMillis();
  }
  if (absl::Status s = Persist(); !s.ok()) return s;
  return true;
}

SubscriptionGroupFile SubscriptionGroupManager::Snapshot() const {
  ReaderLock lock(&mu_);
  return table_;
}

absl::Status SubscriptionGroupManager::Persist() {
  MutexLock lock(&persist_mu_);
  return engine::metadata::SaveConfigDocument(*fs_, path_, Snapshot());
}

}  // namespace tern::broker
