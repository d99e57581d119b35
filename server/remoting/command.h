// command.h: RemotingCommand, the value every RocketMQ remoting frame carries (protocol.md 1),
// and ExtFields, its flat "custom header" map.
//
// A command is a plain value: code, language, version, opaque, flag, optional remark,
// optional extFields, and the serialize type it arrived in (a response uses its request's
// type). The body is not part of it: decoders hand the body out as a separate byte span so
// large bodies are never copied, and encoders write header and body as separate buffers
// (a pull response's body is a list of views into the CommitLog mapping).
//
// ExtFields keeps insertion order and compares keys exactly (case-sensitive, as Java's field
// names). Values are always strings here: the JSON decoder converts numbers and booleans that
// some clients send into their canonical string form; encoders emit strings only.
// Not thread-safe; values are copied or moved between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::remoting {

enum class SerializeType : uint8_t { kJson = 0, kRocketMq = 1 };

// RocketMQ LanguageCode, in binary-code order (protocol.md 1.3).
enum class LanguageCode : uint8_t {
  kJava = 0,
  kCpp,
  kDotnet,
  kPython,
  kDelphi,
  kErlang,
  kRuby,
  kOther,
  kHttp,
  kGo,
  kPhp,
  kOms,
  kRust,
};
std::string_view LanguageName(LanguageCode code);
// Unknown names map to kOther.
LanguageCode LanguageFromName(std::string_view name);

inline constexpr int32_t kFlagResponse = 1;
inline constexpr int32_t kFlagOneway = 2;

class ExtFields {
 public:
  using Entry = std::pair<std::string, std::string>;

  // The value of `key`, or nullptr.
  const std::string* Find(std::string_view key) const;
  // Sets `key` (replacing an existing value).
  void Set(std::string_view key, std::string value);
  void Erase(std::string_view key);
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  void clear() { entries_.clear(); }
  bool operator==(const ExtFields&) const = default;

 private:
  std::vector<Entry> entries_;
};

struct RemotingCommand {
  int32_t code = 0;
  LanguageCode language = LanguageCode::kJava;
  int32_t version = 0;
  int32_t opaque = 0;
  int32_t flag = 0;
  std::optional<std::string> remark;
  // Absent and empty differ on the wire ({"extFields":{}} vs no key); clients accept both.
  std::optional<ExtFields> ext_fields;
  SerializeType serialize_type = SerializeType::kJson;

  bool is_response() const { return (flag & kFlagResponse) != 0; }
  bool is_oneway() const { return (flag & kFlagOneway) != 0; }

  // The ext field `key`, or nullptr.
  const std::string* Field(std::string_view key) const {
    return ext_fields ? ext_fields->Find(key) : nullptr;
  }
  ExtFields& MutableFields() {
    if (!ext_fields) ext_fields.emplace();
    return *ext_fields;
  }

  // A response to `request`: same opaque and serialize type, response flag set.
  static RemotingCommand ResponseTo(const RemotingCommand& request, int32_t code,
                                    std::optional<std::string> remark = std::nullopt);
  // A request the server originates (broker -> client); JSON, as every client understands it.
  static RemotingCommand Request(int32_t code, int32_t opaque);
};

}  // namespace tern::remoting
