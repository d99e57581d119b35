// verify_internal.h: state shared by the passes of VerifyStore (verify.cc drives them). Not
// part of the library's API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/delay_levels.h"
#include "engine/inspect/log_reader.h"
#include "engine/inspect/verify.h"
#include "engine/metadata/topic_config.h"
#include "engine/queue_key.h"

namespace tern::inspect::internal {

// What the CommitLog walk saw of one (topic, queue): spans of consecutive queue offsets of
// valid dispatched records (NOT / COMMIT transaction types), ascending.
struct QueueWalk {
  std::vector<std::pair<int64_t, int64_t>> spans;  // inclusive
  int64_t records = 0;
  // UnitDigest over the records in order: equal to the digest of the queue's real units (those
  // pointing into the log) exactly when every record has its unit and every unit its record.
  uint64_t digest = 0;
};

// Folds one (queue offset, physical offset, size, tags code) into a running digest.
inline uint64_t UnitDigest(uint64_t h, int64_t queue_offset, int64_t physical_offset, int32_t size,
                           int64_t tags_code) {
  auto mix = [](uint64_t x) {  // splitmix64's finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  };
  h = mix(h ^ static_cast<uint64_t>(queue_offset));
  h = mix(h ^ static_cast<uint64_t>(physical_offset));
  h = mix(h ^ static_cast<uint32_t>(size));
  return mix(h ^ static_cast<uint64_t>(tags_code));
}

class VerifyContext {
 public:
  VerifyContext(engine::FileSystem* fs, const VerifyOptions* options, VerifyReport* report,
                engine::DelayLevels levels);

  void Add(Defect d);
  void Warn(std::string area, std::string kind, std::string file, int64_t offset,
            std::string message);
  void Fail(std::string area, std::string kind, std::string file, int64_t offset,
            std::string message);
  // The damaged range holding `offset`, if any.
  const LogDamage* DamageAt(int64_t offset) const;
  void Progress(std::string_view phase, int64_t done, int64_t total) const;

  engine::FileSystem* fs;
  const VerifyOptions* options;
  VerifyReport* report;
  engine::DelayLevels levels;
  LogReader reader;
  absl::flat_hash_map<engine::QueueKey, QueueWalk, engine::QueueKeyHash, engine::QueueKeyEq> walks;
  // topics.json, when present and readable (to tell deleted topics from lost queues).
  std::optional<engine::metadata::TopicConfigFile> topics;
};

// The passes, in the order VerifyStore runs them.
void CheckLayout(VerifyContext& ctx);
absl::Status WalkCommitLog(VerifyContext& ctx);
absl::Status CheckConsumeQueues(VerifyContext& ctx);
absl::Status CheckIndex(VerifyContext& ctx);
void CheckCheckpoint(VerifyContext& ctx);
void CheckConfig(VerifyContext& ctx);

}  // namespace tern::inspect::internal

namespace tern::inspect::internal {
// Decodes a config/ file's text with the broker's decoder for that file (topics.json,
// consumerOffset.json, delayOffset.json, subscriptionGroup.json), or as fastjson for others.
absl::Status CheckConfigText(std::string_view name, std::string_view text);
}  // namespace tern::inspect::internal
