#include "tools/dashboard_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/strings.h"
#include "server/dashboard/dashboard.h"
#include "server/http/http_server.h"
#include "server/http/router.h"

namespace tern::tools {

namespace {

struct DashboardFlags {
  std::string namesrv;
  std::string http_addr = "127.0.0.1:8080";
  std::string users;
  int64_t sample_interval_ms = 5000;
  int threads = 4;
};

std::vector<std::string> SplitAddrs(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t end = s.find(';', pos);
    if (end == std::string::npos) end = s.size();
    if (end > pos) out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

int RunDashboard(const DashboardFlags& f) {
  absl::StatusOr<http::HttpServerOptions> options = http::ParseHttpAddr(f.http_addr);
  if (!options.ok()) {
    std::fprintf(stderr, "tern dashboard: --http-addr: %s\n",
                 std::string(MessageOf(options.status())).c_str());
    return 2;
  }
  options->threads = f.threads;
  dashboard::DashboardOptions d;
  d.namesrv_addrs = SplitAddrs(f.namesrv);
  d.users = f.users;
  d.http_address = options->address;
  d.sample_interval = std::chrono::milliseconds(f.sample_interval_ms);
  http::Router router;
  router.Add("GET", "/healthz",
             [](const http::HttpRequest&) { return http::HttpResponse::Text(200, "ok\n"); });
  absl::StatusOr<std::unique_ptr<dashboard::Dashboard>> dash =
      dashboard::AddRoutes(router, std::move(d));
  if (!dash.ok()) {
    std::fprintf(stderr, "tern dashboard: %s\n", std::string(MessageOf(dash.status())).c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<http::HttpServer>> server =
      http::HttpServer::Start(*options, &router);
  if (!server.ok()) {
    std::fprintf(stderr, "tern dashboard: cannot listen on %s: %s\n", f.http_addr.c_str(),
                 std::string(MessageOf(server.status())).c_str());
    return 1;
  }
  std::printf("tern dashboard: http://%s:%d/ (name server %s)\n", options->address.c_str(),
              (*server)->port(), f.namesrv.c_str());
  std::fflush(stdout);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("tern dashboard: received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->Stop();  // no handler runs after this
  (*dash)->Stop();
  return 0;
}

}  // namespace

CLI::App* AddDashboardCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DashboardFlags>();
  CLI::App* cmd = app.add_subcommand(
      "dashboard", "the web dashboard alone, against any RocketMQ cluster (-n NAMESRV)");
  cmd->add_option("-n,--namesrv", flags->namesrv, "name server address(es), 'host:port;host:port'")
      ->required();
  cmd->add_option("--http-addr", flags->http_addr,
                  "where to listen (host:port; default 127.0.0.1:8080; port 0 picks one)");
  cmd->add_option("--users", flags->users,
                  "logins: name:password:role,... (role admin or read); empty: no login");
  cmd->add_option("--sample-interval-ms", flags->sample_interval_ms,
                  "how often the TPS charts sample each broker")
      ->check(CLI::Range(10, 3600000));
  cmd->add_option("--threads", flags->threads, "HTTP threads")->check(CLI::Range(1, 64));
  cmd->callback([flags, exit_code] { *exit_code = RunDashboard(*flags); });
  return cmd;
}

}  // namespace tern::tools
