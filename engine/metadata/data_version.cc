#include "engine/metadata/data_version.h"

#include "engine/base/status.h"

namespace tern::engine::metadata {

void WriteDataVersion(const DataVersion& version, FastjsonWriter& w) {
  w.BeginObject();
  w.Key("counter");
  w.Int(version.counter);
  w.Key("timestamp");
  w.Int(version.timestamp);
  w.EndObject();
}

absl::StatusOr<DataVersion> ReadDataVersion(const rapidjson::Value& value, std::string_view path) {
  TERN_RETURN_IF_ERROR(ExpectObject(value, path));
  DataVersion v;
  TERN_RETURN_IF_ERROR(ReadMember(value, "counter", path, v.counter));
  TERN_RETURN_IF_ERROR(ReadMember(value, "timestamp", path, v.timestamp));
  return v;
}

}  // namespace tern::engine::metadata
