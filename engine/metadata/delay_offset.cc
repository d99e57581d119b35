#include "engine/metadata/delay_offset.h"

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"

namespace tern::engine::metadata {

std::string DelayOffsetFile::Encode() const {
  FastjsonWriter w;
  w.BeginObject();
  w.Key("offsetTable");
  w.BeginObject();
  for (const auto& [level, offset] : offset_table) {
    w.IntKey(level);
    w.Int(offset);
  }
  w.EndObject();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<DelayOffsetFile> DelayOffsetFile::Decode(std::string_view text) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseFastjson(text, doc));
  TERN_RETURN_IF_ERROR(ExpectObject(doc, "$"));
  DelayOffsetFile file;
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* table, FindObjectMember(doc, "offsetTable", "$"));
  if (table == nullptr) return file;
  for (auto m = table->MemberBegin(); m != table->MemberEnd(); ++m) {
    const std::string key = StringOf(m->name);
    TERN_ASSIGN_OR_RETURN(const int32_t level, Int32Key(key, "$.offsetTable"));
    TERN_ASSIGN_OR_RETURN(file.offset_table[level],
                          ToInt64(m->value, MemberPath("$.offsetTable", key)));
  }
  return file;
}

}  // namespace tern::engine::metadata
