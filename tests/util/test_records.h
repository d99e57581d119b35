// test_records.h: builders for messages and encoded records used across engine tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/commit_log_codec.h"

namespace tern::testing {

// Owns the strings a MessageToStore borrows.
struct TestMessage {
  std::string topic = "TopicTest";
  int32_t queue_id = 0;
  std::string body = "hello";
  std::string properties;
  int32_t sys_flag = 0;
  int32_t flag = 0;
  int64_t born_timestamp = 1700000000000;
  engine::HostPort born_host = engine::HostPort::Ipv4(127, 0, 0, 1, 50000);
  engine::HostPort store_host = engine::HostPort::Ipv4(127, 0, 0, 1, 10911);

  // Adds TAGS/KEYS/UNIQ_KEY properties in the Java client's way.
  TestMessage& WithTag(const std::string& tag);
  TestMessage& WithKeys(const std::string& keys);
  TestMessage& WithUniqKey(const std::string& key);
  TestMessage& WithProperty(const std::string& name, const std::string& value);

  engine::MessageToStore View() const;
  // Encoded record (queue offset, physical offset, store time zero until appended).
  std::vector<uint8_t> Encode() const;
};

}  // namespace tern::testing
