#include "engine/metadata/topic_config.h"

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"

namespace tern::engine::metadata {
namespace {

void WriteTopicConfig(const TopicConfig& c, FastjsonWriter& w) {
  w.BeginObject();
  w.Key("order");
  w.Bool(c.order);
  w.Key("perm");
  w.Int(c.perm);
  w.Key("readQueueNums");
  w.Int(c.read_queue_nums);
  w.Key("topicFilterType");
  w.String(c.topic_filter_type);
  w.Key("topicName");
  w.String(c.topic_name);
  w.Key("topicSysFlag");
  w.Int(c.topic_sys_flag);
  w.Key("writeQueueNums");
  w.Int(c.write_queue_nums);
  w.EndObject();
}

absl::StatusOr<TopicConfig> ReadTopicConfig(const rapidjson::Value& v, std::string_view path) {
  TERN_RETURN_IF_ERROR(ExpectObject(v, path));
  TopicConfig c;
  TERN_RETURN_IF_ERROR(ReadMember(v, "order", path, c.order));
  TERN_RETURN_IF_ERROR(ReadMember(v, "perm", path, c.perm));
  TERN_RETURN_IF_ERROR(ReadMember(v, "readQueueNums", path, c.read_queue_nums));
  TERN_RETURN_IF_ERROR(ReadMember(v, "topicFilterType", path, c.topic_filter_type));
  TERN_RETURN_IF_ERROR(ReadMember(v, "topicName", path, c.topic_name));
  TERN_RETURN_IF_ERROR(ReadMember(v, "topicSysFlag", path, c.topic_sys_flag));
  TERN_RETURN_IF_ERROR(ReadMember(v, "writeQueueNums", path, c.write_queue_nums));
  return c;
}

}  // namespace

std::string TopicConfigFile::Encode() const {
  FastjsonWriter w;
  w.BeginObject();
  w.Key("dataVersion");
  WriteDataVersion(data_version, w);
  w.Key("topicConfigTable");
  w.BeginObject();
  for (const auto& [name, config] : topic_config_table) {
    w.Key(name);
    WriteTopicConfig(config, w);
  }
  w.EndObject();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<TopicConfigFile> TopicConfigFile::Decode(std::string_view text) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseFastjson(text, doc));
  TERN_RETURN_IF_ERROR(ExpectObject(doc, "$"));
  TopicConfigFile file;
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* version, FindObjectMember(doc, "dataVersion", "$"));
  if (version != nullptr) {
    TERN_ASSIGN_OR_RETURN(file.data_version, ReadDataVersion(*version, "$.dataVersion"));
  }
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* table,
                        FindObjectMember(doc, "topicConfigTable", "$"));
  if (table != nullptr) {
    for (auto m = table->MemberBegin(); m != table->MemberEnd(); ++m) {
      std::string name = StringOf(m->name);
      TERN_ASSIGN_OR_RETURN(TopicConfig config,
                            ReadTopicConfig(m->value, MemberPath("$.topicConfigTable", name)));
      file.topic_config_table.insert_or_assign(std::move(name), std::move(config));
    }
  }
  return file;
}

}  // namespace tern::engine::metadata
