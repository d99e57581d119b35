// store_command.h: `tern store ...`, the offline store tools (verify, dump, export, stat, find,
// repair) over a stopped broker's store directory. A thin CLI over engine/inspect: flags,
// calls, printing and exit codes, nothing that reads a store format itself (style rule 17).
//
// Exit codes: 0 clean / done, 1 defects found (verify, dry-run repair) or nothing found (find),
// 2 cannot read the store, bad arguments, or the store is locked by a running broker (repair).
#pragma once

#include <CLI/CLI.hpp>

namespace tern::tools {

// Adds the `store` subcommand and its subcommands to `app`. When one of them runs (during
// app.parse), its exit code is written to `*exit_code`, which must outlive the parse.
CLI::App* AddStoreCommand(CLI::App& app, int* exit_code);

}  // namespace tern::tools
