#include "server/remoting/command.h"

#include <array>

#include "server/remoting/codes.h"

namespace tern::remoting {
namespace {
constexpr std::array<std::string_view, 13> kLanguageNames = {
    "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
    "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST"};
}  // namespace

std::string_view LanguageName(LanguageCode code) {
  const auto i = static_cast<size_t>(code);
  return i < kLanguageNames.size() ? kLanguageNames[i] : "OTHER";
}

LanguageCode LanguageFromName(std::string_view name) {
  for (size_t i = 0; i < kLanguageNames.size(); ++i) {
    if (kLanguageNames[i] == name) return static_cast<LanguageCode>(i);
  }
  return LanguageCode::kOther;
}

const std::string* ExtFields::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.first == key) return &e.second;
  }
  return nullptr;
}

void ExtFields::Set(std::string_view key, std::string value) {
  for (Entry& e : entries_) {
    if (e.first == key) {
      e.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::string(key), std::move(value));
}

void ExtFields::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return;
    }
  }
}

RemotingCommand RemotingCommand::ResponseTo(const RemotingCommand& request, int32_t code,
                                            std::optional<std::string> remark) {
  RemotingCommand r;
  r.code = code;
  r.language = LanguageCode::kJava;
  r.version = version::kCurrent;
  r.opaque = request.opaque;
  r.flag = kFlagResponse;
  r.remark = std::move(remark);
  r.serialize_type = request.serialize_type;
  return r;
}

RemotingCommand RemotingCommand::Request(int32_t code, int32_t opaque) {
  RemotingCommand r;
  r.code = code;
  r.language = LanguageCode::kJava;
  r.version = version::kCurrent;
  r.opaque = opaque;
  r.serialize_type = SerializeType::kJson;
  return r;
}

}  // namespace tern::remoting
