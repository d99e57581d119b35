#include "server/broker/admin_config_processor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine/base/strings.h"
#include "server/protocol/java_properties.h"
#include "server/protocol/topic_config_wrapper.h"
#include "server/remoting/codes.h"

namespace tern::broker {

namespace code = remoting::response;
namespace req = remoting::request;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

void AdminConfigProcessor::Register(remoting::HandlerTable& table) {
  table.Register(req::kUpdateBrokerConfig, [this](const ChannelPtr& c, RemotingCommand r,
                                                  std::string b) { Update(c, r, b); });
  table.Register(req::kGetBrokerConfig,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) { Get(c, r); });
}

BrokerConfig AdminConfigProcessor::Effective() const {
  BrokerConfig config = *ctx_->config;
  MutexLock lock(&mu_);
  for (const auto& [k, v] : overrides_) {
    (void)SetBrokerConfigKey(config, k, v);  // validated when accepted
  }
  return config;
}

void AdminConfigProcessor::Update(const ChannelPtr& channel, const RemotingCommand& request,
                                  const std::string& body) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  absl::StatusOr<protocol::PropertyEntries> entries = protocol::ParseJavaProperties(body);
  if (!entries.ok()) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("string2Properties error: {}", MessageOf(entries.status())));
  }
  BrokerConfig check = Effective();
  std::map<std::string, std::string> accepted;
  for (const auto& [key, value] : *entries) {
    if (!IsRuntimeUpdatableKey(key)) {
      return Reply(channel, request, code::kSystemError,
                   fmt::format("broker config key '{}' cannot be updated at run time (allowed: "
                               "limits, flush, retention, polling and auto-create switches; "
                               "never paths or commands)",
                               key));
    }
    if (absl::Status s = SetBrokerConfigKey(check, key, value); !s.ok()) {
      return Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
    }
    accepted[key] = value;
  }
  if (!ctx_->config->config_file_path.empty()) {
    if (absl::Status s = PersistToFile(ctx_->config->config_file_path, accepted); !s.ok()) {
      return Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
    }
  }
  {
    MutexLock lock(&mu_);
    for (const auto& [k, v] : accepted) overrides_[k] = v;
  }
  std::string summary;
  for (const auto& [k, v] : accepted) summary += fmt::format("{}={} ", k, v);
  spdlog::info(
      "updateBrokerConfig by {}: {}(brokerPermission applies now, the rest at the next "
      "start)",
      channel->remote_address(), summary);
  if (auto it = accepted.find("brokerPermission"); it != accepted.end()) {
    // As Java: the new permission is registered at once (with a new data version, so the
    // name servers take it) and gates sends and pulls from now on.
    ctx_->broker_permission.store(check.broker_permission);
    ctx_->topics->NextDataVersion();
    if (ctx_->register_all) ctx_->register_all();
  }
  Reply(channel, request, code::kSuccess, "");
}

void AdminConfigProcessor::Get(const ChannelPtr& channel, const RemotingCommand& request) {
  RemotingCommand r = RemotingCommand::ResponseTo(request, code::kSuccess);
  r.MutableFields().Set("version", protocol::EncodeDataVersion(ctx_->topics->data_version()));
  channel->Send(std::move(r), Effective().ToProperties());
}

absl::Status AdminConfigProcessor::PersistToFile(
    const std::string& path, const std::map<std::string, std::string>& updates) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot read broker config '{}'", path));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::map<std::string, std::string> pending = updates;
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    const size_t first = line.find_first_not_of(" \t");
    const size_t sep = line.find_first_of("=:");
    if (first != std::string::npos && line[first] != '#' && line[first] != '!' &&
        sep != std::string::npos) {
      std::string key = line.substr(first, sep - first);
      key.erase(key.find_last_not_of(" \t") + 1);
      auto it = pending.find(key);
      if (it != pending.end()) {
        line = fmt::format("{}={}", key, it->second);
        pending.erase(it);
      }
    }
    out += line;
    out += '\n';
  }
  for (const auto& [k, v] : pending) out += fmt::format("{}={}\n", k, v);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    o << out;
    if (!o.flush()) return absl::InternalError(fmt::format("cannot write '{}'", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(fmt::format("cannot replace '{}'", path));
  }
  return absl::OkStatus();
}

}  // namespace tern::broker
