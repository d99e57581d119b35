#include "server/protocol/topic_config_wrapper.h"

#include <array>

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/body_json.h"

namespace tern::protocol {

namespace md = engine::metadata;

namespace {
constexpr std::array<std::string_view, 2> kTopicFilterTypes = {"SINGLE_TAG", "MULTI_TAG"};
}  // namespace

void WriteDataVersion(const DataVersion& v, JsonWriter& w) {
  w.BeginObject();
  w.Key("counter");
  w.Int(v.counter);
  w.Key("timestamp");
  w.Int(v.timestamp);
  w.EndObject();
}

std::string EncodeDataVersion(const DataVersion& version) {
  JsonWriter w;
  WriteDataVersion(version, w);
  return std::move(w).Finish();
}

absl::StatusOr<DataVersion> DecodeDataVersion(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBodyObject(body, doc));
  return md::ReadDataVersion(doc, "$");
}

void WriteTopicConfig(const TopicConfig& c, JsonWriter& w) {
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

absl::StatusOr<std::string> ReadTopicFilterType(const rapidjson::Value& value,
                                                std::string_view path) {
  return ReadEnumName(value, kTopicFilterTypes, path);
}

absl::StatusOr<TopicConfig> ReadTopicConfig(const rapidjson::Value& v, std::string_view path) {
  TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
  TopicConfig c;
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "topicName", path, c.topic_name));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "readQueueNums", path, c.read_queue_nums));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "writeQueueNums", path, c.write_queue_nums));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "perm", path, c.perm));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "topicSysFlag", path, c.topic_sys_flag));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "order", path, c.order));
  if (const rapidjson::Value* type = md::FindMember(v, "topicFilterType");
      type != nullptr && !type->IsNull()) {
    TERN_ASSIGN_OR_RETURN(c.topic_filter_type,
                          ReadTopicFilterType(*type, md::MemberPath(path, "topicFilterType")));
  }
  return c;
}

void TopicConfigSerializeWrapper::Write(JsonWriter& w) const {
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
}

absl::StatusOr<TopicConfigSerializeWrapper> TopicConfigSerializeWrapper::Read(
    const rapidjson::Value& v, std::string_view path) {
  TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
  TopicConfigSerializeWrapper wrapper;
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* version,
                        md::FindObjectMember(v, "dataVersion", path));
  if (version != nullptr) {
    TERN_ASSIGN_OR_RETURN(wrapper.data_version,
                          md::ReadDataVersion(*version, md::MemberPath(path, "dataVersion")));
  }
  const std::string table_path = md::MemberPath(path, "topicConfigTable");
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* table,
                        md::FindObjectMember(v, "topicConfigTable", path));
  if (table != nullptr) {
    for (auto m = table->MemberBegin(); m != table->MemberEnd(); ++m) {
      std::string key = md::StringOf(m->name);
      if (m->value.IsNull()) continue;
      TERN_ASSIGN_OR_RETURN(TopicConfig config,
                            ReadTopicConfig(m->value, md::MemberPath(table_path, key)));
      if (config.topic_name.empty()) config.topic_name = key;
      wrapper.topic_config_table.insert_or_assign(std::move(key), std::move(config));
    }
  }
  return wrapper;
}

std::string TopicConfigSerializeWrapper::Encode() const {
  JsonWriter w;
  Write(w);
  return std::move(w).Finish();
}

absl::StatusOr<TopicConfigSerializeWrapper> TopicConfigSerializeWrapper::Decode(
    std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBodyObject(body, doc));
  return Read(doc, "$");
}

}  // namespace tern::protocol
