#include "tools/admin/admin_cli.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

#include "client/client_config.h"
#include "engine/base/strings.h"
#include "tools/admin/base64.h"

namespace tern::tools::admin {

Context::Context(std::string command, CommonFlags flags)
    : command_(std::move(command)), flags_(std::move(flags)) {}

Context::~Context() = default;

std::vector<std::string> Context::NamesrvAddrs() const {
  std::string list = flags_.namesrv;
  if (list.empty()) {
    const char* env = std::getenv("NAMESRV_ADDR");
    if (env != nullptr) list = env;
  }
  return client::ParseNamesrvList(list);
}

client::admin::AdminClient* Context::Admin() {
  if (admin_ || admin_failed_) return admin_.get();
  client::admin::AdminOptions o;
  o.namesrv_addrs = NamesrvAddrs();
  o.timeout = std::chrono::milliseconds(flags_.timeout_ms);
  absl::StatusOr<std::unique_ptr<client::admin::AdminClient>> a =
      client::admin::AdminClient::Create(std::move(o));
  if (!a.ok()) {
    admin_failed_ = true;
    Fail(a.status());
    return nullptr;
  }
  admin_ = *std::move(a);
  return admin_.get();
}

void Context::Print(std::string_view text) {
  if (flags_.json) return;
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void Context::PrintJson(std::string_view json) {
  if (!flags_.json) return;
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

int Context::Fail(const absl::Status& status) {
  std::fprintf(stderr, "tern admin %s: %s\n", command_.c_str(),
               std::string(MessageOf(status)).c_str());
  return kFailed;
}

int Context::Usage(std::string_view message) {
  std::fprintf(stderr, "tern admin %s: %.*s (see `tern admin help %s`)\n", command_.c_str(),
               static_cast<int>(message.size()), message.data(), command_.c_str());
  return kUsage;
}

void Context::Warn(const absl::Status& status) {
  std::fprintf(stderr, "tern admin %s: warning: %s\n", command_.c_str(),
               std::string(MessageOf(status)).c_str());
}

std::string Front(std::string_view s, size_t size) {
  return std::string(s.substr(0, std::min(size, s.size())));
}

namespace {

std::tm LocalTime(int64_t millis) {
  const std::time_t secs = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    if (c < 0x80) {
      n = 0;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      n = 1;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      return false;
    }
    if (n > 0 && i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace

std::string HumanTime(int64_t millis) {
  const std::tm tm = LocalTime(millis);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis % 1000);
}

std::string DateTime(int64_t millis) {
  const std::tm tm = LocalTime(millis);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

absl::StatusOr<int64_t> ParseTimestamp(std::string_view text, bool allow_now) {
  if (allow_now && text == "now") {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  const std::string s(text);
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (!s.empty() && end == s.c_str() + s.size()) return static_cast<int64_t>(v);
  std::tm tm{};
  int ms = 0;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d#%2d:%2d:%2d:%3d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &consumed) == 7 &&
      consumed == static_cast<int>(s.size())) {
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    if (t != static_cast<std::time_t>(-1)) return static_cast<int64_t>(t) * 1000 + ms;
  }
  return absl::InvalidArgumentError(fmt::format(
      "bad timestamp '{}': {}epoch milliseconds or yyyy-MM-dd#HH:mm:ss:SSS (local time)", text,
      allow_now ? "now, " : ""));
}

bool ParseBool(std::string_view text) {
  if (text.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != "true"[i]) return false;
  }
  return true;
}

std::string PermString(int32_t perm) {
  std::string s;
  s += (perm & 4) != 0 ? 'R' : '-';
  s += (perm & 2) != 0 ? 'W' : '-';
  s += (perm & 1) != 0 ? 'X' : '-';
  return s;
}

std::string TopicConfigString(const client::admin::TopicConfig& c) {
  return fmt::format(
      "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, "
      "topicFilterType={}, topicSysFlag={}, order={}]",
      c.topic_name, c.read_queue_nums, c.write_queue_nums, PermString(c.perm), c.topic_filter_type,
      c.topic_sys_flag, c.order);
}

namespace {
std::string PropertiesString(const std::map<std::string, std::string>& props) {
  std::string out = "{";
  for (const auto& [k, v] : props) {
    if (out.size() > 1) out += ", ";
    out += k + "=" + v;
  }
  return out + "}";
}
}  // namespace

std::string MessageString(const client::MessageExt& m) {
  return fmt::format(
      "MessageExt [queueId={}, storeSize={}, queueOffset={}, sysFlag={}, bornTimestamp={}, "
      "bornHost=/{}, storeTimestamp={}, storeHost=/{}, msgId={}, commitLogOffset={}, "
      "reconsumeTimes={}, toString()=Message{{topic='{}', flag={}, properties={}, body=[{} "
      "bytes]}}]",
      m.queue_id, m.store_size, m.queue_offset, m.sys_flag, m.born_timestamp, m.born_host,
      m.store_timestamp, m.store_host, m.offset_msg_id, m.commit_log_offset, m.reconsume_times,
      m.topic, m.flag, PropertiesString(m.properties), m.body.size());
}

std::string MessageDetail(const client::MessageExt& m, const std::string& body_path,
                          bool offset_id_line) {
  std::string out;
  auto line = [&](std::string_view name, const std::string& value) {
    out += fmt::format("{:<20} {}\n", name, value);
  };
  if (offset_id_line) line("OffsetID:", m.offset_msg_id);
  line("Topic:", m.topic);
  line("Tags:", fmt::format("[{}]", m.tags().empty() ? "null" : m.tags()));
  line("Keys:", fmt::format("[{}]", m.keys().empty() ? "null" : m.keys()));
  line("Queue ID:", std::to_string(m.queue_id));
  line("Queue Offset:", std::to_string(m.queue_offset));
  line("CommitLog Offset:", std::to_string(m.commit_log_offset));
  line("Reconsume Times:", std::to_string(m.reconsume_times));
  line("Born Timestamp:", HumanTime(m.born_timestamp));
  line("Store Timestamp:", HumanTime(m.store_timestamp));
  line("Born Host:", m.born_host);
  line("Store Host:", m.store_host);
  line("System Flag:", std::to_string(m.sys_flag));
  line("Properties:", PropertiesString(m.properties));
  line("Message Body Path:", body_path);
  return out;
}

void WriteMessageJson(protocol::JsonWriter& w, const client::MessageExt& m, bool with_body) {
  w.BeginObject();
  w.Key("msgId");
  w.String(m.msg_id);
  w.Key("offsetMsgId");
  w.String(m.offset_msg_id);
  w.Key("topic");
  w.String(m.topic);
  w.Key("queueId");
  w.Int(m.queue_id);
  w.Key("queueOffset");
  w.Int(m.queue_offset);
  w.Key("commitLogOffset");
  w.Int(m.commit_log_offset);
  w.Key("storeSize");
  w.Int(m.store_size);
  w.Key("sysFlag");
  w.Int(m.sys_flag);
  w.Key("flag");
  w.Int(m.flag);
  w.Key("reconsumeTimes");
  w.Int(m.reconsume_times);
  w.Key("bornTimestamp");
  w.Int(m.born_timestamp);
  w.Key("storeTimestamp");
  w.Int(m.store_timestamp);
  w.Key("bornHost");
  w.String(m.born_host);
  w.Key("storeHost");
  w.String(m.store_host);
  w.Key("tags");
  w.String(m.tags());
  w.Key("keys");
  w.String(m.keys());
  w.Key("properties");
  w.BeginObject();
  for (const auto& [k, v] : m.properties) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  if (with_body) {
    const bool text = IsValidUtf8(m.body);
    w.Key("body");
    w.String(text ? m.body : tools::Base64Encode(m.body));
    w.Key("bodyEncoding");
    w.String(text ? "text" : "base64");
  }
  w.EndObject();
}

}  // namespace tern::tools::admin
