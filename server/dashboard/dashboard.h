// dashboard.h: the built-in web dashboard — rocketmq-dashboard's pages and JSON API served
// from Tern's HTTP endpoint (server/http), reading every piece of cluster state through the
// admin protocol, so the same code runs inside a broker (`tern standalone|broker`) and alone
// against any cluster, Java RocketMQ included (`tern dashboard -n NAMESRV`).
//
// Routes (AddRoutes):
//   GET  /                       the single-page app (assets embedded in the binary)
//   GET  /assets/...             its JS and CSS
//   GET  /api/session            who am I, may I write, the CSRF token
//   POST /api/login, /api/logout
//   GET  /api/cluster, /api/cluster/tps, /api/topics, /api/topic, /api/consumers,
//        /api/consumer, /api/producers, /api/messages, /api/message, /api/trace
//   POST /api/topic, /api/topic/delete, /api/topic/send, /api/consumer/reset,
//        /api/message/resend
// API answers are JSON; errors are {"error": "..."} with 400 (bad parameter), 401 (login
// required), 403 (read-only role, bad CSRF token, or a Host header that is not an IP or
// localhost while no users are configured: a DNS-rebinding guard), 404, 502 (an admin call
// failed) or 503 (no name server configured).
//
// Access (auth.h): with users configured every API call but /api/session and /api/login
// needs a session; writes need the admin role. Every POST needs the X-Tern-Csrf header.
//
// Owns: the AdminClient, the API caches, a sampler thread that records each broker's put/get
// counters every `sample_interval` for the TPS charts, and the producer for test messages.
// Thread safety: handlers run concurrently on the HTTP threads. Lifetime: the Router that
// AddRoutes filled keeps raw pointers to the Dashboard, which must outlive the HTTP server
// using that Router (stop the server first; then destroy the Dashboard).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "server/dashboard/api.h"
#include "server/dashboard/auth.h"
#include "server/dashboard/throughput_history.h"
#include "server/http/router.h"

namespace tern::dashboard {

struct DashboardOptions {
  std::vector<std::string> namesrv_addrs;  // empty: the API answers 503
  std::string users;                       // dashboardUsers (auth.h); empty: no login
  std::string http_address = "127.0.0.1";  // where the endpoint listens (for the warning)
  std::chrono::seconds session_ttl{8 * 3600};
  std::chrono::milliseconds sample_interval{5000};
  size_t history_points = 720;  // 1 hour at 5 s
  std::chrono::milliseconds admin_timeout{5000};
  ApiOptions api;  // cache TTLs; its namesrv_addrs are filled from the above
};

class Dashboard {
 public:
  static absl::StatusOr<std::unique_ptr<Dashboard>> Create(DashboardOptions options);
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  void AddRoutes(http::Router& router);
  // Stops the sampler thread; idempotent. API calls after it still work.
  void Stop();

  bool auth_required() const { return auth_.auth_required(); }

 private:
  enum class Access { kOpen, kRead, kWrite };
  using ApiMethod = absl::StatusOr<std::string> (DashboardApi::*)(const Params&);

  Dashboard(DashboardOptions options, std::vector<DashboardUser> users);
  http::HttpResponse Serve(const http::HttpRequest& request, Access access, ApiMethod method);
  // nullopt: allowed; else the refusal.
  std::optional<http::HttpResponse> Check(const http::HttpRequest& request, Access access,
                                          Session* session);
  http::HttpResponse SessionInfo(const http::HttpRequest& request);
  http::HttpResponse Login(const http::HttpRequest& request);
  http::HttpResponse Logout(const http::HttpRequest& request);
  void RunSampler();

  const DashboardOptions options_;
  Authenticator auth_;
  ThroughputHistory history_;
  std::unique_ptr<client::admin::AdminClient> admin_;
  std::unique_ptr<DashboardApi> api_;
  std::string admin_error_;  // why admin_ is null

  Mutex mu_;
  CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread sampler_;
};

// Creates the dashboard and adds its routes to `router`. Fails on a bad `users` value. Logs a
// loud warning when the endpoint listens beyond loopback without users.
absl::StatusOr<std::unique_ptr<Dashboard>> AddRoutes(http::Router& router,
                                                     DashboardOptions options);

// Is `host` (a Host header, maybe with a port) an IP literal or localhost?
bool IsIpOrLocalhost(std::string_view host);

}  // namespace tern::dashboard
