// broker.h: the broker's composition root — opens the store and metadata under
// storePathRootDir, wires the request processors into a HandlerTable, listens on listenPort
// (and listenPort - 2, the VIP port), registers with the name servers and keeps the periodic
// duties: consumer-offset persistence (5 s), client expiry (120 s, scanned every 10 s), name
// server registration (30 s), rate sampling (1 s).
//
// Lifetime: Start() returns a running broker; Shutdown() (also run by the destructor) stops
// accepting, unregisters from the name servers, persists offsets and closes the store
// cleanly. Thread safety: Start/Shutdown from one thread; accessors from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "engine/message_store.h"
#include "server/broker/broker_config.h"
#include "server/net/io_pool.h"

namespace tern::broker {

class BrokerImpl;
class RerouteServices;

class Broker {
 public:
  // `pool` may be null (the broker owns one) or shared with a name server in the same
  // process (`tern standalone`); it must be started and outlive the broker.
  static absl::StatusOr<std::unique_ptr<Broker>> Start(BrokerConfig config,
                                                       net::IoPool* pool = nullptr);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  void Shutdown();

  // The port actually bound (listenPort, or the one picked when it was 0).
  int port() const;
  // The HTTP port (/metrics), 0 when httpAddr is empty.
  int http_port() const;
  // brokerIP1:port, as registered and embedded in message ids.
  std::string addr() const;
  const BrokerConfig& config() const;
  engine::MessageStore& store();
  // Delays, timers, retry/DLQ, transactions (reroute_services.h).
  RerouteServices& reroute();

 private:
  explicit Broker(std::unique_ptr<BrokerImpl> impl);
  std::unique_ptr<BrokerImpl> impl_;
};

}  // namespace tern::broker
