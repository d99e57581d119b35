// Fuzzes the batch body decoder: any bytes decode or fail cleanly; decoded views lie inside
// the input; re-encoding gives back the input with the ignored magic and CRC fields zeroed.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engine/base/check.h"
#include "server/remoting/batch_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::remoting;  // NOLINT(google-build-using-namespace)
  absl::StatusOr<std::vector<BatchRecord>> records = DecodeBatchBody(tern::ByteSpan(data, size));
  if (!records.ok()) return 0;
  TERN_CHECK(!records->empty());
  std::string expected(reinterpret_cast<const char*>(data), size);
  size_t pos = 0;
  for (const BatchRecord& r : *records) {
    TERN_CHECK(r.body.data() >= data && r.body.data() + r.body.size() <= data + size);
    const auto* props = reinterpret_cast<const uint8_t*>(r.properties.data());
    TERN_CHECK(props >= data && props + r.properties.size() <= data + size);
    std::memset(expected.data() + pos + 4, 0, 8);  // magic and body CRC
    pos += kBatchRecordOverhead + r.body.size() + r.properties.size();
  }
  TERN_CHECK(pos == size);
  absl::StatusOr<std::string> encoded = EncodeBatchBody(*records);
  TERN_CHECK(encoded.ok());
  TERN_CHECK_MSG(*encoded == expected, "batch body did not re-encode to its input");
  return 0;
}
