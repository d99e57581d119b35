#include "server/dashboard/trace.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

namespace tern::dashboard {

namespace {

constexpr char kContentSplitor = 1;
constexpr char kFieldSplitor = 2;

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    const size_t end = s.find(sep, pos);
    if (end == std::string_view::npos) {
      out.push_back(s.substr(pos));
      break;
    }
    out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

template <typename T>
std::optional<T> Number(std::string_view s) {
  T v{};
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool Bool(std::string_view s) { return s == "true" || s == "TRUE" || s == "True"; }

std::optional<TraceRecord> DecodePub(const std::vector<std::string_view>& f) {
  if (f.size() < 13) return std::nullopt;
  TraceRecord r;
  r.type = "Pub";
  const auto ts = Number<int64_t>(f[1]);
  const auto len = Number<int32_t>(f[9]);
  const auto cost = Number<int32_t>(f[10]);
  const auto type = Number<int32_t>(f[11]);
  if (!ts || !len || !cost || !type) return std::nullopt;
  r.timestamp = *ts;
  r.region_id = std::string(f[2]);
  r.group = std::string(f[3]);
  r.topic = std::string(f[4]);
  r.msg_id = std::string(f[5]);
  r.tags = std::string(f[6]);
  r.keys = std::string(f[7]);
  r.store_host = std::string(f[8]);
  r.body_length = *len;
  r.cost_time = *cost;
  r.msg_type = *type;
  if (f.size() == 13) {
    r.success = Bool(f[12]);
  } else {
    r.offset_msg_id = std::string(f[12]);
    r.success = Bool(f[13]);
    if (f.size() >= 15) r.client_host = std::string(f[14]);
  }
  return r;
}

std::optional<TraceRecord> DecodeSubBefore(const std::vector<std::string_view>& f) {
  if (f.size() < 8) return std::nullopt;
  TraceRecord r;
  r.type = "SubBefore";
  const auto ts = Number<int64_t>(f[1]);
  const auto retry = Number<int32_t>(f[6]);
  if (!ts || !retry) return std::nullopt;
  r.timestamp = *ts;
  r.region_id = std::string(f[2]);
  r.group = std::string(f[3]);
  r.request_id = std::string(f[4]);
  r.msg_id = std::string(f[5]);
  r.retry_times = *retry;
  r.keys = std::string(f[7]);
  if (f.size() >= 9) r.client_host = std::string(f[8]);
  return r;
}

std::optional<TraceRecord> DecodeSubAfter(const std::vector<std::string_view>& f) {
  if (f.size() < 6) return std::nullopt;
  TraceRecord r;
  r.type = "SubAfter";
  const auto cost = Number<int32_t>(f[3]);
  if (!cost) return std::nullopt;
  r.request_id = std::string(f[1]);
  r.msg_id = std::string(f[2]);
  r.cost_time = *cost;
  r.success = Bool(f[4]);
  r.keys = std::string(f[5]);
  if (f.size() >= 7) {
    const auto code = Number<int32_t>(f[6]);
    if (!code) return std::nullopt;
    r.context_code = *code;
  }
  if (f.size() >= 8) {
    const auto ts = Number<int64_t>(f[7]);
    if (!ts) return std::nullopt;
    r.timestamp = *ts;
  }
  if (f.size() >= 9) r.group = std::string(f[8]);
  return r;
}

std::optional<TraceRecord> DecodeEndTransaction(const std::vector<std::string_view>& f) {
  if (f.size() < 13) return std::nullopt;
  TraceRecord r;
  r.type = "EndTransaction";
  const auto ts = Number<int64_t>(f[1]);
  const auto type = Number<int32_t>(f[9]);
  if (!ts || !type) return std::nullopt;
  r.timestamp = *ts;
  r.region_id = std::string(f[2]);
  r.group = std::string(f[3]);
  r.topic = std::string(f[4]);
  r.msg_id = std::string(f[5]);
  r.tags = std::string(f[6]);
  r.keys = std::string(f[7]);
  r.store_host = std::string(f[8]);
  r.msg_type = *type;
  r.transaction_id = std::string(f[10]);
  r.transaction_state = std::string(f[11]);
  r.from_transaction_check = Bool(f[12]);
  return r;
}

}  // namespace

std::string_view MessageTypeName(int32_t msg_type) {
  switch (msg_type) {
    case 0:
      return "Normal_Msg";
    case 1:
      return "Trans_Msg_Half";
    case 2:
      return "Trans_msg_Commit";
    case 3:
      return "Delay_Msg";
    default:
      return "Unknown";
  }
}

DecodedTraces DecodeTraceData(std::string_view data) {
  DecodedTraces out;
  for (std::string_view record : Split(data, kFieldSplitor)) {
    if (record.empty()) continue;
    const std::vector<std::string_view> f = Split(record, kContentSplitor);
    std::optional<TraceRecord> r;
    if (f[0] == "Pub") {
      r = DecodePub(f);
    } else if (f[0] == "SubBefore") {
      r = DecodeSubBefore(f);
    } else if (f[0] == "SubAfter") {
      r = DecodeSubAfter(f);
    } else if (f[0] == "EndTransaction") {
      r = DecodeEndTransaction(f);
    }
    if (r) {
      out.records.push_back(std::move(*r));
    } else {
      ++out.skipped;
    }
  }
  return out;
}

TraceView BuildTraceView(const std::vector<TraceRecord>& records, std::string_view msg_id) {
  TraceView view;
  std::map<std::string, const TraceRecord*> after_by_request;
  for (const TraceRecord& r : records) {
    if (r.msg_id != msg_id) continue;
    if (r.type == "SubAfter") after_by_request[r.request_id] = &r;
  }
  std::map<std::string, TraceGroup> groups;
  for (const TraceRecord& r : records) {
    if (r.msg_id != msg_id) continue;
    if (r.type == "Pub") {
      if (!view.has_pub || r.timestamp < view.pub.timestamp) view.pub = r;
      view.has_pub = true;
    } else if (r.type == "EndTransaction") {
      view.transactions.push_back(r);
    } else if (r.type == "SubBefore") {
      TraceConsume c;
      c.request_id = r.request_id;
      c.client_host = r.client_host;
      c.begin_timestamp = r.timestamp;
      c.retry_times = r.retry_times;
      c.status = "unknown";
      auto after = after_by_request.find(r.request_id);
      if (after != after_by_request.end()) {
        c.cost_time = after->second->cost_time;
        c.status = after->second->success ? "success" : "failed";
        c.end_timestamp =
            after->second->timestamp != 0 ? after->second->timestamp : r.timestamp + c.cost_time;
      }
      TraceGroup& g = groups[r.group];
      g.group = r.group;
      g.consumes.push_back(std::move(c));
    }
  }
  for (auto& [name, g] : groups) {
    std::sort(g.consumes.begin(), g.consumes.end(),
              [](const TraceConsume& a, const TraceConsume& b) {
                return a.begin_timestamp < b.begin_timestamp;
              });
    view.groups.push_back(std::move(g));
  }
  std::sort(view.transactions.begin(), view.transactions.end(),
            [](const TraceRecord& a, const TraceRecord& b) { return a.timestamp < b.timestamp; });
  return view;
}

}  // namespace tern::dashboard
