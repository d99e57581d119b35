#include "server/protocol/reset_offset_body.h"

#include <fmt/format.h>

#include <charconv>

#include "server/protocol/json_writer.h"

namespace tern::protocol {

namespace {

// A cursor over fastjson text. Every method returns an error naming the byte offset.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  size_t pos() const { return pos_; }
  std::string_view text() const { return s_; }

  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(
        fmt::format("message-queue map parse error at byte {}: {}", pos_, what));
  }

  void SkipWs() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  // Skips whitespace and tells whether the next byte is `c` (not consumed).
  bool Peek(char c) {
    SkipWs();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  absl::Status Expect(char c) {
    if (Consume(c)) return absl::OkStatus();
    return Error(fmt::format("expected '{}'", c));
  }
  bool AtEnd() {
    SkipWs();
    return pos_ >= s_.size();
  }

  // A string literal ('"' or '\'' quoted) or a bare identifier (fastjson's unquoted keys).
  absl::Status Key(std::string* out) {
    SkipWs();
    if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) return String(out);
    const size_t begin = pos_;
    while (pos_ < s_.size() && IsBare(s_[pos_])) ++pos_;
    if (pos_ == begin) return Error("expected a key");
    out->assign(s_.substr(begin, pos_ - begin));
    return absl::OkStatus();
  }

  absl::Status String(std::string* out) {
    SkipWs();
    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
      return Error("expected a string");
    }
    const char quote = s_[pos_++];
    out->clear();
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == quote) return absl::OkStatus();
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      const char e = s_[pos_++];
      switch (e) {
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (absl::Status st = Hex4(&cp); !st.ok()) return st;
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            uint32_t lo = 0;
            if (absl::Status st = Hex4(&lo); !st.ok()) return st;
            if (lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              AppendUtf8(cp, out);
              cp = lo;
            }
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          out->push_back(e);
          break;  // \" \\ \/ \' and fastjson's lenient others
      }
    }
    return Error("unterminated string");
  }

  // A JSON integer, or a decimal string holding one (fastjson's leniency).
  absl::Status Int64(int64_t* out) {
    SkipWs();
    std::string quoted;
    std::string_view digits;
    const size_t at = pos_;
    if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
      if (absl::Status st = String(&quoted); !st.ok()) return st;
      digits = quoted;
    } else {
      const size_t begin = pos_;
      while (pos_ < s_.size() && (IsBare(s_[pos_]))) ++pos_;
      digits = s_.substr(begin, pos_ - begin);
    }
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    if (digits.size() > 1 && (digits.back() == 'L' || digits.back() == 'l')) {
      digits.remove_suffix(1);  // fastjson's WriteClassName long suffix
    }
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
      pos_ = at;
      return Error("expected an integer");
    }
    return absl::OkStatus();
  }

  // Skips one value of any kind; returns its text.
  absl::StatusOr<std::string_view> SkipValue(int depth) {
    if (depth > kMaxMessageQueueMapDepth) return Error("nesting too deep");
    SkipWs();
    const size_t begin = pos_;
    if (pos_ >= s_.size()) return Error("expected a value");
    const char c = s_[pos_];
    if (c == '"' || c == '\'') {
      std::string ignored;
      if (absl::Status st = String(&ignored); !st.ok()) return st;
    } else if (c == '{') {
      ++pos_;
      if (!Consume('}')) {
        do {
          // Keys may be objects themselves (bean-keyed maps nested in the value).
          if (Peek('{') || Peek('[')) {
            absl::StatusOr<std::string_view> k = SkipValue(depth + 1);
            if (!k.ok()) return k.status();
          } else {
            std::string ignored;
            if (absl::Status st = Key(&ignored); !st.ok()) return st;
          }
          if (absl::Status st = Expect(':'); !st.ok()) return st;
          absl::StatusOr<std::string_view> v = SkipValue(depth + 1);
          if (!v.ok()) return v.status();
        } while (Consume(','));
        if (absl::Status st = Expect('}'); !st.ok()) return st;
      }
    } else if (c == '[') {
      ++pos_;
      if (!Consume(']')) {
        do {
          absl::StatusOr<std::string_view> v = SkipValue(depth + 1);
          if (!v.ok()) return v.status();
        } while (Consume(','));
        if (absl::Status st = Expect(']'); !st.ok()) return st;
      }
    } else {
      while (pos_ < s_.size() && IsBare(s_[pos_])) ++pos_;
      if (pos_ == begin) return Error("expected a value");
    }
    return s_.substr(begin, pos_ - begin);
  }

  // A MessageQueue bean: {"brokerName":..,"queueId":..,"topic":..} in any order, unknown
  // members ignored. `offset` receives the ResetOffsetBodyForC member when non-null.
  absl::Status Queue(MessageQueueKey* mq, int64_t* offset, int depth) {
    if (depth > kMaxMessageQueueMapDepth) return Error("nesting too deep");
    if (absl::Status st = Expect('{'); !st.ok()) return st;
    bool has_topic = false;
    bool has_queue = false;
    bool has_offset = false;
    if (!Consume('}')) {
      do {
        std::string key;
        if (absl::Status st = Key(&key); !st.ok()) return st;
        if (absl::Status st = Expect(':'); !st.ok()) return st;
        if (key == "topic") {
          if (absl::Status st = String(&mq->topic); !st.ok()) return st;
          has_topic = true;
        } else if (key == "brokerName") {
          if (absl::Status st = String(&mq->broker_name); !st.ok()) return st;
        } else if (key == "queueId") {
          int64_t id = 0;
          if (absl::Status st = Int64(&id); !st.ok()) return st;
          if (id < INT32_MIN || id > INT32_MAX) return Error("queueId out of range");
          mq->queue_id = static_cast<int32_t>(id);
          has_queue = true;
        } else if (key == "offset" && offset != nullptr) {
          if (absl::Status st = Int64(offset); !st.ok()) return st;
          has_offset = true;
        } else {
          absl::StatusOr<std::string_view> v = SkipValue(depth + 1);
          if (!v.ok()) return v.status();
        }
      } while (Consume(','));
      if (absl::Status st = Expect('}'); !st.ok()) return st;
    }
    if (!has_topic || !has_queue) return Error("message queue without topic or queueId");
    if (offset != nullptr && !has_offset) return Error("queue entry without offset");
    return absl::OkStatus();
  }

 private:
  static bool IsBare(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '$' || c == '+' || c == '-' || c == '.';
  }
  absl::Status Hex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return Error("short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        return Error("bad \\u escape");
      }
    }
    *out = v;
    return absl::OkStatus();
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Positions `sc` on the value of top-level member `member`; false when it is absent.
absl::StatusOr<bool> FindTopMember(Scanner& sc, std::string_view member) {
  if (absl::Status st = sc.Expect('{'); !st.ok()) return st;
  if (sc.Consume('}')) return false;
  do {
    std::string key;
    if (absl::Status st = sc.Key(&key); !st.ok()) return st;
    if (absl::Status st = sc.Expect(':'); !st.ok()) return st;
    if (key == member) return true;
    absl::StatusOr<std::string_view> v = sc.SkipValue(1);
    if (!v.ok()) return v.status();
  } while (sc.Consume(','));
  if (absl::Status st = sc.Expect('}'); !st.ok()) return st;
  return false;
}

bool ConsumeNull(Scanner& sc) {
  sc.SkipWs();
  if (sc.text().substr(sc.pos(), 4) != "null") return false;
  absl::StatusOr<std::string_view> v = sc.SkipValue(1);
  return v.ok();
}

// Reads {bean:int,...} (or null) at the scanner's position into `out`.
absl::Status OffsetMap(Scanner& sc, std::map<MessageQueueKey, int64_t>* out, int depth) {
  if (ConsumeNull(sc)) return absl::OkStatus();
  if (absl::Status st = sc.Expect('{'); !st.ok()) return st;
  if (sc.Consume('}')) return absl::OkStatus();
  do {
    MessageQueueKey mq;
    if (absl::Status st = sc.Queue(&mq, nullptr, depth + 1); !st.ok()) return st;
    if (absl::Status st = sc.Expect(':'); !st.ok()) return st;
    int64_t offset = 0;
    if (absl::Status st = sc.Int64(&offset); !st.ok()) return st;
    (*out)[std::move(mq)] = offset;
  } while (sc.Consume(','));
  return sc.Expect('}');
}

}  // namespace

std::string MessageQueueKeyJson(const MessageQueueKey& mq) {
  JsonWriter w;
  w.BeginObject();
  w.Key("brokerName");
  w.String(mq.broker_name);
  w.Key("queueId");
  w.Int(mq.queue_id);
  w.Key("topic");
  w.String(mq.topic);
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::vector<MessageQueueMapEntry>> ParseMessageQueueMap(std::string_view text,
                                                                       std::string_view member) {
  Scanner sc(text);
  absl::StatusOr<bool> found = FindTopMember(sc, member);
  if (!found.ok()) return found.status();
  std::vector<MessageQueueMapEntry> out;
  if (!*found || ConsumeNull(sc)) return out;
  if (absl::Status st = sc.Expect('{'); !st.ok()) return st;
  if (sc.Consume('}')) return out;
  do {
    MessageQueueMapEntry e;
    if (absl::Status st = sc.Queue(&e.queue, nullptr, 2); !st.ok()) return st;
    if (absl::Status st = sc.Expect(':'); !st.ok()) return st;
    absl::StatusOr<std::string_view> v = sc.SkipValue(2);
    if (!v.ok()) return v.status();
    e.value_json.assign(*v);
    out.push_back(std::move(e));
  } while (sc.Consume(','));
  if (absl::Status st = sc.Expect('}'); !st.ok()) return st;
  return out;
}

namespace {

void WriteOffsetMap(JsonWriter& w, const std::map<MessageQueueKey, int64_t>& table) {
  w.BeginObject();
  for (const auto& [mq, offset] : table) {
    w.ObjectKey(MessageQueueKeyJson(mq));
    w.Int(offset);
  }
  w.EndObject();
}

}  // namespace

std::string ResetOffsetBody::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("offsetTable");
  WriteOffsetMap(w, offset_table);
  w.EndObject();
  return std::move(w).Finish();
}

std::string ResetOffsetBody::EncodeForC() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("offsetTable");
  w.BeginArray();
  for (const auto& [mq, offset] : offset_table) {
    w.BeginObject();
    w.Key("brokerName");
    w.String(mq.broker_name);
    w.Key("offset");
    w.Int(offset);
    w.Key("queueId");
    w.Int(mq.queue_id);
    w.Key("topic");
    w.String(mq.topic);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<ResetOffsetBody> ResetOffsetBody::Decode(std::string_view text) {
  ResetOffsetBody body;
  Scanner sc(text);
  absl::StatusOr<bool> found = FindTopMember(sc, "offsetTable");
  if (!found.ok()) return found.status();
  if (!*found || ConsumeNull(sc)) return body;
  if (sc.Consume('[')) {  // ResetOffsetBodyForC
    if (sc.Consume(']')) return body;
    do {
      MessageQueueKey mq;
      int64_t offset = 0;
      if (absl::Status st = sc.Queue(&mq, &offset, 2); !st.ok()) return st;
      body.offset_table[std::move(mq)] = offset;
    } while (sc.Consume(','));
    if (absl::Status st = sc.Expect(']'); !st.ok()) return st;
    return body;
  }
  if (absl::Status st = OffsetMap(sc, &body.offset_table, 1); !st.ok()) return st;
  return body;
}

std::string ConsumerStatusBody::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("consumerTable");
  w.BeginObject();
  for (const auto& [client_id, table] : consumer_table) {
    w.Key(client_id);
    WriteOffsetMap(w, table);
  }
  w.EndObject();
  w.Key("messageQueueTable");
  WriteOffsetMap(w, message_queue_table);
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<ConsumerStatusBody> ConsumerStatusBody::Decode(std::string_view text) {
  ConsumerStatusBody body;
  Scanner sc(text);
  if (absl::Status st = sc.Expect('{'); !st.ok()) return st;
  if (sc.Consume('}')) return body;
  do {
    std::string key;
    if (absl::Status st = sc.Key(&key); !st.ok()) return st;
    if (absl::Status st = sc.Expect(':'); !st.ok()) return st;
    if (key == "messageQueueTable") {
      if (absl::Status st = OffsetMap(sc, &body.message_queue_table, 1); !st.ok()) return st;
    } else if (key == "consumerTable") {
      if (ConsumeNull(sc)) continue;
      if (absl::Status st = sc.Expect('{'); !st.ok()) return st;
      if (!sc.Consume('}')) {
        do {
          std::string client_id;
          if (absl::Status st = sc.Key(&client_id); !st.ok()) return st;
          if (absl::Status st = sc.Expect(':'); !st.ok()) return st;
          if (absl::Status st = OffsetMap(sc, &body.consumer_table[client_id], 2); !st.ok()) {
            return st;
          }
        } while (sc.Consume(','));
        if (absl::Status st = sc.Expect('}'); !st.ok()) return st;
      }
    } else {
      absl::StatusOr<std::string_view> v = sc.SkipValue(1);
      if (!v.ok()) return v.status();
    }
  } while (sc.Consume(','));
  if (absl::Status st = sc.Expect('}'); !st.ok()) return st;
  return body;
}

}  // namespace tern::protocol
