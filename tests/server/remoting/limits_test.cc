// Declared lengths are checked before anything is allocated for them: this binary replaces the
// global operator new to record the largest single allocation while a decoder runs, then
// feeds prefixes and headers that declare huge sizes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "server/remoting/batch_body.h"
#include "server/remoting/binary_header.h"
#include "server/remoting/frame.h"
#include "server/remoting/json_header.h"

// The replacement operators below pair malloc with free; GCC's inliner mistakes that for a
// new/free mismatch.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<bool> g_tracking{false};
std::atomic<size_t> g_largest{0};
std::atomic<size_t> g_total{0};

void Record(size_t n) {
  if (!g_tracking.load(std::memory_order_relaxed)) return;
  g_total.fetch_add(n, std::memory_order_relaxed);
  size_t prev = g_largest.load(std::memory_order_relaxed);
  while (n > prev && !g_largest.compare_exchange_weak(prev, n)) {
  }
}
}  // namespace

void* operator new(size_t n) {
  Record(n);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace tern::remoting {
namespace {

// Tracks allocations for the scope's lifetime.
class AllocationProbe {
 public:
  AllocationProbe() {
    g_largest = 0;
    g_total = 0;
    g_tracking = true;
  }
  ~AllocationProbe() { g_tracking = false; }
  size_t largest() const { return g_largest.load(); }
  size_t total() const { return g_total.load(); }
};

// No allocation proportional to a declared size: everything stays far below 1 MiB.
constexpr size_t kSmall = 4096;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST(LimitsTest, ProbeSeesAllocations) {
  AllocationProbe probe;
  std::string* big = new std::string(1 << 20, 'x');
  EXPECT_GE(probe.largest(), size_t{1} << 20);
  delete big;
}

TEST(LimitsTest, SplitFrameAllocatesNothingForDeclaredLengths) {
  const std::string huge = Bytes({0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0});
  const std::string at_limit = Bytes({0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10});
  AllocationProbe probe;
  EXPECT_FALSE(SplitFrame(AsBytes(huge)).ok());
  absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(at_limit));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->complete());
  EXPECT_EQ(r->bytes_needed, 4u + 0x01000000u);
  EXPECT_LT(probe.largest(), kSmall);
}

TEST(LimitsTest, FrameDecoderRejectsHugeFramesWithoutAllocatingThem) {
  for (const std::string& prefix :
       {Bytes({0x7F, 0xFF, 0xFF, 0xFF}), Bytes({0xFF, 0xFF, 0xFF, 0xF0}),
        Bytes({0x01, 0x00, 0x00, 0x01}), Bytes({0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0D})}) {
    FrameDecoder decoder;
    AllocationProbe probe;
    EXPECT_FALSE(decoder.Feed(AsBytes(prefix)).ok());
    EXPECT_LT(probe.largest(), kSmall);
  }
}

TEST(LimitsTest, FrameDecoderDoesNotReserveTheDeclaredLength) {
  // A valid 16 MiB declaration with only its prefix sent: memory follows the received bytes.
  FrameDecoder decoder;
  AllocationProbe probe;
  ASSERT_TRUE(decoder.Feed(AsBytes(Bytes({0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10}))).ok());
  absl::StatusOr<std::optional<FrameView>> f = decoder.Next();
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_value());
  EXPECT_EQ(decoder.bytes_needed(), 4u + 0x01000000u);
  EXPECT_LT(probe.total(), kSmall);
}

TEST(LimitsTest, BinaryHeaderLengthsCheckedBeforeAllocating) {
  // Fixed part, then a remark or extFields length of ~2 GiB with nothing behind it.
  const std::string fixed = Bytes({0, 105, 0, 1, 0x99, 0, 0, 0, 1, 0, 0, 0, 0});
  const std::string huge_remark = fixed + Bytes({0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0});
  const std::string huge_ext = fixed + Bytes({0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF});
  const std::string huge_value = fixed + Bytes({0, 0, 0, 0, 0, 0, 0, 11, 0, 1, 'k', 0x7F, 0xFF,
                                                0xFF, 0xFF, 'v', 'v', 'v', 'v'});
  AllocationProbe probe;
  EXPECT_FALSE(DecodeBinaryHeader(AsBytes(huge_remark)).ok());
  EXPECT_FALSE(DecodeBinaryHeader(AsBytes(huge_ext)).ok());
  EXPECT_FALSE(DecodeBinaryHeader(AsBytes(huge_value)).ok());
  EXPECT_LT(probe.largest(), kSmall);
}

TEST(LimitsTest, BatchBodySizesCheckedBeforeAllocating) {
  std::string record = Bytes(
      {0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xF0, 0, 0});
  AllocationProbe probe;
  EXPECT_FALSE(DecodeBatchBody(AsBytes(record)).ok());
  EXPECT_LT(probe.largest(), kSmall);
}

}  // namespace
}  // namespace tern::remoting
