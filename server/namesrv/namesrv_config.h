// namesrv_config.h: NamesrvConfig, the name server's settings (Java NamesrvConfig plus the
// listen port), their properties-text form for GET_NAMESRV_CONFIG (319), and the runtime
// update of UPDATE_NAMESRV_CONFIG (318) through an allow-list.
//
// Security (the CVE-2023-33246 / CVE-2023-37582 lessons): a remote update may change only the
// keys of kRuntimeUpdatableKeys, none of which is a path, writes a file or runs anything.
// Everything else, paths (kvConfigPath, configStorePath, rocketmqHome), the listen port and
// adminAllowRemote included, is set at start only. An update naming any other key is refused
// as a whole, naming the keys; nothing is persisted by an update.
//
// NamesrvConfig is a plain value type. RuntimeConfig holds the live copy that handlers read
// and UPDATE_NAMESRV_CONFIG changes; it is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/base/mutex.h"
#include "server/protocol/java_properties.h"

namespace tern::namesrv {

struct NamesrvConfig {
  std::string rocketmq_home;
  std::string kv_config_path;     // kvConfig.json
  std::string config_store_path;  // the properties file the server was started with
  std::string product_env_name = "center";
  bool cluster_test = false;
  // Routes carry orderTopicConf from KV namespace ORDER_TOPIC_CONFIG.
  bool order_message_enable = false;
  int32_t listen_port = 9876;
  // Admin writes (KV put/delete, wipe/add write perm, delete topic, config update) are
  // accepted from loopback peers only unless this is set.
  bool admin_allow_remote = false;

  // Java's defaults under `home_dir` ($HOME): home/namesrv/kvConfig.json and
  // home/namesrv/namesrv.properties.
  static NamesrvConfig WithDefaults(std::string_view home_dir);

  // Every key with its value, in Java's property names (GET_NAMESRV_CONFIG).
  protocol::PropertyEntries ToProperties() const;
  // Sets one key at start (config file, command line): InvalidArgument naming the key for an
  // unknown key or a value of the wrong type ("true"/"false" for booleans, Java ints).
  absl::Status Set(std::string_view key, std::string_view value);
};

// The keys UPDATE_NAMESRV_CONFIG may change.
inline constexpr std::array<std::string_view, 3> kRuntimeUpdatableKeys = {
    "orderMessageEnable", "productEnvName", "clusterTest"};
bool IsRuntimeUpdatable(std::string_view key);

// Applies an UPDATE_NAMESRV_CONFIG body to `config`, all or nothing: PermissionDenied naming
// every key not in kRuntimeUpdatableKeys; InvalidArgument for unparsable text or a bad value.
absl::Status ApplyRuntimeUpdate(std::string_view properties_text, NamesrvConfig& config);

class RuntimeConfig {
 public:
  explicit RuntimeConfig(NamesrvConfig initial) : config_(std::move(initial)) {}
  NamesrvConfig Get() const {
    MutexLock lock(&mu_);
    return config_;
  }
  absl::Status ApplyUpdate(std::string_view properties_text) {
    MutexLock lock(&mu_);
    return ApplyRuntimeUpdate(properties_text, config_);
  }

 private:
  mutable Mutex mu_;
  NamesrvConfig config_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::namesrv
