#include "server/protocol/body_json.h"

#include <fmt/format.h>

#include <charconv>

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"

namespace tern::protocol {

namespace md = engine::metadata;

absl::Status ParseBodyObject(std::string_view body, rapidjson::Document& doc) {
  TERN_RETURN_IF_ERROR(md::ParseFastjson(body, doc));
  return md::ExpectObject(doc, "$");
}

absl::StatusOr<const rapidjson::Value*> FindArrayMember(const rapidjson::Value& object,
                                                        std::string_view name,
                                                        std::string_view path) {
  const rapidjson::Value* v = md::FindMember(object, name);
  if (v == nullptr || v->IsNull()) return nullptr;
  if (!v->IsArray()) {
    return absl::InvalidArgumentError(
        fmt::format("{} is not an array", md::MemberPath(path, name)));
  }
  return v;
}

absl::StatusOr<std::vector<std::string>> ReadStringArray(const rapidjson::Value& array,
                                                         std::string_view path) {
  if (!array.IsArray()) return absl::InvalidArgumentError(fmt::format("{} is not an array", path));
  std::vector<std::string> out;
  out.reserve(array.Size());
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    TERN_ASSIGN_OR_RETURN(std::string s, md::ToString(array[i], fmt::format("{}[{}]", path, i)));
    out.push_back(std::move(s));
  }
  return out;
}

absl::Status ReadStringArrayMember(const rapidjson::Value& object, std::string_view name,
                                   std::string_view path, std::vector<std::string>& out) {
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* array, FindArrayMember(object, name, path));
  if (array == nullptr) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(out, ReadStringArray(*array, md::MemberPath(path, name)));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Int64Key(std::string_view key, std::string_view path) {
  std::string_view digits = key;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: map key '{}' is not a 64-bit integer", path, key));
  }
  return value;
}

absl::StatusOr<std::string> ReadEnumName(const rapidjson::Value& value,
                                         std::span<const std::string_view> names,
                                         std::string_view path) {
  if (value.IsString()) {
    const std::string s = md::StringOf(value);
    for (std::string_view name : names) {
      if (name == s) return s;
    }
  }
  // An ordinal: a JSON integer or a decimal string (cpp and ali-ons send ordinals).
  absl::StatusOr<int64_t> ordinal = md::ToInt64(value, path);
  if (ordinal.ok() && *ordinal >= 0 && static_cast<uint64_t>(*ordinal) < names.size()) {
    return std::string(names[static_cast<size_t>(*ordinal)]);
  }
  std::string shown = value.IsString() ? md::StringOf(value) : "<non-string>";
  return absl::InvalidArgumentError(
      fmt::format("{}: '{}' is neither an enum constant nor an ordinal", path, shown));
}

}  // namespace tern::protocol
