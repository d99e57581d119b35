#include "client/admin/bean_key_json.h"

#include <fmt/format.h>

#include <vector>

#include "engine/base/strings.h"
#include "engine/metadata/fastjson.h"

namespace tern::client::admin {

namespace md = engine::metadata;

namespace {

absl::Status ErrorAt(size_t pos, std::string_view what) {
  return absl::InvalidArgumentError(fmt::format("bean-keyed JSON error at byte {}: {}", pos, what));
}

// The index just past the string literal that starts at `pos` (its quote character).
absl::StatusOr<size_t> SkipString(std::string_view text, size_t pos) {
  const char quote = text[pos++];
  while (pos < text.size()) {
    const char c = text[pos++];
    if (c == '\\') {
      ++pos;
    } else if (c == quote) {
      return pos;
    }
  }
  return ErrorAt(text.size(), "unterminated string");
}

// The index just past the object or array that starts at `pos`.
absl::StatusOr<size_t> SkipComposite(std::string_view text, size_t pos, int depth) {
  const size_t start = pos;
  int open = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"' || c == '\'') {
      absl::StatusOr<size_t> end = SkipString(text, pos);
      if (!end.ok()) return end.status();
      pos = *end;
      continue;
    }
    if (c == '{' || c == '[') {
      if (++open + depth > kMaxBeanKeyDepth) return ErrorAt(pos, "nesting too deep");
    } else if (c == '}' || c == ']') {
      if (--open == 0) return pos + 1;
    }
    ++pos;
  }
  return ErrorAt(start, "unterminated object key");
}

}  // namespace

absl::StatusOr<std::string> QuoteBeanKeys(std::string_view text) {
  enum class Ctx : uint8_t { kKey, kValue, kArray };
  std::vector<Ctx> stack;
  std::string out;
  out.reserve(text.size() + 64);
  size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"' || c == '\'') {
      absl::StatusOr<size_t> end = SkipString(text, pos);
      if (!end.ok()) return end.status();
      out.append(text.substr(pos, *end - pos));
      pos = *end;
      continue;
    }
    if ((c == '{' || c == '[') && !stack.empty() && stack.back() == Ctx::kKey) {
      absl::StatusOr<size_t> end = SkipComposite(text, pos, static_cast<int>(stack.size()));
      if (!end.ok()) return end.status();
      md::AppendFastjsonString(text.substr(pos, *end - pos), out);
      pos = *end;
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        stack.push_back(c == '{' ? Ctx::kKey : Ctx::kArray);
        if (stack.size() > static_cast<size_t>(kMaxBeanKeyDepth)) {
          return ErrorAt(pos, "nesting too deep");
        }
        break;
      case '}':
      case ']':
        if (stack.empty()) return ErrorAt(pos, "unbalanced close");
        stack.pop_back();
        break;
      case ':':
        if (!stack.empty() && stack.back() == Ctx::kKey) stack.back() = Ctx::kValue;
        break;
      case ',':
        if (!stack.empty() && stack.back() == Ctx::kValue) stack.back() = Ctx::kKey;
        break;
      default:
        break;
    }
    out.push_back(c);
    ++pos;
  }
  return out;
}

absl::Status ParseBeanKeyedBody(std::string_view text, rapidjson::Document& doc) {
  absl::StatusOr<std::string> quoted = QuoteBeanKeys(text);
  if (!quoted.ok()) return quoted.status();
  if (absl::Status s = md::ParseFastjson(*quoted, doc); !s.ok()) return s;
  return md::ExpectObject(doc, "$");
}

absl::StatusOr<MessageQueue> ReadMessageQueueKey(std::string_view key, std::string_view path) {
  rapidjson::Document doc;
  if (absl::Status s = md::ParseFastjson(key, doc); !s.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: the key is not a MessageQueue object: {}", path, MessageOf(s)));
  }
  if (absl::Status s = md::ExpectObject(doc, path); !s.ok()) return s;
  MessageQueue mq;
  mq.queue_id = -1;
  if (absl::Status s = md::ReadMember(doc, "topic", path, mq.topic); !s.ok()) return s;
  if (absl::Status s = md::ReadMember(doc, "brokerName", path, mq.broker_name); !s.ok()) return s;
  if (absl::Status s = md::ReadMember(doc, "queueId", path, mq.queue_id); !s.ok()) return s;
  if (mq.topic.empty() || mq.queue_id < 0) {
    return absl::InvalidArgumentError(
        fmt::format("{}: a MessageQueue key needs a topic and a queueId >= 0", path));
  }
  return mq;
}

}  // namespace tern::client::admin
