// Fuzzes the frame splitter and the header codecs behind it: arbitrary bytes are fed to a
// FrameDecoder in chunks of pseudo-random sizes (seeded by the input's last 4 bytes); every
// frame it returns is header-decoded and round-tripped. The chunked decoder must agree with a
// one-shot SplitFrame walk over the whole stream: same frames, same final outcome.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/base/check.h"
#include "server/remoting/command_codec.h"
#include "server/remoting/frame.h"
#include "tests/fuzz/remoting_fuzz_util.h"

namespace {

using tern::AsBytes;
using tern::ByteSpan;
using namespace tern::remoting;  // NOLINT(google-build-using-namespace)

struct Walk {
  std::vector<std::string> frames;  // header word .. end of body, per frame
  bool failed = false;
};

std::string FrameBytes(const FrameView& f) {
  // The header and body are contiguous after the 8-byte prefix.
  const uint8_t* begin = f.header.data() - kFramePrefixSize;
  return std::string(reinterpret_cast<const char*>(begin), f.size);
}

Walk OneShot(ByteSpan stream, const FrameLimits& limits) {
  Walk w;
  size_t pos = 0;
  for (;;) {
    absl::StatusOr<SplitResult> r = SplitFrame(stream.subspan(pos), limits);
    if (!r.ok()) {
      w.failed = true;
      return w;
    }
    if (!r->complete()) return w;
    TERN_CHECK(r->frame.size >= kFramePrefixSize && r->frame.size <= stream.size() - pos);
    w.frames.push_back(FrameBytes(r->frame));
    pos += r->frame.size;
  }
}

void DecodeFrame(const FrameView& f) {
  absl::StatusOr<RemotingCommand> cmd = DecodeCommand(f);
  if (!cmd.ok()) return;
  TERN_CHECK(cmd->serialize_type == f.serialize_type);
  tern::remoting::fuzz::CheckRoundTrip(*cmd);
  // The whole frame re-encodes and splits back to the same body.
  absl::StatusOr<std::string> again = EncodeCommandWithBody(
      *cmd, std::string_view(reinterpret_cast<const char*>(f.body.data()), f.body.size()));
  if (!again.ok()) return;
  absl::StatusOr<SplitResult> split = SplitFrame(AsBytes(*again), FrameLimits{UINT32_MAX});
  TERN_CHECK(split.ok() && split->complete() && split->frame.size == again->size());
  TERN_CHECK(split->frame.body.size() == f.body.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const uint32_t seed = fdp.ConsumeIntegral<uint32_t>();
  const std::string stream = fdp.ConsumeRemainingBytesAsString();
  // A small limit too, so the oversize path is reachable with small inputs.
  const FrameLimits limits{seed % 2 == 0 ? kDefaultMaxFrameLength : 64 + seed % 4096};

  const Walk expected = OneShot(AsBytes(stream), limits);

  FrameDecoder decoder(limits);
  std::minstd_rand rng(seed);
  Walk got;
  size_t pos = 0;
  while (!got.failed) {
    for (;;) {
      absl::StatusOr<std::optional<FrameView>> f = decoder.Next();
      if (!f.ok()) {
        got.failed = true;
        break;
      }
      if (!f->has_value()) break;
      got.frames.push_back(FrameBytes(**f));
      DecodeFrame(**f);
    }
    if (got.failed || pos == stream.size()) break;
    const size_t n = std::min<size_t>(stream.size() - pos, rng() % 97 + 1);
    if (!decoder.Feed(AsBytes(std::string_view(stream).substr(pos, n))).ok()) got.failed = true;
    pos += n;
  }
  TERN_CHECK_MSG(got.frames == expected.frames, "chunked and one-shot splitting disagree");
  TERN_CHECK_MSG(got.failed == expected.failed, "chunked and one-shot outcomes disagree");
  return 0;
}
