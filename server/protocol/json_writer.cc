#include "server/protocol/json_writer.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

#include "engine/base/check.h"
#include "engine/metadata/fastjson.h"

namespace tern::protocol {

void JsonWriter::BeforeValue() {
  if (frames_.empty()) {
    TERN_CHECK_MSG(!root_written_, "JsonWriter: a second root value");
    root_written_ = true;
    return;
  }
  if (frames_.back() == Frame::kObject) {
    TERN_CHECK_MSG(key_written_, "JsonWriter: a value where an object key is due");
    key_written_ = false;
    return;
  }
  if (has_members_.back()) out_.push_back(',');
  has_members_.back() = true;
}

void JsonWriter::BeforeKey() {
  TERN_CHECK_MSG(!frames_.empty() && frames_.back() == Frame::kObject && !key_written_,
                 "JsonWriter: a key outside an object or twice in a row");
  if (has_members_.back()) out_.push_back(',');
  has_members_.back() = true;
  key_written_ = true;
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  frames_.push_back(Frame::kObject);
  has_members_.push_back(false);
}

void JsonWriter::EndObject() {
  TERN_CHECK_MSG(!frames_.empty() && frames_.back() == Frame::kObject && !key_written_,
                 "JsonWriter: EndObject without a matching BeginObject or after a bare key");
  frames_.pop_back();
  has_members_.pop_back();
  out_.push_back('}');
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  frames_.push_back(Frame::kArray);
  has_members_.push_back(false);
}

void JsonWriter::EndArray() {
  TERN_CHECK_MSG(!frames_.empty() && frames_.back() == Frame::kArray,
                 "JsonWriter: EndArray without a matching BeginArray");
  frames_.pop_back();
  has_members_.pop_back();
  out_.push_back(']');
}

void JsonWriter::Key(std::string_view name) {
  BeforeKey();
  engine::metadata::AppendFastjsonString(name, out_);
  out_.push_back(':');
}

void JsonWriter::IntKey(int64_t key) {
  BeforeKey();
  fmt::format_to(std::back_inserter(out_), "\"{}\":", key);
}

void JsonWriter::ObjectKey(std::string_view object_json) {
  TERN_CHECK(object_json.size() >= 2 && object_json.front() == '{' && object_json.back() == '}');
  BeforeKey();
  out_.append(object_json);
  out_.push_back(':');
}

void JsonWriter::Double(double value) {
  BeforeValue();
  if (!std::isfinite(value)) value = 0;  // JSON has no NaN/Infinity; fastjson writes null
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  out_ += text;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  engine::metadata::AppendFastjsonString(value, out_);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  fmt::format_to(std::back_inserter(out_), "{}", value);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

std::string JsonWriter::Finish() && {
  TERN_CHECK_MSG(frames_.empty() && root_written_, "JsonWriter: Finish with open containers");
  return std::move(out_);
}

}  // namespace tern::protocol
