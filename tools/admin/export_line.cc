#include "tools/admin/export_line.h"

#include <fmt/format.h>

#include <array>

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"
#include "engine/properties.h"
#include "tools/admin/base64.h"

namespace tern::tools {

namespace md = engine::metadata;

namespace {

bool IsDroppedProperty(std::string_view name) {
  namespace p = engine::property;
  static constexpr std::array<std::string_view, 19> kDropped = {p::kUniqueClientMessageIdKey,
                                                                p::kWaitStoreMsgOk,
                                                                p::kMinOffset,
                                                                p::kMaxOffset,
                                                                p::kCluster,
                                                                p::kRealTopic,
                                                                p::kRealQueueId,
                                                                p::kRetryTopic,
                                                                p::kTransactionPrepared,
                                                                p::kProducerGroup,
                                                                p::kDelayLevel,
                                                                p::kReconsumeTime,
                                                                p::kMaxReconsumeTimes,
                                                                p::kOriginMessageId,
                                                                p::kTransactionPreparedQueueOffset,
                                                                p::kTransactionCheckTimes,
                                                                p::kStartDeliverTime,
                                                                p::kTimerDeliverMs,
                                                                p::kTimerDelaySec};
  for (std::string_view d : kDropped) {
    if (name == d) return true;
  }
  return name.starts_with("TIMER_");
}

absl::StatusOr<std::string> DecodeHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return absl::InvalidArgumentError("hex body of odd length");
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return absl::InvalidArgumentError(fmt::format("bad hex at {}", i));
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

}  // namespace

absl::StatusOr<ImportRecord> ParseExportLine(std::string_view line) {
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(md::ParseStrictJson(line, doc));
  TERN_RETURN_IF_ERROR(md::ExpectObject(doc, "$"));
  ImportRecord r;
  client::Message& m = r.message;
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "topic", "$", m.topic));
  if (m.topic.empty()) return absl::InvalidArgumentError("$.topic is missing");
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "flag", "$", m.flag));
  std::string transaction;
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "transaction", "$", transaction));
  if (transaction == "prepared" || transaction == "rollback") {
    r.skip = true;
    r.skip_reason = fmt::format("a {} transaction half", transaction);
  }
  if (md::FindMember(doc, "bodyTruncatedFrom") != nullptr) {
    return absl::InvalidArgumentError(
        "the body was cut short in the export (dump with --max-body 0, or use tern store "
        "export)");
  }
  std::string body, encoding = "text";
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "body", "$", body));
  TERN_RETURN_IF_ERROR(md::ReadMember(doc, "bodyEncoding", "$", encoding));
  if (md::FindMember(doc, "body") == nullptr) {
    return absl::InvalidArgumentError("$.body is missing (dump with a body format, not none)");
  }
  if (encoding == "base64") {
    TERN_ASSIGN_OR_RETURN(m.body, Base64Decode(body));
  } else if (encoding == "hex") {
    TERN_ASSIGN_OR_RETURN(m.body, DecodeHex(body));
  } else if (encoding == "text") {
    m.body = std::move(body);
  } else {
    return absl::InvalidArgumentError(fmt::format("$.bodyEncoding '{}' is unknown", encoding));
  }
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* props,
                        md::FindObjectMember(doc, "properties", "$"));
  if (props != nullptr) {
    for (auto p = props->MemberBegin(); p != props->MemberEnd(); ++p) {
      const std::string name = md::StringOf(p->name);
      TERN_ASSIGN_OR_RETURN(std::string value,
                            md::ToString(p->value, md::MemberPath("$.properties", name)));
      if (name == engine::property::kTags) {
        m.tags = std::move(value);
      } else if (name == engine::property::kKeys) {
        std::string_view rest = value;
        while (!rest.empty()) {
          const size_t sp = rest.find(' ');
          if (sp != 0) m.keys.emplace_back(rest.substr(0, sp));
          if (sp == std::string_view::npos) break;
          rest.remove_prefix(sp + 1);
        }
      } else if (!IsDroppedProperty(name)) {
        m.properties[name] = std::move(value);
      }
    }
  }
  return r;
}

}  // namespace tern::tools
