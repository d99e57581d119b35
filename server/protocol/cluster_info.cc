#include "server/protocol/cluster_info.h"

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/body_json.h"
#include "server/protocol/json_writer.h"

namespace tern::protocol {

namespace md = engine::metadata;

std::string ClusterInfo::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("brokerAddrTable");
  w.BeginObject();
  for (const auto& [name, broker] : broker_addr_table) {
    w.Key(name);
    WriteBrokerData(broker, w);
  }
  w.EndObject();
  w.Key("clusterAddrTable");
  w.BeginObject();
  for (const auto& [cluster, names] : cluster_addr_table) {
    w.Key(cluster);
    w.BeginArray();
    for (const std::string& n : names) w.String(n);
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<ClusterInfo> ClusterInfo::Decode(std::string_view body) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBodyObject(body, doc));
  ClusterInfo info;
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* brokers,
                        md::FindObjectMember(doc, "brokerAddrTable", "$"));
  if (brokers != nullptr) {
    for (auto m = brokers->MemberBegin(); m != brokers->MemberEnd(); ++m) {
      std::string name = md::StringOf(m->name);
      if (m->value.IsNull()) continue;
      TERN_ASSIGN_OR_RETURN(BrokerData b,
                            ReadBrokerData(m->value, md::MemberPath("$.brokerAddrTable", name)));
      info.broker_addr_table.insert_or_assign(std::move(name), std::move(b));
    }
  }
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* clusters,
                        md::FindObjectMember(doc, "clusterAddrTable", "$"));
  if (clusters != nullptr) {
    for (auto m = clusters->MemberBegin(); m != clusters->MemberEnd(); ++m) {
      std::string cluster = md::StringOf(m->name);
      std::set<std::string>& names = info.cluster_addr_table[cluster];
      if (m->value.IsNull()) continue;
      TERN_ASSIGN_OR_RETURN(
          std::vector<std::string> list,
          ReadStringArray(m->value, md::MemberPath("$.clusterAddrTable", cluster)));
      names.insert(list.begin(), list.end());
    }
  }
  return info;
}

}  // namespace tern::protocol
