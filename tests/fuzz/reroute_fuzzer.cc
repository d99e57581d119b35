// Fuzzes the decoders of message re-routing (the first byte picks one; the rest is the input):
//  0: the typed headers of CONSUMER_SEND_MSG_BACK (36), END_TRANSACTION (37) and
//     CHECK_TRANSACTION_STATE (39) from a JSON header; what parses re-encodes and parses back
//     to the same value;
//  1: config/timerProgress.json; what decodes re-encodes to the same value;
//  2: the delay decision over a properties string: a level is within 1..18, a timer time
//     within the horizon, and never both;
//  3: op-record bodies and decimals: what parses prints back to the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/check.h"
#include "server/broker/delay_route.h"
#include "server/broker/reput.h"
#include "server/broker/timer_wheel.h"
#include "server/broker/transaction_service.h"
#include "server/remoting/headers/send_back.h"
#include "server/remoting/headers/transaction.h"
#include "server/remoting/json_header.h"

namespace {

template <typename Header>
void RoundTrip(const tern::remoting::RemotingCommand& cmd) {
  absl::StatusOr<Header> h = Header::Parse(cmd);
  if (!h.ok()) return;
  tern::remoting::RemotingCommand again = tern::remoting::RemotingCommand::Request(cmd.code, 0);
  h->WriteTo(again.MutableFields());
  absl::StatusOr<Header> back = Header::Parse(again);
  TERN_CHECK_MSG(back.ok() && *back == *h, "header does not survive WriteTo/Parse");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern;  // NOLINT(google-build-using-namespace)
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      absl::StatusOr<remoting::RemotingCommand> cmd = remoting::DecodeJsonHeader(in);
      if (!cmd.ok()) return 0;
      RoundTrip<remoting::ConsumerSendMsgBackRequestHeader>(*cmd);
      RoundTrip<remoting::EndTransactionRequestHeader>(*cmd);
      RoundTrip<remoting::CheckTransactionStateRequestHeader>(*cmd);
      break;
    }
    case 1: {
      absl::StatusOr<broker::TimerProgress> p = broker::TimerProgress::Decode(in);
      if (!p.ok()) return 0;
      absl::StatusOr<broker::TimerProgress> back = broker::TimerProgress::Decode(p->Encode());
      TERN_CHECK_MSG(back.ok() && *back == *p, "timer progress does not round-trip");
      break;
    }
    case 2: {
      constexpr int64_t kNow = 1700000000000;
      constexpr int64_t kHorizon = 3 * 24 * 3600 * 1000LL;
      absl::StatusOr<broker::DelayDecision> d = broker::ClassifyDelay(in, kNow, 18, kHorizon);
      if (!d.ok()) return 0;
      switch (d->kind) {
        case broker::DelayDecision::Kind::kNone:
          break;
        case broker::DelayDecision::Kind::kLevel:
          TERN_CHECK(d->level >= 1 && d->level <= 18);
          break;
        case broker::DelayDecision::Kind::kTimer:
          TERN_CHECK(d->deliver_ms > kNow && d->deliver_ms <= kNow + kHorizon);
          break;
      }
      const std::string props = broker::ScheduleProperties(in, "T", 1, 3);
      TERN_CHECK(props.size() >= 20);
      break;
    }
    case 3: {
      if (std::optional<int64_t> v = broker::ParseDecimal(in)) {
        TERN_CHECK_MSG(std::to_string(*v) == in || (in.size() > 1 && in[0] == '0') ||
                           (in.size() > 1 && in.substr(0, 2) == "-0"),
                       "a decimal does not print back");
      }
      if (std::optional<int64_t> q = broker::ParseOpBody(in)) TERN_CHECK(*q >= 0);
      break;
    }
  }
  return 0;
}
