// kv_config_manager.h: the name server's namespaced key/value store (Java KVConfigManager):
// PUT/GET/DELETE_KV_CONFIG (100/101/102), GET_KVLIST_BY_NAMESPACE (219) and the
// ORDER_TOPIC_CONFIG namespace behind orderTopicConf (protocol.md 2.3).
//
// Persistence: kvConfig.json in Java's format, {"configTable":{"ns":{"k":"v"}}} (compact, as
// Java's toJson() writes it), so Java's file can be read and Java can read ours. Every change
// is written before it becomes visible: the new table is saved through
// engine/metadata/config_file.h (AtomicReplaceFile: temp file, fsync, rename, previous content
// kept as kvConfig.json.bak) and only then swapped in, so a failed write leaves memory and disk
// unchanged and the caller sees the error. Load falls back to kvConfig.json.bak when the main
// file is unusable. A namespace whose last key is deleted disappears (Java keeps an empty one,
// so GET_KVLIST answers {"table":{}} there and 22 here).
//
// Thread safety: thread-safe. Reads share a SharedMutex; writes hold it exclusively while the
// file is written (writes are rare admin operations). Lifetimes: `fs` must outlive the manager.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"
#include "engine/metadata/config_file.h"
#include "server/protocol/kv_table.h"

namespace tern::namesrv {

// The namespace of per-topic orderTopicConf values ("broker-a:4;broker-b:4").
inline constexpr std::string_view kOrderTopicConfigNamespace = "ORDER_TOPIC_CONFIG";

using KvNamespaces =
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;

// kvConfig.json as a document (config_file.h's Encode/Decode contract).
struct KvConfigFile {
  KvNamespaces config_table;

  bool operator==(const KvConfigFile&) const = default;

  std::string Encode() const;
  static absl::StatusOr<KvConfigFile> Decode(std::string_view text);
};

class KvConfigManager {
 public:
  // An empty `path` keeps the table in memory only.
  KvConfigManager(engine::FileSystem* fs, std::string path);
  KvConfigManager(const KvConfigManager&) = delete;
  KvConfigManager& operator=(const KvConfigManager&) = delete;

  // Replaces the table with the file's content (or its backup). A missing file is an empty
  // store; a file and backup that are both unusable is DataLoss.
  absl::Status Load(const engine::metadata::ConfigWarningSink& warn);

  absl::Status Put(std::string_view ns, std::string_view key, std::string_view value);
  // Deleting an absent key succeeds without writing the file.
  absl::Status Delete(std::string_view ns, std::string_view key);
  std::optional<std::string> Get(std::string_view ns, std::string_view key) const;
  // The namespace's entries, or nullopt when it holds none.
  std::optional<protocol::KVTable> GetNamespace(std::string_view ns) const;

 private:
  // Saves `next` and, on success, makes it the table.
  absl::Status CommitLocked(KvNamespaces next) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  engine::FileSystem* const fs_;
  const std::string path_;
  mutable SharedMutex mu_;
  KvNamespaces table_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::namesrv
