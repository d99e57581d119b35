#include "server/protocol/subscription.h"

#include <fmt/format.h>

#include "engine/consume_queue_format.h"
#include "server/protocol/json_writer.h"

namespace tern::protocol {

absl::StatusOr<SubscriptionData> BuildSubscription(std::string_view topic,
                                                   std::string_view expression,
                                                   std::string_view type, int64_t sub_version) {
  SubscriptionData s;
  s.topic = std::string(topic);
  s.sub_version = sub_version;
  s.expression_type = type.empty() ? "TAG" : std::string(type);
  if (s.expression_type != "TAG" && s.expression_type != "SQL92") {
    return absl::InvalidArgumentError(
        fmt::format("unknown expression type '{}'", s.expression_type));
  }
  if (s.expression_type == "SQL92") {
    s.sub_string = std::string(expression);
    return s;
  }
  auto trim = [](std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
  };
  const std::string_view expr = trim(expression);
  if (expr.empty() || expr == kSubAll) {
    s.sub_string = std::string(kSubAll);
    return s;
  }
  s.sub_string = std::string(expr);
  size_t pos = 0;
  while (pos <= expr.size()) {
    size_t end = expr.find("||", pos);
    if (end == std::string_view::npos) end = expr.size();
    const std::string_view tag = trim(expr.substr(pos, end - pos));
    if (!tag.empty()) {
      s.tags.emplace_back(tag);
      s.codes.insert(engine::TagsCodeOf(tag));
    }
    pos = end + 2;
  }
  if (s.tags.empty()) s.sub_string = std::string(kSubAll);
  return s;
}

bool TagMatches(const SubscriptionData& sub, std::string_view tag) {
  if (sub.expression_type != "TAG" || sub.all()) return true;
  for (const std::string& t : sub.tags) {
    if (t == tag) return true;
  }
  return false;
}

void WriteSubscriptionJson(JsonWriter& w, const SubscriptionData& sub) {
  w.BeginObject();
  w.Key("classFilterMode");
  w.Bool(sub.class_filter_mode);
  w.Key("codeSet");
  w.BeginArray();
  for (int64_t code : sub.codes) w.Int(code);
  w.EndArray();
  w.Key("expressionType");
  w.String(sub.expression_type);
  w.Key("subString");
  w.String(sub.sub_string);
  w.Key("subVersion");
  w.Int(sub.sub_version);
  w.Key("tagsSet");
  w.BeginArray();
  for (const std::string& tag : sub.tags) w.String(tag);
  w.EndArray();
  w.Key("topic");
  w.String(sub.topic);
  w.EndObject();
}

}  // namespace tern::protocol
