#include "server/namesrv/kv_config_manager.h"

#include <utility>

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/body_json.h"
#include "server/protocol/json_writer.h"

namespace tern::namesrv {

namespace md = engine::metadata;

std::string KvConfigFile::Encode() const {
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("configTable");
  w.BeginObject();
  for (const auto& [ns, entries] : config_table) {
    w.Key(ns);
    w.BeginObject();
    for (const auto& [k, v] : entries) {
      w.Key(k);
      w.String(v);
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<KvConfigFile> KvConfigFile::Decode(std::string_view text) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(protocol::ParseBodyObject(text, doc));
  KvConfigFile file;
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* table,
                        md::FindObjectMember(doc, "configTable", "$"));
  if (table == nullptr) return file;
  for (auto m = table->MemberBegin(); m != table->MemberEnd(); ++m) {
    std::string ns = md::StringOf(m->name);
    if (m->value.IsNull()) continue;
    std::map<std::string, std::string, std::less<>> entries;
    TERN_RETURN_IF_ERROR(protocol::ReadStringMapMember(*table, ns, "$.configTable", entries));
    if (!entries.empty()) file.config_table.insert_or_assign(std::move(ns), std::move(entries));
  }
  return file;
}

KvConfigManager::KvConfigManager(engine::FileSystem* fs, std::string path)
    : fs_(fs), path_(std::move(path)) {}

absl::Status KvConfigManager::Load(const md::ConfigWarningSink& warn) {
  if (path_.empty()) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(std::optional<KvConfigFile> file,
                        md::LoadConfigDocument<KvConfigFile>(*fs_, path_, warn));
  WriterLock lock(&mu_);
  table_ = file.has_value() ? std::move(file->config_table) : KvNamespaces{};
  return absl::OkStatus();
}

absl::Status KvConfigManager::CommitLocked(KvNamespaces next) {
  if (!path_.empty()) {
    const std::string dir = engine::ParentDir(path_);
    if (!dir.empty() && !fs_->IsDirectory(dir)) TERN_RETURN_IF_ERROR(fs_->CreateDirs(dir));
    KvConfigFile file{std::move(next)};
    TERN_RETURN_IF_ERROR(md::SaveConfigDocument(*fs_, path_, file));
    next = std::move(file.config_table);
  }
  table_ = std::move(next);
  return absl::OkStatus();
}

absl::Status KvConfigManager::Put(std::string_view ns, std::string_view key,
                                  std::string_view value) {
  WriterLock lock(&mu_);
  KvNamespaces next = table_;
  next[std::string(ns)].insert_or_assign(std::string(key), std::string(value));
  return CommitLocked(std::move(next));
}

absl::Status KvConfigManager::Delete(std::string_view ns, std::string_view key) {
  WriterLock lock(&mu_);
  const auto entries = table_.find(ns);
  if (entries == table_.end() || !entries->second.contains(key)) return absl::OkStatus();
  KvNamespaces next = table_;
  auto& next_entries = next.find(ns)->second;
  next_entries.erase(next_entries.find(key));
  if (next_entries.empty()) next.erase(next.find(ns));
  return CommitLocked(std::move(next));
}

std::optional<std::string> KvConfigManager::Get(std::string_view ns, std::string_view key) const {
  ReaderLock lock(&mu_);
  const auto entries = table_.find(ns);
  if (entries == table_.end()) return std::nullopt;
  const auto value = entries->second.find(key);
  if (value == entries->second.end()) return std::nullopt;
  return value->second;
}

std::optional<protocol::KVTable> KvConfigManager::GetNamespace(std::string_view ns) const {
  ReaderLock lock(&mu_);
  const auto entries = table_.find(ns);
  if (entries == table_.end() || entries->second.empty()) return std::nullopt;
  protocol::KVTable kv;
  kv.table.insert(entries->second.begin(), entries->second.end());
  return kv;
}

}  // namespace tern::namesrv
