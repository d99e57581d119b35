#include "engine/metadata/consumer_offset.h"

#include <fmt/format.h>

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"

namespace tern::engine::metadata {

std::string ConsumerOffsetFile::Key(std::string_view topic, std::string_view group) {
  return fmt::format("{}@{}", topic, group);
}

std::string ConsumerOffsetFile::Encode() const {
  FastjsonWriter w;
  w.BeginObject();
  w.Key("offsetTable");
  w.BeginObject();
  for (const auto& [key, queues] : offset_table) {
    w.Key(key);
    w.BeginObject();
    for (const auto& [queue_id, offset] : queues) {
      w.IntKey(queue_id);
      w.Int(offset);
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<ConsumerOffsetFile> ConsumerOffsetFile::Decode(std::string_view text) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseFastjson(text, doc));
  TERN_RETURN_IF_ERROR(ExpectObject(doc, "$"));
  ConsumerOffsetFile file;
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* table, FindObjectMember(doc, "offsetTable", "$"));
  if (table == nullptr) return file;
  for (auto m = table->MemberBegin(); m != table->MemberEnd(); ++m) {
    std::string key = StringOf(m->name);
    const std::string path = MemberPath("$.offsetTable", key);
    TERN_RETURN_IF_ERROR(ExpectObject(m->value, path));
    std::map<int32_t, int64_t> queues;
    for (auto q = m->value.MemberBegin(); q != m->value.MemberEnd(); ++q) {
      const std::string queue = StringOf(q->name);
      TERN_ASSIGN_OR_RETURN(const int32_t queue_id, Int32Key(queue, path));
      TERN_ASSIGN_OR_RETURN(queues[queue_id], ToInt64(q->value, MemberPath(path, queue)));
    }
    file.offset_table.insert_or_assign(std::move(key), std::move(queues));
  }
  return file;
}

}  // namespace tern::engine::metadata
