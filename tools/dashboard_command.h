// dashboard_command.h: `tern dashboard -n NAMESRV [--http-addr HOST:PORT] [--users SPEC]`, the
// built-in web dashboard (server/dashboard) alone: just the HTTP server and the dashboard's
// pages and API, reading every piece of state from the cluster behind NAMESRV through the
// admin protocol — a Tern cluster or a Java RocketMQ 4.x one. No broker, no store.
//
// It prints "tern dashboard: http://HOST:PORT/ (name server ...)" on stdout once listening
// (--http-addr 127.0.0.1:0 picks a free port), runs until SIGINT/SIGTERM, and exits 0; 1 when
// the endpoint cannot be bound or --users is malformed; 2 on bad flags.
#pragma once

#include <CLI/CLI.hpp>

namespace tern::tools {

// Adds the `dashboard` subcommand to `app`. It runs during app.parse (blocking until a stop
// signal) and writes its exit code to `*exit_code`, which must outlive the parse. SIGINT and
// SIGTERM must already be blocked in every thread (tern_main's BlockStopSignals).
CLI::App* AddDashboardCommand(CLI::App& app, int* exit_code);

}  // namespace tern::tools
