// namesrv_server.h: a running name server — the route table, KV store and request handlers of
// server/namesrv on a network Server, plus its 10 s liveness scan.
//
// Lifetime: Start() returns it listening; Shutdown() (or the destructor) closes it.
// Thread safety: Start/Shutdown from one thread; port() from any.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/namesrv/namesrv_config.h"
#include "server/net/io_pool.h"

namespace tern::app {

class NamesrvServerImpl;

class NamesrvServer {
 public:
  // `pool` may be null (owns one) or shared; it must be started and outlive the server.
  static absl::StatusOr<std::unique_ptr<NamesrvServer>> Start(namesrv::NamesrvConfig config,
                                                              net::IoPool* pool = nullptr);
  ~NamesrvServer();
  void Shutdown();
  int port() const;

 private:
  explicit NamesrvServer(std::unique_ptr<NamesrvServerImpl> impl);
  std::unique_ptr<NamesrvServerImpl> impl_;
};

}  // namespace tern::app
