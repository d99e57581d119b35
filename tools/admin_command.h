// admin_command.h: `tern admin CMD ...`, mqadmin's commands with mqadmin's names and flags
// (-n name servers, -t topic, -g group, -c cluster, -b broker, ...), a thin CLI over
// client/admin's AdminClient. Text output follows mqadmin's tables; --json prints one JSON
// document instead. `tern admin help CMD` shows a command's flags; `tern admin help` lists
// the commands.
//
// Exit codes: 0 done; 1 a broker or name server refused or did not answer (stderr names it,
// with the response code and remark); 2 bad or missing flags.
#pragma once

#include <CLI/CLI.hpp>

namespace tern::tools {

// Adds the `admin` subcommand and its commands to `app`. When one of them runs (during
// app.parse), its exit code is written to `*exit_code`, which must outlive the parse.
CLI::App* AddAdminCommand(CLI::App& app, int* exit_code);

}  // namespace tern::tools
