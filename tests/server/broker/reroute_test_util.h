// reroute_test_util.h: helpers for the delay, timer, retry and transaction tests — property
// strings, the stored records of a queue read straight from the store (DLQ topics are not
// readable by pulls), and waiting for conditions with a deadline.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/commit_log_codec.h"
#include "engine/message_store.h"
#include "engine/properties.h"

namespace tern::testing {

inline std::string Props(std::initializer_list<std::pair<std::string, std::string>> pairs) {
  std::string p;
  for (const auto& [k, v] : pairs) engine::AppendProperty(&p, k, v);
  return p;
}

// A stored record, copied out of the CommitLog.
struct StoredMessage {
  std::string topic;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int64_t physical_offset = 0;
  int32_t sys_flag = 0;
  int32_t flag = 0;
  int32_t reconsume_times = 0;
  int64_t born_timestamp = 0;
  int64_t store_timestamp = 0;
  int64_t prepared_transaction_offset = 0;
  std::string body;
  std::string properties;
  std::optional<std::string> Property(std::string_view name) const {
    std::optional<std::string_view> v = engine::FindProperty(properties, name);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  }
};

inline StoredMessage CopyOut(const engine::RecordView& r) {
  StoredMessage m;
  m.topic = std::string(r.topic);
  m.queue_id = r.queue_id;
  m.queue_offset = r.queue_offset;
  m.physical_offset = r.physical_offset;
  m.sys_flag = r.sys_flag;
  m.flag = r.flag;
  m.reconsume_times = r.reconsume_times;
  m.born_timestamp = r.born_timestamp;
  m.store_timestamp = r.store_timestamp;
  m.prepared_transaction_offset = r.prepared_transaction_offset;
  m.body = std::string(AsChars(r.body));
  m.properties = std::string(r.properties);
  return m;
}

// Every message of (topic, queue) visible in the store, in queue order.
inline std::vector<StoredMessage> ReadQueue(engine::MessageStore& store, const std::string& topic,
                                            int32_t queue) {
  std::vector<StoredMessage> out;
  int64_t offset = 0;
  for (;;) {
    engine::GetMessageResult r = store.GetMessage(topic, queue, offset, 32, 0, nullptr);
    for (ByteSpan raw : r.messages) {
      engine::DecodeResult d = engine::DecodeRecord(raw, engine::CrcCheck::kVerify);
      EXPECT_EQ(d.status, engine::DecodeStatus::kRecord);
      if (d.status == engine::DecodeStatus::kRecord) out.push_back(CopyOut(d.record));
    }
    if (r.next_begin_offset <= offset || r.messages.empty()) break;
    offset = r.next_begin_offset;
  }
  return out;
}

inline int64_t QueueSize(engine::MessageStore& store, const std::string& topic, int32_t queue) {
  return store.reader().MaxOffsetInQueue(topic, queue);
}

// Polls `cond` until it holds or `timeout` passes; returns its last value.
inline bool WaitUntil(const std::function<bool()>& cond,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return cond();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling, bounded by deadline
  }
  return true;
}

inline int64_t PhysicalOffsetOf(const std::string& offset_msg_id) {
  absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(offset_msg_id);
  EXPECT_TRUE(id.ok()) << offset_msg_id;
  return id.ok() ? id->offset.value() : -1;
}

}  // namespace tern::testing
