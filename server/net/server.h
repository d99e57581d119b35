// server.h: a remoting server — acceptors on one or more ports, connections spread over an
// IoPool, requests routed to a HandlerTable.
//
// Owns the acceptors and the set of live connections (for the max-connections limit and for
// closing them all at Stop()). Calls `on_close` for each connection that closes (the name
// server drops brokers registered through it; the broker unregisters its clients).
//
// Thread safety: Start/Stop from the owner thread; connection_count() from any thread. The
// IoPool and HandlerTable must outlive the server.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "engine/base/mutex.h"
#include "server/net/connection.h"
#include "server/net/io_pool.h"

namespace tern::net {

struct ServerOptions {
  std::string bind_address = "0.0.0.0";
  // Ports to listen on (the broker: listenPort and listenPort - 2, the "VIP" port).
  std::vector<int> ports = {9876};
  int max_connections = 10000;
  ConnectionOptions connection;
};

class Server {
 public:
  using CloseCallback = std::function<void(const std::shared_ptr<Connection>&)>;

  Server(IoPool* pool, const remoting::HandlerTable* handlers, ServerOptions options,
         CloseCallback on_close);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on every port (0 picks a free one; see ports()). The pool must be started.
  absl::Status Start();
  // Stops accepting and closes every connection, waiting (up to `wait`) until each is closed,
  // so no handler runs and no close callback fires after Stop() returns. Must not be called
  // from one of the pool's threads.
  void Stop(std::chrono::milliseconds wait = std::chrono::milliseconds(3000));

  // The ports actually bound, in the order of options().ports.
  std::vector<int> ports() const;
  int connection_count() const { return connections_count_.load(); }
  const ServerOptions& options() const { return options_; }

 private:
  void Accept(size_t i);
  void OnClosed(const std::shared_ptr<Connection>& c);

  IoPool* const pool_;
  const remoting::HandlerTable* const handlers_;
  const ServerOptions options_;
  const CloseCallback on_close_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::vector<int> bound_ports_;
  std::atomic<int> connections_count_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<int> pending_accepts_{0};  // accept handlers not yet run (Stop waits for them)
  Mutex mu_;
  CondVar closed_cv_;  // signalled as connections close (Stop waits for the last)
  absl::flat_hash_map<uint64_t, std::weak_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::net
