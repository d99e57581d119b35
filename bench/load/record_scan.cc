#include "bench/load/record_scan.h"

#include <fmt/format.h>

#include "client/message.h"
#include "engine/commit_log_codec.h"

namespace tern::load {

absl::Status ScanPullBody(ByteSpan body, std::vector<Verifier::Item>* out,
                          std::deque<std::string>* inflated) {
  out->clear();
  inflated->clear();
  size_t pos = 0;
  while (pos < body.size()) {
    const engine::DecodeResult d =
        engine::DecodeRecord(body.subspan(pos), engine::CrcCheck::kVerify);
    if (d.status != engine::DecodeStatus::kRecord) {
      return absl::DataLossError(fmt::format("record at byte {} of a pull response is {}", pos,
                                             d.status == engine::DecodeStatus::kBlank
                                                 ? std::string_view("a BLANK filler")
                                                 : engine::CorruptionName(d.corruption)));
    }
    const engine::RecordView& r = d.record;
    if ((r.sys_flag & 0x1) != 0) {
      absl::StatusOr<std::vector<client::MessageExt>> m = client::DecodeMessages(r.raw);
      if (!m.ok()) return m.status();
      inflated->push_back(std::move(m->front().body));
      out->push_back({r.queue_offset, AsBytes(inflated->back())});
    } else {
      out->push_back({r.queue_offset, r.body});
    }
    pos += r.raw.size();
  }
  return absl::OkStatus();
}

}  // namespace tern::load
