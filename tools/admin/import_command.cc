// `tern admin import FILE`: re-sends the messages of a `tern store export` file (JSON lines)
// through client::Producer, keeping topic, body, flag, tags, keys and user properties
// (export_line.h). Reads the file as a stream ("-" is stdin). Stops at the first line that
// cannot be parsed or sent and names it; --from-line resumes there.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "client/producer.h"
#include "engine/base/strings.h"
#include "tools/admin/admin_cli.h"
#include "tools/admin/export_line.h"

namespace tern::tools::admin {

namespace {

struct ImportFlags {
  std::string file;
  std::string topic;  // overrides each line's topic
  std::string group = "TERN_IMPORT";
  int64_t from_line = 1;
  bool dry_run = false;
};

int RunImport(Context& ctx, const ImportFlags& f) {
  std::ifstream file_in;
  std::istream* in = &std::cin;
  if (f.file != "-") {
    file_in.open(f.file, std::ios::binary);
    if (!file_in) return ctx.Fail(absl::NotFoundError(fmt::format("cannot read '{}'", f.file)));
    in = &file_in;
  }
  std::unique_ptr<client::Producer> producer;
  if (!f.dry_run) {
    const std::vector<std::string> addrs = ctx.NamesrvAddrs();
    if (addrs.empty()) {
      return ctx.Fail(absl::InvalidArgumentError(
          "no name server address: pass -n ip:port[;ip:port] or set NAMESRV_ADDR"));
    }
    client::ClientConfig config;
    config.namesrv_addrs = addrs;
    config.request_timeout = std::chrono::milliseconds(ctx.flags().timeout_ms);
    client::ProducerOptions po;
    po.group = f.group;
    producer = std::make_unique<client::Producer>(config, po);
    if (absl::Status s = producer->Start(); !s.ok()) return ctx.Fail(s);
  }
  int64_t line_no = 0, sent = 0, skipped = 0;
  std::string line;
  int rc = kOk;
  while (std::getline(*in, line)) {
    ++line_no;
    if (line_no < f.from_line || line.empty()) continue;
    absl::StatusOr<ImportRecord> r = ParseExportLine(line);
    if (!r.ok()) {
      rc = ctx.Fail(absl::InvalidArgumentError(
          fmt::format("{} line {}: {}", f.file, line_no, MessageOf(r.status()))));
      break;
    }
    if (r->skip) {
      ++skipped;
      continue;
    }
    if (!f.topic.empty()) r->message.topic = f.topic;
    if (producer) {
      absl::StatusOr<client::SendResult> s = producer->Send(r->message);
      if (!s.ok()) {
        rc = ctx.Fail(absl::Status(
            s.status().code(), fmt::format("{} line {}: {} (resume with --from-line {})", f.file,
                                           line_no, MessageOf(s.status()), line_no)));
        break;
      }
    }
    ++sent;
  }
  if (producer) producer->Shutdown();
  ctx.Print(fmt::format("{} {} messages from {} ({} lines read, {} transaction halves skipped)\n",
                        f.dry_run ? "would import" : "imported", sent, f.file, line_no, skipped));
  ctx.PrintJson(fmt::format(R"({{"imported":{},"skipped":{},"lines":{},"dryRun":{},"ok":{}}})",
                            sent, skipped, line_no, f.dry_run ? "true" : "false",
                            rc == kOk ? "true" : "false"));
  return rc;
}

}  // namespace

void AddImportCommand(Registry& r) {
  r.push_back(
      {"import",
       "Re-send the messages of a `tern store export` file (JSON lines) to the "
       "cluster at -n, keeping tags, keys and properties",
       [](CLI::App* cmd) -> RunFn {
         auto f = std::make_shared<ImportFlags>();
         cmd->add_option("file", f->file, "export file (JSON lines), - for stdin")->required();
         cmd->add_option("-t,--topic", f->topic, "send every message to this topic");
         cmd->add_option("-g,--producerGroup", f->group, "producer group (default TERN_IMPORT)");
         cmd->add_option("--from-line", f->from_line, "skip the lines before this one");
         cmd->add_flag("--dry-run", f->dry_run, "parse and count, send nothing");
         return [f](Context& ctx) { return RunImport(ctx, *f); };
       }});
}

}  // namespace tern::tools::admin
