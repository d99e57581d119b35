// json_out.h: a minimal JSON writer for the tools' reports and JSON-lines output.
//
// Standard JSON, compact, keys in the order written. Strings are written as valid JSON even
// when the input is not valid UTF-8 (message properties and topics come from disk): control
// characters become \u00XX and bytes that are not part of a valid UTF-8 sequence become
// U+FFFD. Misuse (a value where a key is due, unbalanced containers) is a bug: TERN_CHECK.
// A JsonOut belongs to one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern::inspect {

class JsonOut {
 public:
  JsonOut() = default;
  JsonOut(const JsonOut&) = delete;
  JsonOut& operator=(const JsonOut&) = delete;

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view name);
  void String(std::string_view value);
  void Int(int64_t value);
  void Double(double value);
  void Bool(bool value);
  void Null();

  // Key + value shorthands.
  void Field(std::string_view name, std::string_view value) {
    Key(name);
    String(value);
  }
  void Field(std::string_view name, const char* value) { Field(name, std::string_view(value)); }
  void Field(std::string_view name, int64_t value) {
    Key(name);
    Int(value);
  }
  void Field(std::string_view name, int32_t value) { Field(name, static_cast<int64_t>(value)); }
  void Field(std::string_view name, bool value) {
    Key(name);
    Bool(value);
  }

  // The document so far; complete once every container is closed.
  const std::string& str() const { return out_; }
  std::string Take() &&;

 private:
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written yet
  bool key_pending_ = false;
};

// Appends `s` as a JSON string literal (quotes included) to `out`.
void AppendJsonString(std::string_view s, std::string& out);

// True if `s` is valid UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace tern::inspect
