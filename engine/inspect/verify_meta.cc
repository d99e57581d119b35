// The checkpoint, abort/lock and config passes of VerifyStore.
#include <fmt/format.h>

#include <algorithm>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/checkpoint.h"
#include "engine/inspect/verify_internal.h"
#include "engine/metadata/consumer_offset.h"
#include "engine/metadata/delay_offset.h"
#include "engine/metadata/fastjson.h"
#include "engine/metadata/subscription_group.h"
#include "engine/metadata/topic_config.h"

namespace tern::inspect::internal {

absl::Status CheckConfigText(std::string_view name, std::string_view text) {
  namespace md = engine::metadata;
  if (text.empty()) return absl::DataLossError("empty file");
  if (name == "topics.json") return md::TopicConfigFile::Decode(text).status();
  if (name == "consumerOffset.json") return md::ConsumerOffsetFile::Decode(text).status();
  if (name == "delayOffset.json") return md::DelayOffsetFile::Decode(text).status();
  if (name == "subscriptionGroup.json") return md::SubscriptionGroupFile::Decode(text).status();
  rapidjson::Document doc;
  return md::ParseFastjson(text, doc);
}

void CheckCheckpoint(VerifyContext& ctx) {
  const VerifyReport& rep = *ctx.report;
  const StoreLayout& l = rep.layout;
  const std::string path = l.CheckpointPath();
  if (l.has_abort) {
    ctx.Warn("store", "abort_present", engine::JoinPath(l.root, "abort"), -1,
             "abort file present: the broker did not shut down cleanly (or is running); its "
             "next start runs crash recovery");
  }
  if (!l.has_checkpoint) {
    ctx.Fail("checkpoint", "checkpoint_missing", path, -1,
             "no checkpoint file (repair rewrites it)");
    return;
  }
  absl::StatusOr<uint64_t> size = ctx.fs->FileSize(path);
  if (size.ok() && *size < engine::StoreCheckpoint::kFileSize) {
    ctx.Fail(
        "checkpoint", "checkpoint_size", path, -1,
        fmt::format("{} bytes, expected at least {}", *size, engine::StoreCheckpoint::kFileSize));
    return;
  }
  absl::StatusOr<std::unique_ptr<engine::StoreCheckpoint>> cp =
      engine::StoreCheckpoint::Open(ctx.fs, path, engine::Access::kReadOnly);
  if (!cp.ok()) {
    ctx.Fail("checkpoint", "checkpoint_unreadable", path, -1, std::string(MessageOf(cp.status())));
    return;
  }
  const int64_t ts[] = {(*cp)->physic_msg_timestamp(), (*cp)->logics_msg_timestamp(),
                        (*cp)->index_msg_timestamp()};
  const char* names[] = {"physicMsgTimestamp", "logicsMsgTimestamp", "indexMsgTimestamp"};
  for (int i = 0; i < 3; ++i) {
    if (ts[i] < 0) {
      ctx.Fail("checkpoint", "checkpoint_timestamp", path, i * 8,
               fmt::format("{} is negative ({})", names[i], ts[i]));
    }
  }
  if (rep.records > 0 && ts[0] > rep.last_store_timestamp) {
    ctx.Warn("checkpoint", "checkpoint_timestamp", path, 0,
             fmt::format("physicMsgTimestamp {} is newer than the last record's store time {}",
                         ts[0], rep.last_store_timestamp));
  }
  if (const std::optional<engine::CheckpointExtension> ext = (*cp)->extension()) {
    if (ext->commit_log_flushed_offset > rep.log_end_offset) {
      ctx.Fail("checkpoint", "checkpoint_ahead", path, 64,
               fmt::format("the CommitLog was durable up to {} but valid data ends at {}",
                           ext->commit_log_flushed_offset, rep.log_end_offset));
    }
    if (ext->dispatched_offset > rep.log_end_offset) {
      ctx.Fail("checkpoint", "checkpoint_ahead", path, 64,
               fmt::format("dispatch reached {} but valid data ends at {}", ext->dispatched_offset,
                           rep.log_end_offset));
    }
  }
}

void CheckConfig(VerifyContext& ctx) {
  const StoreLayout& l = ctx.report->layout;
  for (const std::string& name : l.config_files) {
    const std::string path = engine::JoinPath(l.ConfigDir(), name);
    if (name.ends_with(".bak")) {
      const std::string main = name.substr(0, name.size() - 4);
      if (std::find(l.config_files.begin(), l.config_files.end(), main) == l.config_files.end() &&
          main.ends_with(".json")) {
        ctx.Warn("config", "config_missing", engine::JoinPath(l.ConfigDir(), main), -1,
                 fmt::format("only the backup {} exists (the broker loads it)", name));
      }
      continue;
    }
    if (!name.ends_with(".json") || ctx.fs->IsDirectory(path)) continue;
    absl::StatusOr<std::string> text = ctx.fs->ReadFile(path);
    absl::Status main = text.ok() ? CheckConfigText(name, *text) : text.status();
    const std::string bak_path = path + ".bak";
    std::optional<absl::Status> bak;
    if (ctx.fs->Exists(bak_path)) {
      absl::StatusOr<std::string> b = ctx.fs->ReadFile(bak_path);
      bak = b.ok() ? CheckConfigText(name, *b) : b.status();
    }
    if (!main.ok()) {
      ctx.Fail("config", "config_invalid", path, -1,
               fmt::format("does not decode: {}; {}", MessageOf(main),
                           bak && bak->ok() ? "its .bak is valid (repair restores it)"
                                            : "no valid .bak: restore it by hand"));
    } else if (name == "topics.json") {
      absl::StatusOr<engine::metadata::TopicConfigFile> topics =
          engine::metadata::TopicConfigFile::Decode(*text);
      if (topics.ok()) ctx.topics = *std::move(topics);
    }
    if (bak && !bak->ok()) {
      ctx.Warn("config", "config_backup_invalid", bak_path, -1,
               fmt::format("does not decode: {}", MessageOf(*bak)));
    }
  }
}

}  // namespace tern::inspect::internal
