// Fuzzes the JSON header decoder: any bytes decode or fail cleanly; a decoded command
// re-encodes to valid JSON that decodes to the same command (and survives the binary codec).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/check.h"
#include "engine/metadata/fastjson.h"
#include "server/remoting/json_header.h"
#include "tests/fuzz/remoting_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::remoting;  // NOLINT(google-build-using-namespace)
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<RemotingCommand> cmd = DecodeJsonHeader(in);
  if (!cmd.ok()) return 0;
  TERN_CHECK(cmd->serialize_type == SerializeType::kJson);
  const std::string text = EncodeJsonHeader(*cmd);
  rapidjson::Document doc;
  TERN_CHECK_MSG(tern::engine::metadata::ParseStrictJson(text, doc).ok() && doc.IsObject(),
                 "encoded header is not a JSON object");
  absl::StatusOr<RemotingCommand> back = DecodeJsonHeader(text);
  TERN_CHECK(back.ok());
  TERN_CHECK_MSG(tern::remoting::fuzz::SameCommand(*cmd, *back), "JSON round trip differs");
  TERN_CHECK_MSG(EncodeJsonHeader(*back) == text, "JSON encoding is not stable");
  tern::remoting::fuzz::CheckRoundTrip(*cmd);
  return 0;
}
