// admin_cli.h: what the `tern admin` commands share — the registry they add themselves to,
// the per-run context (flags every command takes, the AdminClient, output), and mqadmin's
// formatting helpers (its time formats, truncating columns, Java's toString shapes).
//
// Every command takes mqadmin's -n (name servers, "ip:port;ip:port", default $NAMESRV_ADDR)
// plus --json (one JSON document on stdout instead of mqadmin's text) and --timeout (ms per
// request). A command writes its output through the Context and returns its exit code:
// kOk (0), kFailed (1: a broker or name server refused or did not answer; stderr says which,
// with the response code and remark) or kUsage (2: bad or missing flags).
//
// Not thread-safe: a command runs on the main thread. The AdminClient lives until the
// Context is destroyed.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/admin/admin_client.h"
#include "client/message.h"
#include "server/protocol/json_writer.h"

namespace tern::tools::admin {

inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;
inline constexpr int kUsage = 2;

struct CommonFlags {
  std::string namesrv;  // -n
  bool json = false;
  int64_t timeout_ms = 10000;
};

class Context {
 public:
  Context(std::string command, CommonFlags flags);
  ~Context();

  const std::string& command() const { return command_; }
  bool json() const { return flags_.json; }
  const CommonFlags& flags() const { return flags_; }
  std::vector<std::string> NamesrvAddrs() const;

  // The client, started on first use; nullptr after printing why it could not start.
  client::admin::AdminClient* Admin();

  // Text output (ignored with --json).
  void Print(std::string_view text);
  // The JSON document (--json only); written once, with a newline.
  void PrintJson(std::string_view json);
  // Reports `status` on stderr ("tern admin CMD: message") and returns kFailed.
  int Fail(const absl::Status& status);
  // Reports a usage error and returns kUsage.
  int Usage(std::string_view message);
  // A warning on stderr that does not fail the command.
  void Warn(const absl::Status& status);

 private:
  const std::string command_;
  const CommonFlags flags_;
  std::unique_ptr<client::admin::AdminClient> admin_;
  bool admin_failed_ = false;
};

using RunFn = std::function<int(Context&)>;

// One `tern admin` command: its name and description as mqadmin has them, and a setup that
// adds its options to `cmd` (bound to state it owns) and returns what runs after parsing.
struct CommandSpec {
  std::string name;
  std::string description;
  std::function<RunFn(CLI::App* cmd)> setup;
};

using Registry = std::vector<CommandSpec>;

// Each command family adds its commands (topic_commands.cc, cluster_commands.cc, ...).
void AddTopicCommands(Registry& r);
void AddClusterCommands(Registry& r);
void AddGroupCommands(Registry& r);
void AddOffsetCommands(Registry& r);
void AddMessageCommands(Registry& r);
void AddImportCommand(Registry& r);

// deleteTopic's steps (every broker of the cluster, then every name server), printed as
// mqadmin prints them; deleteSubGroup reuses them for the group's %RETRY% and %DLQ% topics.
absl::Status DeleteTopicInCluster(Context& ctx, client::admin::AdminClient& admin,
                                  const std::string& cluster, const std::string& topic);

// ---- mqadmin's formats ------------------------------------------------------------------
// UtilAll.frontStringAtLeast: at most `size` characters.
std::string Front(std::string_view s, size_t size);
// UtilAll.timeMillisToHumanString2 (local time): 2024-01-31 12:00:00,123.
std::string HumanTime(int64_t millis);
// yyyy-MM-dd HH:mm:ss (local time).
std::string DateTime(int64_t millis);
// mqadmin's timestamp options: "now" (when allowed), epoch milliseconds, or
// yyyy-MM-dd#HH:mm:ss:SSS in local time.
absl::StatusOr<int64_t> ParseTimestamp(std::string_view text, bool allow_now);
// Boolean.parseBoolean.
bool ParseBool(std::string_view text);
// PermName.perm2String: "RW-".
std::string PermString(int32_t perm);
// Java's TopicConfig.toString().
std::string TopicConfigString(const client::admin::TopicConfig& c);
// Java's MessageExt.toString(), properties as a HashMap prints them.
std::string MessageString(const client::MessageExt& m);
// mqadmin's printMsg block for one message (queryMsgById, queryMsgByOffset, ...), the body
// written to `body_dir`/<msgId> as mqadmin does; `offset_id_line` adds "OffsetID:".
std::string MessageDetail(const client::MessageExt& m, const std::string& body_path,
                          bool offset_id_line);
// The JSON object of one message (body as text when UTF-8, else base64).
void WriteMessageJson(protocol::JsonWriter& w, const client::MessageExt& m, bool with_body);

}  // namespace tern::tools::admin
