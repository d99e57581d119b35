#include "client/body_codec.h"

#include <fmt/format.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

namespace tern::client {

namespace {

absl::Status TooLarge() {
  return absl::DataLossError(
      fmt::format("compressed body inflates beyond {} bytes", kMaxInflatedSize));
}

absl::StatusOr<std::string> InflateZlib(ByteSpan in) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return absl::InternalError("zlib inflateInit failed");
  zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out(std::max<size_t>(in.size() * 4, 256), '\0');
  int rc = Z_OK;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + zs.total_out);
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR)) break;
    if (zs.avail_out != 0) break;  // input ended before the stream did
    if (out.size() >= kMaxInflatedSize) {
      inflateEnd(&zs);
      return TooLarge();
    }
    out.resize(std::min(out.size() * 2, kMaxInflatedSize));
  }
  const size_t produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return absl::DataLossError(fmt::format("zlib body does not inflate (zlib code {})", rc));
  }
  out.resize(produced);
  return out;
}

absl::StatusOr<std::string> InflateLz4(ByteSpan in) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
    return absl::InternalError("LZ4F_createDecompressionContext failed");
  }
  std::string out;
  std::string chunk(64 * 1024, '\0');
  size_t pos = 0;
  size_t hint = 1;
  while (pos < in.size() && hint != 0) {
    size_t dst = chunk.size();
    size_t src = in.size() - pos;
    hint = LZ4F_decompress(ctx, chunk.data(), &dst, in.data() + pos, &src, nullptr);
    if (LZ4F_isError(hint)) {
      const std::string why = LZ4F_getErrorName(hint);
      LZ4F_freeDecompressionContext(ctx);
      return absl::DataLossError(fmt::format("LZ4 body does not decompress: {}", why));
    }
    pos += src;
    out.append(chunk.data(), dst);
    if (out.size() > kMaxInflatedSize) {
      LZ4F_freeDecompressionContext(ctx);
      return TooLarge();
    }
    if (src == 0 && dst == 0) break;  // no progress
  }
  LZ4F_freeDecompressionContext(ctx);
  if (hint != 0) return absl::DataLossError("LZ4 body ends before its frame does");
  return out;
}

absl::StatusOr<std::string> InflateZstd(ByteSpan in) {
  ZSTD_DStream* ds = ZSTD_createDStream();
  if (ds == nullptr) return absl::InternalError("ZSTD_createDStream failed");
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  size_t last = 1;
  while (input.pos < input.size || last != 0) {
    ZSTD_outBuffer output{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(ds, &output, &input);
    if (ZSTD_isError(last)) {
      const std::string why = ZSTD_getErrorName(last);
      ZSTD_freeDStream(ds);
      return absl::DataLossError(fmt::format("ZSTD body does not decompress: {}", why));
    }
    out.append(chunk.data(), output.pos);
    if (out.size() > kMaxInflatedSize) {
      ZSTD_freeDStream(ds);
      return TooLarge();
    }
    if (input.pos == input.size && output.pos < output.size && last != 0) {
      ZSTD_freeDStream(ds);
      return absl::DataLossError("ZSTD body ends before its frame does");
    }
  }
  ZSTD_freeDStream(ds);
  return out;
}

}  // namespace

absl::StatusOr<std::string> Deflate(ByteSpan in, int level) {
  uLongf n = compressBound(static_cast<uLong>(in.size()));
  std::string out(n, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(in.data()),
                static_cast<uLong>(in.size()), level) != Z_OK) {
    return absl::InternalError("zlib compression failed");
  }
  out.resize(n);
  return out;
}

absl::StatusOr<std::string> Inflate(ByteSpan in, int32_t sys_flag) {
  switch ((sys_flag & kCompressionTypeMask) >> kCompressionTypeShift) {
    case static_cast<int>(Compression::kZlib):
    case static_cast<int>(Compression::kZlibTyped):
      return InflateZlib(in);
    case static_cast<int>(Compression::kLz4):
      return InflateLz4(in);
    case static_cast<int>(Compression::kZstd):
      return InflateZstd(in);
    default:
      return absl::DataLossError(
          fmt::format("unknown compression type {} in sysflag 0x{:x}",
                      (sys_flag & kCompressionTypeMask) >> kCompressionTypeShift, sys_flag));
  }
}

}  // namespace tern::client
