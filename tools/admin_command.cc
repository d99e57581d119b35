#include "tools/admin_command.h"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "tools/admin/admin_cli.h"

namespace tern::tools {

namespace {

// The client library logs through spdlog; keep stdout for the command's output.
void QuietClientLogs() {
  auto logger = spdlog::stderr_color_mt("tern-admin");
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

// The `tern` main blocks SIGINT/SIGTERM for its servers; admin commands may simply die.
void UnblockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace

CLI::App* AddAdminCommand(CLI::App& app, int* exit_code) {
  CLI::App* admin = app.add_subcommand(
      "admin", "mqadmin's commands against name servers and brokers (tern admin help CMD)");
  admin->require_subcommand(1);

  admin::Registry registry;
  admin::AddTopicCommands(registry);
  admin::AddClusterCommands(registry);
  admin::AddGroupCommands(registry);
  admin::AddOffsetCommands(registry);
  admin::AddMessageCommands(registry);
  admin::AddImportCommand(registry);

  for (admin::CommandSpec& spec : registry) {
    CLI::App* cmd = admin->add_subcommand(spec.name, spec.description);
    auto common = std::make_shared<admin::CommonFlags>();
    cmd->add_option("-n,--namesrvAddr", common->namesrv,
                    "Name server address list, eg: 192.168.0.1:9876;192.168.0.2:9876 "
                    "(default $NAMESRV_ADDR)");
    cmd->add_flag("--json", common->json, "print one JSON document instead of mqadmin's text");
    cmd->add_option("--timeout", common->timeout_ms, "milliseconds per request (default 10000)");
    admin::RunFn run = spec.setup(cmd);
    cmd->callback([name = spec.name, common, run, exit_code] {
      QuietClientLogs();
      UnblockStopSignals();
      admin::Context ctx(name, *common);
      *exit_code = run(ctx);
    });
  }

  auto topic = std::make_shared<std::string>();
  CLI::App* help = admin->add_subcommand("help", "a command's flags, or the list of commands");
  help->add_option("command", *topic, "command name");
  help->callback([admin, topic, exit_code] {
    const std::vector<CLI::App*> commands = admin->get_subcommands({});
    if (topic->empty()) {
      std::string out = "The `tern admin` commands (mqadmin's names and flags):\n";
      for (CLI::App* sub : commands) {
        out += fmt::format("   {:<24} {}\n", sub->get_name(), sub->get_description());
      }
      out += "See `tern admin help <command>` for a command's flags.\n";
      std::fputs(out.c_str(), stdout);
      *exit_code = 0;
      return;
    }
    for (CLI::App* sub : commands) {
      if (sub->get_name() == *topic) {
        std::fputs(sub->help().c_str(), stdout);
        *exit_code = 0;
        return;
      }
    }
    std::fprintf(stderr, "tern admin help: no command '%s' (tern admin help lists them)\n",
                 topic->c_str());
    *exit_code = admin::kUsage;
  });
  return admin;
}

}  // namespace tern::tools
