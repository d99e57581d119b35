// Fuzzes the properties codec: parse never fails or reads out of bounds, and re-encoding what
// was parsed gives a string that parses to the same pairs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/base/check.h"
#include "engine/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::engine;  // NOLINT(google-build-using-namespace)
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const PropertyList parsed = ParseProperties(in);
  const std::string again = EncodeProperties(parsed);
  TERN_CHECK(ParseProperties(again) == parsed);
  ForEachKey(in, [](std::string_view k) { TERN_CHECK(!k.empty()); });
  return 0;
}
