// Fuzzes the CommitLog record decoder and what reads its output: arbitrary bytes must decode
// to a record, a BLANK or corruption, never read outside the input, and a decoded record's
// views must lie inside it.
#include <cstddef>
#include <cstdint>

#include "engine/base/check.h"
#include "engine/commit_log_codec.h"
#include "engine/consume_queue_format.h"
#include "engine/properties.h"
#include "engine/recovery.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::engine;  // NOLINT(google-build-using-namespace)
  const tern::ByteSpan in(data, size);
  size_t pos = 0;
  while (pos < size) {
    const DecodeResult r = DecodeRecord(in.subspan(pos), CrcCheck::kVerify);
    if (r.status == DecodeStatus::kBlank) {
      TERN_CHECK(r.blank_size >= 8 && static_cast<size_t>(r.blank_size) <= size - pos);
      pos += static_cast<size_t>(r.blank_size);
      continue;
    }
    if (r.status != DecodeStatus::kRecord) break;
    const RecordView& v = r.record;
    TERN_CHECK(v.raw.data() == data + pos && v.raw.size() <= size - pos);
    TERN_CHECK(v.body.data() >= v.raw.data() && v.body.data() + v.body.size() <= data + size);
    (void)RecordLooksComplete(v);
    (void)FindProperty(v.properties, "TAGS");
    (void)TagsCodeOf(FindProperty(v.properties, "TAGS").value_or(""));
    pos += v.raw.size();
  }
  (void)FindNextValidRecord(in, 0, -1);
  (void)ParseOffsetMessageId(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
