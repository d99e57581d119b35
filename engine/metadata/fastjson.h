// fastjson.h: the JSON dialect of the Java broker's metadata files (Alibaba
// fastjson 1.2, as used by RocketMQ 4.8 for config/*.json).
//
// Two things set the dialect apart from strict JSON:
//  - Keys of maps whose key type is a number (Map<Integer, Long>) are written
//    unquoted: "T@G":{0:32,1:8,2:0,3:-1\n\t\t}. Strict parsers reject this.
//  - The byte layout: tab indentation; "key":value with no space after the
//    colon; one member per line for string-keyed objects (beans and
//    Map<String, ...>); the compact {k:v,k:v\n<tabs>} form for integer-keyed
//    maps; "{}" for an empty object; no newline at the end of the file.
//
// This file owns the one codec for the dialect:
//  - ParseFastjson quotes bare keys (NormalizeFastjson), then parses with
//    RapidJSON's reader. Errors name a byte offset in the caller's text. Any
//    input is safe: nesting is capped at kMaxFastjsonDepth, which bounds the
//    recursive parser's stack.
//  - FastjsonWriter emits Java's layout and fastjson's string escaping.
//  - Field readers with fastjson's leniency, shared by the typed documents: a
//    missing member or null keeps the default, integers may arrive as strings
//    ("4"), booleans as "true" or 1, and a duplicated member resolves to the
//    last one (Java's map put).
//
// Thread safety: the free functions are thread-safe; a FastjsonWriter belongs
// to one thread. Lifetimes: parsed strings are copied into the Document, which
// does not refer to the input text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rapidjson/document.h"

namespace tern::engine::metadata {

// Deepest object/array nesting accepted. The broker's files nest 6 deep.
inline constexpr int kMaxFastjsonDepth = 64;

// Rewrites fastjson text into strict JSON: a bare object key (a run of
// [0-9A-Za-z_$+.-] where a key is due, e.g. 0, -1 or topicName) is quoted;
// every other byte, string literals included, is copied verbatim. Fails
// (InvalidArgument naming the byte offset in `text`) on a NUL byte outside a
// string literal or nesting deeper than kMaxFastjsonDepth; other syntax errors
// are left to the JSON parser.
absl::StatusOr<std::string> NormalizeFastjson(std::string_view text);

// Parses fastjson text into `doc`, replacing its content (null on failure).
// Errors are InvalidArgument "fastjson parse error at byte N: ..." with N an
// offset into `text`. Parse with this rather than rapidjson::Document::Parse:
// RapidJSON 1.1.0's Document parser has undefined behaviour that UBSan aborts
// on (see fastjson.cc).
absl::Status ParseFastjson(std::string_view text, rapidjson::Document& doc);

// The same for strict JSON: bare keys are an error, as in any JSON parser.
absl::Status ParseStrictJson(std::string_view text, rapidjson::Document& doc);

// Appends `value` as a fastjson string literal, quotes included, escaped as
// fastjson 1.2 does with default features: \" \\ \b \t \n \f \r; the other C0
// controls, DEL and U+0080..U+009F as \u00XX (upper-case hex); U+2028 and
// U+2029 as \u2028 and \u2029. Everything else, non-ASCII UTF-8 included, is
// written raw; invalid UTF-8 passes through unchanged.
void AppendFastjsonString(std::string_view value, std::string& out);

// Builds one document in Java's PrettyFormat layout. Misuse (a value where a
// key is due, Finish with open objects, ...) is a bug: a TERN_CHECK fails.
//
//   FastjsonWriter w;
//   w.BeginObject();
//   w.Key("offsetTable");
//   w.BeginObject();
//   w.IntKey(1);
//   w.Int(3);
//   w.EndObject();
//   w.EndObject();
//   std::move(w).Finish() == "{\n\t\"offsetTable\":{1:3\n\t}\n}"
class FastjsonWriter {
 public:
  FastjsonWriter() = default;
  FastjsonWriter(const FastjsonWriter&) = delete;
  FastjsonWriter& operator=(const FastjsonWriter&) = delete;

  void BeginObject();
  void EndObject();
  // A quoted key on a line of its own (bean fields, Map<String, ...>).
  void Key(std::string_view name);
  // A bare integer key right after the previous member (Map<Integer, ...>).
  void IntKey(int64_t key);

  void String(std::string_view value);
  void Int(int64_t value);
  void Bool(bool value);

  // The finished text: every object closed, exactly one root value.
  std::string Finish() &&;

 private:
  void BeforeValue();
  void BeforeKey();
  void NewLine(size_t depth);

  std::string out_;
  std::vector<int> members_;  // per open object: members written so far
  bool value_due_ = true;     // the next call must write a value
  bool root_written_ = false;
};

// ---- Readers shared by the typed documents ----
// `path` names the node being read in error messages ("$.topicConfigTable.T");
// member names are appended to it. Errors are InvalidArgument.

// The last member of `object` (which must be an object) named `name`, or null.
const rapidjson::Value* FindMember(const rapidjson::Value& object, std::string_view name);

// A string value or key as std::string (it may hold NUL bytes).
std::string StringOf(const rapidjson::Value& value);

// Fails unless `value` is an object.
absl::Status ExpectObject(const rapidjson::Value& value, std::string_view path);

// Member `name` of `object` if it is an object; nullptr if it is absent or
// null; an error if it is anything else.
absl::StatusOr<const rapidjson::Value*> FindObjectMember(const rapidjson::Value& object,
                                                         std::string_view name,
                                                         std::string_view path);

// Scalar conversions with fastjson's leniency:
//  - integers: a JSON integer, an integral floating-point number, or a decimal
//    string with an optional sign ("4", "-1", "+2");
//  - booleans: true/false, the strings "true"/"false" (any case) and "1"/"0",
//    or a number (true iff it is 1, as Java's castToBoolean);
//  - strings: a string, or an integer or boolean written as text.
absl::StatusOr<int64_t> ToInt64(const rapidjson::Value& value, std::string_view path);
absl::StatusOr<int32_t> ToInt32(const rapidjson::Value& value, std::string_view path);
absl::StatusOr<bool> ToBool(const rapidjson::Value& value, std::string_view path);
absl::StatusOr<std::string> ToString(const rapidjson::Value& value, std::string_view path);

// A key of a Map<Integer, ...>: a decimal 32-bit integer such as "0" or "-1".
absl::StatusOr<int32_t> Int32Key(std::string_view key, std::string_view path);

// Reads member `name` of `object` into `out`. `out` is left unchanged when the
// member is absent or null and, for numbers and booleans, also when it is ""
// or "null" (fastjson reads those as null).
absl::Status ReadMember(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, int64_t& out);
absl::Status ReadMember(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, int32_t& out);
absl::Status ReadMember(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, bool& out);
absl::Status ReadMember(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, std::string& out);

// "path.name", for error messages.
std::string MemberPath(std::string_view path, std::string_view name);

}  // namespace tern::engine::metadata
