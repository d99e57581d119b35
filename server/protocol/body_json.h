// body_json.h: tolerant readers shared by the body types (Java's fastjson leniency).
//
// Bodies are parsed with engine/metadata/fastjson.h ParseFastjson, which accepts strict JSON
// and fastjson's bare (unquoted) numeric map keys alike ({0:"addr"} and {"0":"addr"}). The
// scalar readers of fastjson.h already accept numbers as strings and booleans as "true"/1;
// this file adds what bodies need beyond the config files: arrays of strings, 64-bit integer
// map keys and enum names-or-ordinals. Unknown members are ignored by every reader; a member
// that is absent or null keeps its default.
//
// Pure functions, thread-safe. Errors are InvalidArgument naming the JSON path ("$.x.y").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rapidjson/document.h"

namespace tern::protocol {

// Parses `body` (fastjson dialect or strict JSON) into `doc` and requires an object root.
absl::Status ParseBodyObject(std::string_view body, rapidjson::Document& doc);

// Member `name` of `object` if it is an array; nullptr if absent or null; an error otherwise.
absl::StatusOr<const rapidjson::Value*> FindArrayMember(const rapidjson::Value& object,
                                                        std::string_view name,
                                                        std::string_view path);

// Every element of an array node as a string (numbers and booleans as their text).
absl::StatusOr<std::vector<std::string>> ReadStringArray(const rapidjson::Value& array,
                                                         std::string_view path);

// Reads member `name` (an array of strings) into `out`; absent or null leaves `out` unchanged.
absl::Status ReadStringArrayMember(const rapidjson::Value& object, std::string_view name,
                                   std::string_view path, std::vector<std::string>& out);

// Reads member `name` (an object of string values) into `out`, replacing it; absent or null
// leaves `out` unchanged.
template <typename Map>
absl::Status ReadStringMapMember(const rapidjson::Value& object, std::string_view name,
                                 std::string_view path, Map& out);

// A key of a Map<Long, ...>: a decimal 64-bit integer, "0" or 0 alike after parsing.
absl::StatusOr<int64_t> Int64Key(std::string_view key, std::string_view path);

// An enum written by name or by ordinal: `names` lists the enum constants in ordinal order.
// Returns the canonical name. Accepts a string naming a constant, or an integer (JSON number
// or decimal string) in range.
absl::StatusOr<std::string> ReadEnumName(const rapidjson::Value& value,
                                         std::span<const std::string_view> names,
                                         std::string_view path);

}  // namespace tern::protocol

// ---- template implementation ----
#include "engine/metadata/fastjson.h"

namespace tern::protocol {

template <typename Map>
absl::Status ReadStringMapMember(const rapidjson::Value& object, std::string_view name,
                                 std::string_view path, Map& out) {
  namespace md = engine::metadata;
  const std::string member_path = md::MemberPath(path, name);
  absl::StatusOr<const rapidjson::Value*> table = md::FindObjectMember(object, name, path);
  if (!table.ok()) return table.status();
  if (*table == nullptr) return absl::OkStatus();
  Map result;
  for (auto m = (*table)->MemberBegin(); m != (*table)->MemberEnd(); ++m) {
    std::string key = md::StringOf(m->name);
    if (m->value.IsNull()) continue;  // Java's HashMap keeps a null; nothing to keep here
    absl::StatusOr<std::string> value = md::ToString(m->value, md::MemberPath(member_path, key));
    if (!value.ok()) return value.status();
    result.insert_or_assign(std::move(key), *std::move(value));
  }
  out = std::move(result);
  return absl::OkStatus();
}

}  // namespace tern::protocol
