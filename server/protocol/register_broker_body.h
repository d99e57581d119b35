// register_broker_body.h: RegisterBrokerBody, the REGISTER_BROKER (103) request body
// (protocol.md 2.3 [RBB]), in both of its forms:
//
// - JSON (header compressed=false, what every 4.x broker sends by default):
//     {"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{...},
//      "topicConfigTable":{"T":{...}}}}
// - zlib (header compressed=true; Java Deflater BEST_COMPRESSION with the zlib header), whose
//   inflated bytes are, with big-endian 4-byte signed lengths:
//     int n, n bytes of DataVersion JSON;
//     int topicCount; topicCount times: int n, n bytes of "name read write perm filterType"
//       (TopicConfig's 5-token "simple encoding": topicSysFlag and order are lost);
//     int n, n bytes of the filterServerList JSON array.
//   As in Java, a filterServerList that does not parse reads as empty, and bytes after it are
//   ignored. Inflation stops with an error beyond kMaxInflatedRegisterBodyBytes (a 16 MiB frame
//   must not become gigabytes).
//
// Plain value type; functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/protocol/topic_config_wrapper.h"

namespace tern::protocol {

inline constexpr size_t kMaxInflatedRegisterBodyBytes = size_t{64} << 20;

struct RegisterBrokerBody {
  TopicConfigSerializeWrapper topic_config_serialize_wrapper;
  std::vector<std::string> filter_server_list;

  bool operator==(const RegisterBrokerBody&) const = default;

  // The JSON form.
  std::string Encode() const;
  // The zlib form (topicSysFlag and order are not carried).
  std::string EncodeCompressed() const;
  static absl::StatusOr<RegisterBrokerBody> Decode(std::string_view body, bool compressed);
};

// Inflates a zlib stream, failing beyond `max_bytes` of output. Exposed for tests and the
// broker's other compressed bodies.
absl::StatusOr<std::string> ZlibInflate(std::string_view compressed, size_t max_bytes);
// Deflates `data` as a zlib stream at `level` (9 = Java's BEST_COMPRESSION).
std::string ZlibDeflate(std::string_view data, int level);

}  // namespace tern::protocol
