#include "engine/metadata/subscription_group.h"

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"

namespace tern::engine::metadata {
namespace {

void WriteGroup(const SubscriptionGroupConfig& g, FastjsonWriter& w) {
  w.BeginObject();
  w.Key("brokerId");
  w.Int(g.broker_id);
  w.Key("consumeBroadcastEnable");
  w.Bool(g.consume_broadcast_enable);
  w.Key("consumeEnable");
  w.Bool(g.consume_enable);
  w.Key("consumeFromMinEnable");
  w.Bool(g.consume_from_min_enable);
  w.Key("groupName");
  w.String(g.group_name);
  w.Key("notifyConsumerIdsChangedEnable");
  w.Bool(g.notify_consumer_ids_changed_enable);
  w.Key("retryMaxTimes");
  w.Int(g.retry_max_times);
  w.Key("retryQueueNums");
  w.Int(g.retry_queue_nums);
  w.Key("whichBrokerWhenConsumeSlowly");
  w.Int(g.which_broker_when_consume_slowly);
  w.EndObject();
}

absl::StatusOr<SubscriptionGroupConfig> ReadGroup(const rapidjson::Value& v,
                                                  std::string_view path) {
  TERN_RETURN_IF_ERROR(ExpectObject(v, path));
  SubscriptionGroupConfig g;
  TERN_RETURN_IF_ERROR(ReadMember(v, "brokerId", path, g.broker_id));
  TERN_RETURN_IF_ERROR(ReadMember(v, "consumeBroadcastEnable", path, g.consume_broadcast_enable));
  TERN_RETURN_IF_ERROR(ReadMember(v, "consumeEnable", path, g.consume_enable));
  TERN_RETURN_IF_ERROR(ReadMember(v, "consumeFromMinEnable", path, g.consume_from_min_enable));
  TERN_RETURN_IF_ERROR(ReadMember(v, "groupName", path, g.group_name));
  TERN_RETURN_IF_ERROR(
      ReadMember(v, "notifyConsumerIdsChangedEnable", path, g.notify_consumer_ids_changed_enable));
  TERN_RETURN_IF_ERROR(ReadMember(v, "retryMaxTimes", path, g.retry_max_times));
  TERN_RETURN_IF_ERROR(ReadMember(v, "retryQueueNums", path, g.retry_queue_nums));
  TERN_RETURN_IF_ERROR(
      ReadMember(v, "whichBrokerWhenConsumeSlowly", path, g.which_broker_when_consume_slowly));
  return g;
}

}  // namespace

std::string SubscriptionGroupFile::Encode() const {
  FastjsonWriter w;
  w.BeginObject();
  w.Key("dataVersion");
  WriteDataVersion(data_version, w);
  w.Key("subscriptionGroupTable");
  w.BeginObject();
  for (const auto& [name, group] : subscription_group_table) {
    w.Key(name);
    WriteGroup(group, w);
  }
  w.EndObject();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<SubscriptionGroupFile> SubscriptionGroupFile::Decode(std::string_view text) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseFastjson(text, doc));
  TERN_RETURN_IF_ERROR(ExpectObject(doc, "$"));
  SubscriptionGroupFile file;
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* version, FindObjectMember(doc, "dataVersion", "$"));
  if (version != nullptr) {
    TERN_ASSIGN_OR_RETURN(file.data_version, ReadDataVersion(*version, "$.dataVersion"));
  }
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* table,
                        FindObjectMember(doc, "subscriptionGroupTable", "$"));
  if (table != nullptr) {
    for (auto m = table->MemberBegin(); m != table->MemberEnd(); ++m) {
      std::string name = StringOf(m->name);
      TERN_ASSIGN_OR_RETURN(SubscriptionGroupConfig group,
                            ReadGroup(m->value, MemberPath("$.subscriptionGroupTable", name)));
      file.subscription_group_table.insert_or_assign(std::move(name), std::move(group));
    }
  }
  return file;
}

}  // namespace tern::engine::metadata
