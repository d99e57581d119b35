// bench_command.h: `tern bench produce|consume`, the load generator. A thin CLI over
// bench/load (RunProduce, RunConsume): flags, the run, printing and exit codes.
//
// Output: per-second progress lines on stderr (unless --quiet), the summary on stdout as text
// or, with --json, as one JSON object (bench/load/summary.h). SIGINT/SIGTERM end the run
// early; the summary still prints.
// Exit codes: 0 the run passed; 1 it did not (produce: a send failed or none succeeded;
// consume: verification failed or --expect was not reached); 2 bad arguments or setup failed.
#pragma once

#include <CLI/CLI.hpp>

namespace tern::tools {

// Adds the `bench` subcommand and its subcommands to `app`. When one of them runs (during
// app.parse), its exit code is written to `*exit_code`, which must outlive the parse.
CLI::App* AddBenchCommand(CLI::App& app, int* exit_code);

}  // namespace tern::tools
