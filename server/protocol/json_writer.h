// json_writer.h: JsonWriter, the compact JSON writer for remoting bodies.
//
// Java writes bodies with fastjson's defaults (protocol.md 2.8): no whitespace at all, bean
// fields in the order the caller writes them (callers write them alphabetically, as fastjson
// does), null fields omitted by the caller. Unlike fastjson, every object key is written as a
// quoted JSON string, integer map keys included ({"0":"addr"}), so the output is standard JSON
// that every client parses (protocol.md 3.1, pitfall 8). Strings are escaped as fastjson does
// (engine/metadata/fastjson.h AppendFastjsonString), which is also valid JSON.
//
// Misuse (a value where a key is due, Finish with open containers, ...) is a bug: TERN_CHECK.
// A JsonWriter belongs to one thread.
//
//   JsonWriter w;
//   w.BeginObject();
//   w.Key("topicList");
//   w.BeginArray();
//   w.String("T");
//   w.EndArray();
//   w.EndObject();
//   std::move(w).Finish() == R"({"topicList":["T"]})"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern::protocol {

class JsonWriter {
 public:
  JsonWriter() = default;
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // An object key; integer map keys go through IntKey, which quotes them too.
  void Key(std::string_view name);
  void IntKey(int64_t key);
  // fastjson's key for a map keyed by a bean (Map<MessageQueue, ...> in ConsumerRunningInfo,
  // ResetOffsetBody, ConsumeStats): the bean's JSON object text used as the key, unquoted,
  // exactly as Java writes it ({{"brokerName":"b","queueId":0,"topic":"T"}:5}). Java clients
  // require this form; it is not standard JSON. `object_json` must be a complete object.
  void ObjectKey(std::string_view object_json);

  void String(std::string_view value);
  void Int(int64_t value);
  void Bool(bool value);
  // A double as fastjson writes it (shortest round-trip form, always with a fraction: 0.0).
  void Double(double value);

  // The finished text: every container closed, exactly one root value.
  std::string Finish() &&;

 private:
  enum class Frame : uint8_t { kObject, kArray };
  void BeforeValue();
  void BeforeKey();

  std::string out_;
  std::vector<Frame> frames_;
  std::vector<bool> has_members_;  // per open container
  bool key_written_ = false;       // inside an object: a key waits for its value
  bool root_written_ = false;
};

}  // namespace tern::protocol
