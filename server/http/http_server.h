// http_server.h: the broker's HTTP endpoint (Boost.Beast): /metrics, the dashboard and its JSON
// API, on its own port and its own threads so a slow page never blocks a broker I/O thread.
//
// HTTP/1.1 with keep-alive. Limits: request header 16 KiB, body 1 MiB (413 beyond), 30 s to
// read a request, at most `max_connections` open connections (beyond: closed at accept).
// Bound to 127.0.0.1 unless configured otherwise. Handlers come from a Router that must
// outlive the server.
//
// Thread safety: Start() once; Stop() is idempotent and waits for the threads; after it
// returns no handler runs.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "server/http/router.h"

namespace tern::http {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  int port = 8080;  // 0: pick a free port
  int threads = 2;
  size_t max_connections = 256;
};

class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                           const Router* router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// Parses "host:port" or ":port" or "port" into options (address defaults to 127.0.0.1).
absl::StatusOr<HttpServerOptions> ParseHttpAddr(std::string_view addr);

}  // namespace tern::http
