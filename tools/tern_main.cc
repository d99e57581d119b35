// tern: one binary, one subcommand per role — `standalone` (name server + broker in one
// process), `namesrv`, `broker`. Thin main: flags, configuration, start, wait for SIGINT or
// SIGTERM, shut down cleanly.
#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/base/strings.h"
#include "engine/file_system.h"
#include "server/app/namesrv_server.h"
#include "server/broker/broker.h"
#include "server/net/io_pool.h"
#include "tools/admin_command.h"
#include "tools/bench_command.h"
#include "tools/dashboard_command.h"
#include "tools/store_command.h"

namespace {

using tern::MessageOf;

void SetupLogging(const std::string& log_dir, const std::string& level) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!log_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(log_dir, ec);
    if (!ec) {
      sinks.push_back(
          std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_dir + "/tern.log", false));
    }
  }
  auto logger = std::make_shared<spdlog::logger>("tern", sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

// Blocks SIGINT/SIGTERM in every thread (call before starting any), so the main thread can
// wait for them with sigwait.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int WaitForStopSignal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  return sig;
}

int Fail(std::string_view what) {
  spdlog::error("{}", what);
  return 2;
}

struct BrokerFlags {
  std::string config_file;
  std::string namesrv_addr;
  int listen_port = -1;
  std::string broker_ip;
  std::string store_root;
  std::vector<std::string> sets;  // key=value overrides
  std::string http_addr;          // "" = default (127.0.0.1:8080, optional); "off" = none
};

void AddBrokerFlags(CLI::App* cmd, BrokerFlags& f) {
  cmd->add_option("-c,--config", f.config_file, "broker.conf (RocketMQ keys)");
  cmd->add_option("-n,--namesrv", f.namesrv_addr, "name servers, ip:port;ip:port");
  cmd->add_option("--listen-port", f.listen_port, "broker port (listenPort)");
  cmd->add_option("--broker-ip", f.broker_ip, "brokerIP1 (registered, and in message ids)");
  cmd->add_option("--store", f.store_root, "storePathRootDir");
  cmd->add_option("--set", f.sets, "extra broker.conf key=value (repeatable)");
  cmd->add_option("--http-addr", f.http_addr,
                  "HTTP endpoint for /metrics and the dashboard, host:port (default "
                  "127.0.0.1:8080; \"off\" disables it)");
}

absl::StatusOr<tern::broker::BrokerConfig> LoadBrokerConfig(const BrokerFlags& f,
                                                            tern::broker::BrokerConfig base) {
  // The default HTTP endpoint is best effort: a busy port 8080 is logged, not fatal.
  base.http_addr = "127.0.0.1:8080";
  base.http_addr_optional = true;
  if (!f.config_file.empty()) {
    std::ifstream in(f.config_file);
    if (!in) {
      return absl::NotFoundError(fmt::format("cannot read broker config '{}'", f.config_file));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    absl::StatusOr<tern::broker::ParsedConfig> parsed =
        tern::broker::ParseBrokerConfig(ss.str(), base);
    if (!parsed.ok()) return parsed.status();
    for (const std::string& w : parsed->warnings) spdlog::warn("{} ({})", w, f.config_file);
    base = parsed->config;
    base.config_file_path = f.config_file;
  }
  for (const std::string& kv : f.sets) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(fmt::format("--set '{}' is not key=value", kv));
    }
    if (absl::Status s =
            tern::broker::SetBrokerConfigKey(base, kv.substr(0, eq), kv.substr(eq + 1));
        !s.ok()) {
      return s;
    }
  }
  if (!f.http_addr.empty()) {
    base.http_addr = f.http_addr == "off" ? "" : f.http_addr;
    base.http_addr_optional = false;
  }
  if (!f.namesrv_addr.empty()) base.namesrv_addr = f.namesrv_addr;
  if (f.listen_port >= 0) base.listen_port = f.listen_port;
  if (!f.broker_ip.empty()) base.broker_ip1 = base.broker_ip2 = f.broker_ip;
  if (!f.store_root.empty()) base.store_path_root_dir = f.store_root;
  return base;
}

int RunStandalone(const BrokerFlags& flags, const std::string& data_dir, int namesrv_port,
                  const sigset_t& signals) {
  tern::broker::BrokerConfig base;
  base.store_path_root_dir = data_dir + "/store";
  base.namesrv_addr = fmt::format("127.0.0.1:{}", namesrv_port);
  absl::StatusOr<tern::broker::BrokerConfig> config = LoadBrokerConfig(flags, base);
  if (!config.ok()) return Fail(MessageOf(config.status()));
  tern::net::IoPool pool(config->io_threads, "tern-io");
  pool.Start();
  tern::namesrv::NamesrvConfig ns = tern::namesrv::NamesrvConfig::WithDefaults(data_dir);
  ns.listen_port = namesrv_port;
  ns.kv_config_path = data_dir + "/namesrv/kvConfig.json";
  auto namesrv = tern::app::NamesrvServer::Start(ns, &pool);
  if (!namesrv.ok()) return Fail(MessageOf(namesrv.status()));
  auto broker = tern::broker::Broker::Start(*config, &pool);
  if (!broker.ok()) return Fail(MessageOf(broker.status()));
  spdlog::info("tern standalone ready: name server 127.0.0.1:{}, broker {} (data in {})",
               (*namesrv)->port(), (*broker)->addr(), data_dir);
  WaitForStopSignal(signals);
  (*broker)->Shutdown();
  (*namesrv)->Shutdown();
  pool.Stop();
  spdlog::info("tern standalone stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const sigset_t signals = BlockStopSignals();
  CLI::App app{"Tern: a RocketMQ-compatible message broker"};
  app.require_subcommand(1);
  std::string log_level = "info";
  std::string log_dir;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");

  std::string data_dir = "./data";
  int namesrv_port = 9876;
  BrokerFlags standalone_flags;
  CLI::App* standalone =
      app.add_subcommand("standalone", "name server + broker in one process, data under ./data");
  standalone->add_option("--data", data_dir, "data directory (store, namesrv, logs)");
  standalone->add_option("--namesrv-port", namesrv_port, "name server port");
  AddBrokerFlags(standalone, standalone_flags);

  int ns_port = 9876;
  std::string ns_home = ".";
  CLI::App* namesrv_cmd = app.add_subcommand("namesrv", "name server only");
  namesrv_cmd->add_option("--listen-port", ns_port, "listen port");
  namesrv_cmd->add_option("--home", ns_home, "directory for namesrv/kvConfig.json");

  BrokerFlags broker_flags;
  CLI::App* broker_cmd = app.add_subcommand("broker", "broker only (register with -n)");
  AddBrokerFlags(broker_cmd, broker_flags);

  int store_exit = 0;
  CLI::App* store_cmd = tern::tools::AddStoreCommand(app, &store_exit);
  int bench_exit = 0;
  CLI::App* bench_cmd = tern::tools::AddBenchCommand(app, &bench_exit);
  int admin_exit = 0;
  CLI::App* admin_cmd = tern::tools::AddAdminCommand(app, &admin_exit);
  int dashboard_exit = 0;
  CLI::App* dashboard_cmd = tern::tools::AddDashboardCommand(app, &dashboard_exit);

  CLI11_PARSE(app, argc, argv);
  if (*store_cmd) return store_exit;
  if (*bench_cmd) return bench_exit;
  if (*admin_cmd) return admin_exit;
  if (*dashboard_cmd) return dashboard_exit;

  if (*standalone) {
    SetupLogging(data_dir + "/logs", log_level);
    return RunStandalone(standalone_flags, data_dir, namesrv_port, signals);
  }
  if (*namesrv_cmd) {
    SetupLogging(ns_home + "/logs", log_level);
    tern::namesrv::NamesrvConfig ns = tern::namesrv::NamesrvConfig::WithDefaults(ns_home);
    ns.listen_port = ns_port;
    auto server = tern::app::NamesrvServer::Start(ns);
    if (!server.ok()) return Fail(MessageOf(server.status()));
    WaitForStopSignal(signals);
    (*server)->Shutdown();
    return 0;
  }
  if (*broker_cmd) {
    absl::StatusOr<tern::broker::BrokerConfig> config =
        LoadBrokerConfig(broker_flags, tern::broker::BrokerConfig{});
    SetupLogging(config.ok() ? config->store_path_root_dir + "/../logs" : "", log_level);
    if (!config.ok()) return Fail(MessageOf(config.status()));
    auto broker = tern::broker::Broker::Start(*config);
    if (!broker.ok()) return Fail(MessageOf(broker.status()));
    WaitForStopSignal(signals);
    (*broker)->Shutdown();
    return 0;
  }
  return 1;
}
