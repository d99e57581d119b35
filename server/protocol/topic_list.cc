#include "server/protocol/topic_list.h"

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/body_json.h"
#include "server/protocol/json_writer.h"

namespace tern::protocol {

namespace md = engine::metadata;

std::string TopicList::Encode() const {
  JsonWriter w;
  w.BeginObject();
  if (broker_addr.has_value()) {
    w.Key("brokerAddr");
    w.String(*broker_addr);
  }
  w.Key("topicList");
  w.BeginArray();
  for (const std::string& t : topic_list) w.String(t);
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<TopicList> TopicList::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBodyObject(body, doc));
  TopicList list;
  if (const rapidjson::Value* addr = md::FindMember(doc, "brokerAddr");
      addr != nullptr && !addr->IsNull()) {
    TERN_ASSIGN_OR_RETURN(list.broker_addr, md::ToString(*addr, "$.brokerAddr"));
  }
  TERN_RETURN_IF_ERROR(ReadStringArrayMember(doc, "topicList", "$", list.topic_list));
  return list;
}

}  // namespace tern::protocol
