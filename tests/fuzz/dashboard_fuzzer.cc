// Fuzzes what the dashboard decodes from the network: trace bodies read from
// RMQ_SYS_TRACE_TOPIC (any producer may write there), the admin bodies it decodes itself
// (GET_BROKER_CONSUME_STATS, QUERY_CONSUME_TIME_SPAN, CONSUME_MESSAGE_DIRECTLY), and what a
// browser sends (JSON POST bodies, Cookie and Host headers), plus the dashboardUsers value.
// Any input decodes or fails with a Status; nothing crashes or reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/base/check.h"
#include "server/dashboard/admin_extra.h"
#include "server/dashboard/auth.h"
#include "server/dashboard/dashboard.h"
#include "server/dashboard/json_util.h"
#include "server/dashboard/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::dashboard;  // NOLINT(google-build-using-namespace)
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const DecodedTraces traces = DecodeTraceData(text);
  for (const TraceRecord& r : traces.records) TERN_CHECK(!r.type.empty());
  std::vector<TraceRecord> records = traces.records;
  const TraceView view = BuildTraceView(records, records.empty() ? "" : records[0].msg_id);
  (void)view;
  (void)BrokerConsumeStats::Decode(text);
  (void)DecodeConsumeTimeSpans(text);
  (void)ConsumeDirectlyResult::Decode(text);
  (void)ParseJsonParams(text);
  (void)ParseDashboardUsers(text);
  (void)CookieValue(text, kSessionCookie);
  (void)IsIpOrLocalhost(text);
  (void)IsValidUtf8(text);
  return 0;
}
