#include "server/protocol/kv_table.h"

#include "engine/base/status.h"
#include "server/protocol/body_json.h"
#include "server/protocol/json_writer.h"

namespace tern::protocol {

std::string KVTable::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("table");
  w.BeginObject();
  for (const auto& [k, v] : table) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<KVTable> KVTable::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBodyObject(body, doc));
  KVTable kv;
  TERN_RETURN_IF_ERROR(ReadStringMapMember(doc, "table", "$", kv.table));
  return kv;
}

}  // namespace tern::protocol
