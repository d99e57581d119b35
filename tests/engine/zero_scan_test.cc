#include "engine/zero_scan.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "engine/file_system.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

constexpr size_t kSize = 4 << 20;

// A preallocated store-like file with non-zero bytes at `marks`; the hole-skipping scans must
// agree with the plain ones from every start position tried.
void ExpectScansAgree(const std::vector<size_t>& marks) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<MappedRegion>> region =
      DefaultFileSystem()->CreateAndMap(dir.Sub("00000000000000000000"), kSize);
  ASSERT_TRUE(region.ok()) << region.status();
  uint8_t* p = (*region)->data();
  for (size_t m : marks) p[m] = 0x5a;
  const ByteSpan bytes(p, kSize);
  for (size_t from : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{65536},
                      size_t{1} << 20, kSize - 1, kSize}) {
    SCOPED_TRACE(from);
    EXPECT_EQ(FirstNonZeroInFile(bytes, (*region)->fd(), from), FirstNonZero(bytes, from));
    EXPECT_EQ(EndOfNonZeroInFile(bytes, (*region)->fd(), from), EndOfNonZero(bytes, from));
    EXPECT_EQ(FirstNonZeroInFile(bytes, -1, from), FirstNonZero(bytes, from));
    EXPECT_EQ(EndOfNonZeroInFile(bytes, -1, from), EndOfNonZero(bytes, from));
  }
}

TEST(ZeroScan, PlainScansFindTheEdges) {
  std::vector<uint8_t> b(1000, 0);
  const ByteSpan s(b.data(), b.size());
  EXPECT_EQ(FirstNonZero(s, 0), 1000u);
  EXPECT_EQ(EndOfNonZero(s, 10), 10u);
  b[3] = 1;
  b[777] = 1;
  EXPECT_EQ(FirstNonZero(s, 0), 3u);
  EXPECT_EQ(FirstNonZero(s, 4), 777u);
  EXPECT_EQ(EndOfNonZero(s, 0), 778u);
  EXPECT_EQ(EndOfNonZero(s, 778), 778u);
}

TEST(ZeroScan, AllZeroPreallocatedFile) { ExpectScansAgree({}); }

TEST(ZeroScan, DataAtTheFrontOnly) { ExpectScansAgree({0, 100, 5000}); }

TEST(ZeroScan, StrayBytesFarAfterTheEnd) {
  // Garbage far beyond the written front must still be found (a torn write or a bit flip in a
  // page the file system holds as data).
  ExpectScansAgree({10, (3 << 20) + 17, kSize - 1});
}

TEST(ZeroScan, WrittenThroughTheDescriptorNotTheMapping) {
  testing::TempDir dir;
  const std::string path = dir.Sub("f");
  absl::StatusOr<std::unique_ptr<MappedRegion>> region =
      DefaultFileSystem()->CreateAndMap(path, kSize);
  ASSERT_TRUE(region.ok()) << region.status();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const uint8_t x = 7;
  ASSERT_EQ(::pwrite(fd, &x, 1, (2 << 20) + 3), 1);
  ASSERT_EQ(::fdatasync(fd), 0);
  ::close(fd);
  const ByteSpan bytes((*region)->data(), kSize);
  EXPECT_EQ(FirstNonZeroInFile(bytes, (*region)->fd(), 0), (2u << 20) + 3);
  EXPECT_EQ(EndOfNonZeroInFile(bytes, (*region)->fd(), 0), (2u << 20) + 4);
}

}  // namespace
}  // namespace tern::engine
