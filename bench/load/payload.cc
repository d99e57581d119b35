#include "bench/load/payload.h"

#include <xxhash.h>

#include <array>
#include <cstring>

namespace tern::load {
namespace {

constexpr size_t kPatternSize = 256;

// 256 printable bytes, then their first 255 again, so any 256-byte window starting in the
// first half is one memcpy.
constexpr std::array<uint8_t, 2 * kPatternSize> MakePattern() {
  std::array<uint8_t, 2 * kPatternSize> p{};
  uint32_t x = 0x9E3779B9u;
  for (size_t i = 0; i < kPatternSize; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = static_cast<uint8_t>('!' + x % 94);
  }
  for (size_t i = 0; i < kPatternSize; ++i) p[kPatternSize + i] = p[i];
  return p;
}
constexpr std::array<uint8_t, 2 * kPatternSize> kPattern = MakePattern();

uint64_t Seed(uint32_t producer_id, uint64_t sequence) {
  return (uint64_t{producer_id} * 0x9E3779B97F4A7C15ull) ^ sequence;
}

uint64_t Checksum(const uint8_t* body, size_t size, uint32_t producer_id, uint64_t sequence) {
  return XXH3_64bits_withSeed(body + kPayloadHeaderSize, size - kPayloadHeaderSize,
                              Seed(producer_id, sequence));
}

}  // namespace

void WritePayload(uint32_t producer_id, uint64_t sequence, MutableByteSpan out) {
  uint8_t* p = out.data();
  const size_t size = out.size();
  StoreBE32(p, kPayloadMagic);
  StoreBE32(p + 4, producer_id);
  StoreBE64(p + 8, sequence);
  size_t at = kPayloadHeaderSize;
  const size_t phase = sequence % kPatternSize;  // a 256-byte chunk ends where it began
  while (at < size) {
    const size_t n = std::min(size - at, kPatternSize);
    std::memcpy(p + at, kPattern.data() + phase, n);
    at += n;
  }
  StoreBE64(p + 16, Checksum(p, size, producer_id, sequence));
}

PayloadCheck CheckPayload(ByteSpan body, PayloadId* id) {
  if (body.size() < kPayloadHeaderSize || LoadBE32(body.data()) != kPayloadMagic) {
    return PayloadCheck::kForeign;
  }
  id->producer_id = LoadBE32(body.data() + 4);
  id->sequence = LoadBE64(body.data() + 8);
  const uint64_t stored = LoadBE64(body.data() + 16);
  return stored == Checksum(body.data(), body.size(), id->producer_id, id->sequence)
             ? PayloadCheck::kOk
             : PayloadCheck::kChecksumMismatch;
}

}  // namespace tern::load
