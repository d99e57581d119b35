#include "server/remoting/header_fields.h"

#include <charconv>

#include <fmt/format.h>

namespace tern::remoting {
namespace {

template <typename T>
std::optional<T> ParseInteger(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // Java accepts a '+' sign
  if (text.empty()) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

absl::Status Missing(std::string_view name) {
  return absl::InvalidArgumentError(fmt::format("missing required header field '{}'", name));
}

template <typename T>
absl::StatusOr<T> ParseField(const std::string& value, std::string_view name,
                             std::string_view type) {
  std::optional<T> v = ParseInteger<T>(value);
  if (!v) {
    return absl::InvalidArgumentError(
        fmt::format("header field '{}' is not {}: '{}'", name, type, value));
  }
  return *v;
}

}  // namespace

std::optional<int32_t> ParseJavaInt(std::string_view text) { return ParseInteger<int32_t>(text); }
std::optional<int64_t> ParseJavaLong(std::string_view text) { return ParseInteger<int64_t>(text); }

bool ParseJavaBool(std::string_view text) {
  if (text.size() != 4) return false;
  const char t[] = "true";
  for (size_t i = 0; i < 4; ++i) {
    const char c = static_cast<char>(text[i] | 0x20);
    if (c != t[i]) return false;
  }
  return true;
}

absl::StatusOr<std::string> RequiredString(const RemotingCommand& cmd, std::string_view name) {
  const std::string* v = cmd.Field(name);
  if (v == nullptr) return Missing(name);
  return *v;
}

absl::StatusOr<int32_t> RequiredInt32(const RemotingCommand& cmd, std::string_view name) {
  const std::string* v = cmd.Field(name);
  if (v == nullptr) return Missing(name);
  return ParseField<int32_t>(*v, name, "an int");
}

absl::StatusOr<int64_t> RequiredInt64(const RemotingCommand& cmd, std::string_view name) {
  const std::string* v = cmd.Field(name);
  if (v == nullptr) return Missing(name);
  return ParseField<int64_t>(*v, name, "a long");
}

absl::StatusOr<bool> RequiredBool(const RemotingCommand& cmd, std::string_view name) {
  const std::string* v = cmd.Field(name);
  if (v == nullptr) return Missing(name);
  return ParseJavaBool(*v);
}

std::optional<std::string> OptionalString(const RemotingCommand& cmd, std::string_view name) {
  const std::string* v = cmd.Field(name);
  if (v == nullptr) return std::nullopt;
  return *v;
}

absl::StatusOr<int32_t> OptionalInt32(const RemotingCommand& cmd, std::string_view name,
                                      int32_t fallback) {
  const std::string* v = cmd.Field(name);
  if (v == nullptr || v->empty()) return fallback;
  return ParseField<int32_t>(*v, name, "an int");
}

absl::StatusOr<int64_t> OptionalInt64(const RemotingCommand& cmd, std::string_view name,
                                      int64_t fallback) {
  const std::string* v = cmd.Field(name);
  if (v == nullptr || v->empty()) return fallback;
  return ParseField<int64_t>(*v, name, "a long");
}

bool OptionalBool(const RemotingCommand& cmd, std::string_view name, bool fallback) {
  const std::string* v = cmd.Field(name);
  return v == nullptr ? fallback : ParseJavaBool(*v);
}

void PutString(ExtFields& fields, std::string_view name, std::string_view value) {
  fields.Set(name, std::string(value));
}

void PutInt(ExtFields& fields, std::string_view name, int64_t value) {
  fields.Set(name, std::to_string(value));
}

void PutBool(ExtFields& fields, std::string_view name, bool value) {
  fields.Set(name, value ? "true" : "false");
}

}  // namespace tern::remoting
