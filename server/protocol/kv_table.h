// kv_table.h: KVTable, the body of GET_KVLIST_BY_NAMESPACE (219) and of the REGISTER_BROKER
// response (namespace ORDER_TOPIC_CONFIG) (protocol.md 2.3, 2.8): {"table":{"k":"v"}}.
// Plain value type; functions are pure and thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tern::protocol {

struct KVTable {
  std::map<std::string, std::string> table;

  bool operator==(const KVTable&) const = default;

  std::string Encode() const;
  static absl::StatusOr<KVTable> Decode(std::string_view body);
};

}  // namespace tern::protocol
