#include "server/namesrv/namesrv_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/file_system.h"
#include "server/remoting/header_fields.h"

namespace tern::namesrv {
namespace {

absl::StatusOr<bool> ParseBool(std::string_view key, std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return absl::InvalidArgumentError(
      fmt::format("config key '{}' needs true or false, got '{}'", key, value));
}

std::string BoolText(bool b) { return b ? "true" : "false"; }

}  // namespace

NamesrvConfig NamesrvConfig::WithDefaults(std::string_view home_dir) {
  NamesrvConfig c;
  const std::string dir = engine::JoinPath(home_dir, "namesrv");
  c.kv_config_path = engine::JoinPath(dir, "kvConfig.json");
  c.config_store_path = engine::JoinPath(dir, "namesrv.properties");
  return c;
}

protocol::PropertyEntries NamesrvConfig::ToProperties() const {
  return {
      {"rocketmqHome", rocketmq_home},
      {"kvConfigPath", kv_config_path},
      {"configStorePath", config_store_path},
      {"productEnvName", product_env_name},
      {"clusterTest", BoolText(cluster_test)},
      {"orderMessageEnable", BoolText(order_message_enable)},
      {"listenPort", std::to_string(listen_port)},
      {"adminAllowRemote", BoolText(admin_allow_remote)},
  };
}

absl::Status NamesrvConfig::Set(std::string_view key, std::string_view value) {
  if (key == "rocketmqHome") {
    rocketmq_home = std::string(value);
  } else if (key == "kvConfigPath") {
    kv_config_path = std::string(value);
  } else if (key == "configStorePath") {
    config_store_path = std::string(value);
  } else if (key == "productEnvName") {
    product_env_name = std::string(value);
  } else if (key == "clusterTest") {
    TERN_ASSIGN_OR_RETURN(cluster_test, ParseBool(key, value));
  } else if (key == "orderMessageEnable") {
    TERN_ASSIGN_OR_RETURN(order_message_enable, ParseBool(key, value));
  } else if (key == "adminAllowRemote") {
    TERN_ASSIGN_OR_RETURN(admin_allow_remote, ParseBool(key, value));
  } else if (key == "listenPort") {
    const std::optional<int32_t> port = remoting::ParseJavaInt(value);
    if (!port || *port <= 0 || *port > 65535) {
      return absl::InvalidArgumentError(
          fmt::format("config key 'listenPort' needs a port number, got '{}'", value));
    }
    listen_port = *port;
  } else {
    return absl::InvalidArgumentError(fmt::format("unknown config key '{}'", key));
  }
  return absl::OkStatus();
}

bool IsRuntimeUpdatable(std::string_view key) {
  return std::find(kRuntimeUpdatableKeys.begin(), kRuntimeUpdatableKeys.end(), key) !=
         kRuntimeUpdatableKeys.end();
}

absl::Status ApplyRuntimeUpdate(std::string_view properties_text, NamesrvConfig& config) {
  absl::StatusOr<protocol::PropertyEntries> entries =
      protocol::ParseJavaProperties(properties_text);
  if (!entries.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("config update is not properties text: {}", MessageOf(entries.status())));
  }
  std::vector<std::string> refused;
  for (const auto& [key, value] : *entries) {
    if (!IsRuntimeUpdatable(key)) refused.push_back(key);
  }
  if (!refused.empty()) {
    return absl::PermissionDeniedError(
        fmt::format("config keys not updatable at runtime: {} (updatable: {})",
                    fmt::join(refused, ", "), fmt::join(kRuntimeUpdatableKeys, ", ")));
  }
  NamesrvConfig next = config;
  for (const auto& [key, value] : *entries) TERN_RETURN_IF_ERROR(next.Set(key, value));
  config = std::move(next);
  return absl::OkStatus();
}

}  // namespace tern::namesrv
