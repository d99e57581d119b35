#include "engine/properties.h"

namespace tern::engine {

std::optional<std::string_view> FindProperty(std::string_view props, std::string_view name) {
  std::optional<std::string_view> found;
  ForEachProperty(props, [&](std::string_view n, std::string_view v) {
    if (n == name) found = v;
  });
  return found;
}

PropertyList ParseProperties(std::string_view props) {
  PropertyList out;
  ForEachProperty(props, [&](std::string_view n, std::string_view v) {
    out.emplace_back(std::string(n), std::string(v));
  });
  return out;
}

void AppendProperty(std::string* out, std::string_view name, std::string_view value) {
  out->append(name);
  out->push_back(kNameValueSeparator);
  out->append(value);
  out->push_back(kPropertySeparator);
}

std::string EncodeProperties(const PropertyList& props) {
  std::string out;
  size_t n = 0;
  for (const auto& [k, v] : props) n += k.size() + v.size() + 2;
  out.reserve(n);
  for (const auto& [k, v] : props) AppendProperty(&out, k, v);
  return out;
}

}  // namespace tern::engine
