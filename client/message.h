// message.h: what a C++ client sends (Message) and receives (MessageExt), RocketMQ's shapes.
//
// Plain value types. A MessageExt owns its bytes (the client copies records out of the pull
// response buffer, decompressing bodies the producer compressed).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/base/bytes.h"

namespace tern::client {

struct Message {
  std::string topic;
  std::string body;
  std::string tags;                               // one tag; "" for none
  std::vector<std::string> keys;                  // indexed for queries; stored space-separated
  int32_t delay_level = 0;                        // 0: none; 1..18: RocketMQ's delay levels
  int32_t flag = 0;                               // user flag, stored verbatim
  bool wait_store_msg_ok = true;                  // WAIT: under SYNC_FLUSH, answer after the flush
  std::map<std::string, std::string> properties;  // user properties

  Message() = default;
  Message(std::string t, std::string b) : topic(std::move(t)), body(std::move(b)) {}
  Message(std::string t, std::string tag, std::string b)
      : topic(std::move(t)), body(std::move(b)), tags(std::move(tag)) {}
};

struct MessageQueue {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;
  bool operator==(const MessageQueue&) const = default;
  auto operator<=>(const MessageQueue&) const = default;
  std::string ToString() const;
};

// A consumed message, decoded from the stored record.
struct MessageExt {
  std::string topic;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int64_t commit_log_offset = 0;
  int32_t store_size = 0;
  int32_t sys_flag = 0;
  int32_t flag = 0;
  int32_t reconsume_times = 0;
  int64_t born_timestamp = 0;
  int64_t store_timestamp = 0;
  std::string born_host;
  std::string store_host;
  std::string msg_id;         // UNIQ_KEY when present, else the offset message id
  std::string offset_msg_id;  // store host + physical offset
  std::string body;           // decompressed
  std::map<std::string, std::string> properties;

  std::string_view tags() const;
  std::string_view keys() const;
  std::string_view Property(std::string_view name) const;
};

// Decodes the records of a pull or query response body (stored-message format), checking
// each body CRC; compressed bodies (zlib; LZ4/ZSTD are refused with an error) are inflated.
absl::StatusOr<std::vector<MessageExt>> DecodeMessages(ByteSpan body);

}  // namespace tern::client
