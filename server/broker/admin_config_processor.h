// admin_config_processor.h: UPDATE_BROKER_CONFIG (25) and GET_BROKER_CONFIG (26).
//
// Updates accept only the keys broker_config.h IsRuntimeUpdatableKey allows: never a path,
// never anything that can write files or run commands (CVE-2023-33246 / CVE-2023-37582: Java
// let mqadmin set rocketmqHome or filterServerNums and run code). One refused key or bad value
// refuses the whole update with code 1 and a remark naming the key. Accepted values are kept
// as overrides on top of the startup config, reported by GET_BROKER_CONFIG, and written into
// the broker's config file (`-c broker.conf`, when the broker was started with one: its key
// lines are replaced or appended, the file swapped in with a rename). brokerPermission takes
// effect at once, as in Java: BrokerContext::broker_permission gates sends and pulls, and a
// full registration with a new data version goes to the name servers. The broker's processors
// read the rest of the startup BrokerConfig without synchronisation, so other overrides take
// effect at the next start; GET_BROKER_CONFIG shows them at once. UPDATE is an admin write:
// loopback only unless adminAllowRemote.
//
// Thread safety: the overrides are guarded by a mutex; handlers run on I/O threads.
#pragma once

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "engine/base/mutex.h"
#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class AdminConfigProcessor {
 public:
  explicit AdminConfigProcessor(BrokerContext* ctx) : ctx_(ctx) {}
  void Register(remoting::HandlerTable& table);

  // The startup config with the accepted updates applied.
  BrokerConfig Effective() const;

 private:
  void Update(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
              const std::string& body);
  void Get(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  // Rewrites `path` with `updates` set (lines replaced in place or appended).
  static absl::Status PersistToFile(const std::string& path,
                                    const std::map<std::string, std::string>& updates);

  BrokerContext* const ctx_;
  mutable Mutex mu_;
  std::map<std::string, std::string> overrides_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::broker
