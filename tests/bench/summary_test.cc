// Summary renderings: the text report and the JSON object scripts read.
#include "bench/load/summary.h"

#include <gtest/gtest.h>

namespace tern::load {
namespace {

Summary Example() {
  Summary s;
  s.command = "produce";
  s.mode = "sync";
  s.config = {{"topic", "T"}, {"size", "128"}};
  s.elapsed_s = 2.0;
  s.msgs = 1000;
  s.bytes = 128000;
  s.errors = 3;
  s.errors_by_key = {{"rocketmq:2", 2}, {"status:DEADLINE_EXCEEDED", 1}};
  LatencyHistogram h;  // 1..1000 µs: percentiles are bucket upper edges (2 and 4 µs wide here)
  for (uint64_t v = 1; v <= 1000; ++v) h.Record(v);
  s.latency = h.Snapshot();
  s.passed = false;
  s.verdict = "3 messages failed";
  return s;
}

TEST(Summary, JsonCarriesRatesPercentilesAndErrorsByCode) {
  const std::string j = FormatJson(Example());
  EXPECT_NE(j.find(R"("command":"produce","mode":"sync","config":{"topic":"T","size":"128"})"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("elapsed_ms":2000,"msgs":1000,"bytes":128000,"msgs_per_sec":500,)"
                   R"("bytes_per_sec":64000)"),
            std::string::npos)
      << j;
  EXPECT_NE(
      j.find(R"("errors":{"total":3,"by_code":{"rocketmq:2":2,"status:DEADLINE_EXCEEDED":1}})"),
      std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("latency_us":{"count":1000,"p50":501,"p90":903,"p99":991,"p999":999,)"
                   R"("max":1000,"mean":501})"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("passed":false,"verdict":"3 messages failed"})"), std::string::npos) << j;
  EXPECT_EQ(j.find("verify"), std::string::npos);
}

TEST(Summary, JsonHasTheVerifyReportForConsumeRuns) {
  Summary s;
  s.command = "consume";
  s.mode = "pull";
  VerifyReport v;
  v.received = 10;
  v.unique = 9;
  v.redelivered = 1;
  v.gaps = 2;
  s.verify = v;
  const std::string j = FormatJson(s);
  EXPECT_NE(j.find(R"("verify":{"received":10,"unique":9,"redelivered":1,"duplicate_payloads":0,)"
                   R"("checksum_failures":0,"foreign":0,"gaps":2,"producers":0})"),
            std::string::npos)
      << j;
  EXPECT_EQ(j.find("latency_us"), std::string::npos);
}

TEST(Summary, TextNamesTheNumbersAndTheVerdict) {
  const std::string t = FormatText(Example());
  EXPECT_NE(t.find("1000  (500 msg/s, 0.06 MB/s)"), std::string::npos) << t;
  EXPECT_NE(t.find("rocketmq:2"), std::string::npos) << t;
  EXPECT_NE(t.find("p99 991 us"), std::string::npos) << t;
  EXPECT_NE(t.find("FAIL: 3 messages failed"), std::string::npos) << t;
}

TEST(Summary, MicrosAreFormattedInTheirUnit) {
  EXPECT_EQ(FormatMicros(999), "999 us");
  EXPECT_EQ(FormatMicros(1500), "1.50 ms");
  EXPECT_EQ(FormatMicros(2500000), "2.50 s");
}

}  // namespace
}  // namespace tern::load
