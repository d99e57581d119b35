// store_test_util.h: small-file StoreOptions and helpers shared by the engine's store tests.
#pragma once

#include <string>
#include <vector>

#include "engine/message_store.h"
#include "tests/util/test_records.h"

namespace tern::testing {

// A store with tiny files so tests cross file boundaries: 64 KiB CommitLog files, 64-unit
// ConsumeQueue files, a 64-slot / 256-entry index.
inline engine::StoreOptions SmallStoreOptions(const std::string& root) {
  engine::StoreOptions o;
  o.root_dir = root;
  o.commit_log.file_size = 64 * 1024;
  o.commit_log.max_message_size = 16 * 1024;
  o.consume_queue_units_per_file = 64;
  o.index_hash_slot_num = 64;
  o.index_num = 256;
  o.flush.interval = std::chrono::milliseconds(10);
  o.consume_queue_flush_interval = std::chrono::milliseconds(50);
  return o;
}

// Bodies of every message of (topic, queue) from offset 0, pulling in batches.
inline std::vector<std::string> ReadAllBodies(const engine::MessageStore& store,
                                              const std::string& topic, int32_t queue) {
  std::vector<std::string> out;
  int64_t offset = 0;
  for (;;) {
    engine::GetMessageResult r = store.GetMessage(topic, queue, offset, 32, 0, nullptr);
    if (r.status != engine::GetMessageStatus::kFound &&
        r.status != engine::GetMessageStatus::kMessageWasRemoving) {
      break;
    }
    for (ByteSpan m : r.messages) {
      const engine::DecodeResult d = engine::DecodeRecord(m, engine::CrcCheck::kVerify);
      out.emplace_back(AsChars(d.record.body));
    }
    if (r.next_begin_offset == offset) break;
    offset = r.next_begin_offset;
  }
  return out;
}

}  // namespace tern::testing
