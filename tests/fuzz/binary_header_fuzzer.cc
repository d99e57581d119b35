// Fuzzes the ROCKETMQ binary header decoder: any bytes decode or fail cleanly without reading
// past the input; a decoded command re-encodes to a header that decodes to the same command,
// and a canonical header (what our encoder writes) re-encodes byte for byte.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/check.h"
#include "server/remoting/binary_header.h"
#include "tests/fuzz/remoting_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::remoting;  // NOLINT(google-build-using-namespace)
  absl::StatusOr<RemotingCommand> cmd = DecodeBinaryHeader(tern::ByteSpan(data, size));
  if (!cmd.ok()) return 0;
  TERN_CHECK(cmd->serialize_type == SerializeType::kRocketMq);
  absl::StatusOr<std::string> header = EncodeBinaryHeader(*cmd);
  TERN_CHECK_MSG(header.ok(), "a decoded binary header must re-encode");
  absl::StatusOr<RemotingCommand> back = DecodeBinaryHeader(tern::AsBytes(*header));
  TERN_CHECK(back.ok());
  TERN_CHECK_MSG(tern::remoting::fuzz::SameCommand(*cmd, *back), "binary round trip differs");
  absl::StatusOr<std::string> again = EncodeBinaryHeader(*back);
  TERN_CHECK_MSG(again.ok() && *again == *header, "binary encoding is not stable");
  tern::remoting::fuzz::CheckRoundTrip(*cmd);
  return 0;
}
