// client.h: outgoing remoting connections by address ("ip:port"), connected on first use and
// reconnected after they close; requests matched to responses by opaque (Connection::Invoke).
//
// Used by the broker to register with name servers and by tests to talk to a server over real
// loopback sockets. Requests the peer sends on these connections (a broker's
// NOTIFY_CONSUMER_IDS_CHANGED to a client) go to `handlers` when given.
//
// Thread safety: all methods may be called from any thread; InvokeSync must not be called from
// one of the pool's I/O threads (it blocks until the answer). The IoPool must outlive it.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "server/net/connection.h"
#include "server/net/io_pool.h"

namespace tern::net {

class RemotingClient {
 public:
  using ConnectCallback = std::function<void(absl::StatusOr<std::shared_ptr<Connection>>)>;

  RemotingClient(IoPool* pool, const remoting::HandlerTable* handlers,
                 ConnectionOptions options = {},
                 std::chrono::milliseconds connect_timeout = std::chrono::milliseconds(3000));
  ~RemotingClient();
  RemotingClient(const RemotingClient&) = delete;
  RemotingClient& operator=(const RemotingClient&) = delete;

  void Invoke(const std::string& addr, remoting::RemotingCommand request, std::string body,
              std::chrono::milliseconds timeout, Connection::ResponseCallback done);
  absl::StatusOr<Response> InvokeSync(const std::string& addr, remoting::RemotingCommand request,
                                      std::string body, std::chrono::milliseconds timeout);
  void InvokeOneway(const std::string& addr, remoting::RemotingCommand request, std::string body);

  // The live connection to `addr`, connecting if needed.
  void GetConnection(const std::string& addr, ConnectCallback done);
  // Closes every connection; later calls reconnect.
  void CloseAll();

 private:
  struct Slot {
    std::shared_ptr<Connection> conn;
    bool connecting = false;
    std::deque<ConnectCallback> waiters;
  };
  void Connect(const std::string& addr);
  void Finish(const std::string& addr, absl::StatusOr<std::shared_ptr<Connection>> result);

  IoPool* const pool_;
  const remoting::HandlerTable* const handlers_;
  const ConnectionOptions options_;
  const std::chrono::milliseconds connect_timeout_;
  Mutex mu_;
  absl::flat_hash_map<std::string, Slot> slots_ ABSL_GUARDED_BY(mu_);
  // Connects in flight (their handlers use `this`; the destructor waits for them).
  std::atomic<int> pending_connects_{0};
  std::atomic<bool> closing_{false};
};

}  // namespace tern::net
