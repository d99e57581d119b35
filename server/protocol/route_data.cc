#include "server/protocol/route_data.h"

#include <fmt/format.h>

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/body_json.h"

namespace tern::protocol {

namespace md = engine::metadata;

void WriteQueueData(const QueueData& q, JsonWriter& w) {
  w.BeginObject();
  w.Key("brokerName");
  w.String(q.broker_name);
  w.Key("perm");
  w.Int(q.perm);
  w.Key("readQueueNums");
  w.Int(q.read_queue_nums);
  w.Key("topicSynFlag");
  w.Int(q.topic_sys_flag);
  w.Key("topicSysFlag");
  w.Int(q.topic_sys_flag);
  w.Key("writeQueueNums");
  w.Int(q.write_queue_nums);
  w.EndObject();
}

absl::StatusOr<QueueData> ReadQueueData(const rapidjson::Value& v, std::string_view path) {
  TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
  QueueData q;
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "brokerName", path, q.broker_name));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "readQueueNums", path, q.read_queue_nums));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "writeQueueNums", path, q.write_queue_nums));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "perm", path, q.perm));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "topicSynFlag", path, q.topic_sys_flag));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "topicSysFlag", path, q.topic_sys_flag));
  return q;
}

void WriteBrokerData(const BrokerData& b, JsonWriter& w) {
  w.BeginObject();
  w.Key("brokerAddrs");
  w.BeginObject();
  for (auto it = b.broker_addrs.rbegin(); it != b.broker_addrs.rend(); ++it) {
    w.IntKey(it->first);
    w.String(it->second);
  }
  w.EndObject();
  w.Key("brokerName");
  w.String(b.broker_name);
  w.Key("cluster");
  w.String(b.cluster);
  w.EndObject();
}

absl::StatusOr<BrokerData> ReadBrokerData(const rapidjson::Value& v, std::string_view path) {
  TERN_RETURN_IF_ERROR(md::ExpectObject(v, path));
  BrokerData b;
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "cluster", path, b.cluster));
  TERN_RETURN_IF_ERROR(md::ReadMember(v, "brokerName", path, b.broker_name));
  const std::string addrs_path = md::MemberPath(path, "brokerAddrs");
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* addrs,
                        md::FindObjectMember(v, "brokerAddrs", path));
  if (addrs != nullptr) {
    for (auto m = addrs->MemberBegin(); m != addrs->MemberEnd(); ++m) {
      const std::string key = md::StringOf(m->name);
      TERN_ASSIGN_OR_RETURN(const int64_t id, Int64Key(key, addrs_path));
      if (m->value.IsNull()) continue;
      TERN_ASSIGN_OR_RETURN(std::string addr,
                            md::ToString(m->value, md::MemberPath(addrs_path, key)));
      b.broker_addrs.insert_or_assign(id, std::move(addr));
    }
  }
  return b;
}

std::string TopicRouteData::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("brokerDatas");
  w.BeginArray();
  for (const BrokerData& b : broker_datas) WriteBrokerData(b, w);
  w.EndArray();
  w.Key("filterServerTable");
  w.BeginObject();
  for (const auto& [addr, servers] : filter_server_table) {
    w.Key(addr);
    w.BeginArray();
    for (const std::string& s : servers) w.String(s);
    w.EndArray();
  }
  w.EndObject();
  if (order_topic_conf.has_value()) {
    w.Key("orderTopicConf");
    w.String(*order_topic_conf);
  }
  w.Key("queueDatas");
  w.BeginArray();
  for (const QueueData& q : queue_datas) WriteQueueData(q, w);
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<TopicRouteData> TopicRouteData::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBodyObject(body, doc));
  TopicRouteData route;
  if (const rapidjson::Value* conf = md::FindMember(doc, "orderTopicConf");
      conf != nullptr && !conf->IsNull()) {
    TERN_ASSIGN_OR_RETURN(route.order_topic_conf, md::ToString(*conf, "$.orderTopicConf"));
  }
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* queues, FindArrayMember(doc, "queueDatas", "$"));
  if (queues != nullptr) {
    for (rapidjson::SizeType i = 0; i < queues->Size(); ++i) {
      TERN_ASSIGN_OR_RETURN(QueueData q,
                            ReadQueueData((*queues)[i], fmt::format("$.queueDatas[{}]", i)));
      route.queue_datas.push_back(std::move(q));
    }
  }
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* brokers, FindArrayMember(doc, "brokerDatas", "$"));
  if (brokers != nullptr) {
    for (rapidjson::SizeType i = 0; i < brokers->Size(); ++i) {
      TERN_ASSIGN_OR_RETURN(BrokerData b,
                            ReadBrokerData((*brokers)[i], fmt::format("$.brokerDatas[{}]", i)));
      route.broker_datas.push_back(std::move(b));
    }
  }
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* filters,
                        md::FindObjectMember(doc, "filterServerTable", "$"));
  if (filters != nullptr) {
    for (auto m = filters->MemberBegin(); m != filters->MemberEnd(); ++m) {
      std::string addr = md::StringOf(m->name);
      std::vector<std::string> servers;
      if (!m->value.IsNull()) {
        TERN_ASSIGN_OR_RETURN(
            servers, ReadStringArray(m->value, md::MemberPath("$.filterServerTable", addr)));
      }
      route.filter_server_table.insert_or_assign(std::move(addr), std::move(servers));
    }
  }
  return route;
}

}  // namespace tern::protocol
