// summary.h: Summary, the result of one `tern bench` run, and its two renderings: a text
// report for people and one JSON object (--json) for scripts (scripts/compare.sh).
//
// JSON shape (numbers are integers; rates per second, latencies in microseconds):
//   {"command":"produce","mode":"sync","config":{"topic":"T",...},"elapsed_ms":10000,
//    "msgs":123,"bytes":456,"msgs_per_sec":12,"bytes_per_sec":45,
//    "errors":{"total":0,"by_code":{"rocketmq:2":0}},
//    "latency_us":{"count":123,"p50":..,"p90":..,"p99":..,"p999":..,"max":..,"mean":..},
//    "verify":{"received":..,"unique":..,"redelivered":..,"duplicate_payloads":..,
//              "checksum_failures":..,"foreign":..,"gaps":..,"producers":..},
//    "passed":true,"verdict":"ok"}
// "latency_us" appears when the run measured latency, "verify" for consume runs.
// Plain value type; the formatters are pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/load/histogram.h"
#include "bench/load/verifier.h"

namespace tern::load {

struct Summary {
  std::string command;  // "produce" or "consume"
  std::string mode;     // sync, async, oneway, batch; push, pull
  std::vector<std::pair<std::string, std::string>> config;  // the options, in order
  double elapsed_s = 0;
  uint64_t msgs = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  std::map<std::string, uint64_t> errors_by_key;
  std::optional<HistogramSnapshot> latency;
  std::optional<VerifyReport> verify;
  bool passed = true;
  std::string verdict = "ok";  // why it did not pass, otherwise "ok"

  double msgs_per_sec() const { return elapsed_s > 0 ? static_cast<double>(msgs) / elapsed_s : 0; }
  double bytes_per_sec() const {
    return elapsed_s > 0 ? static_cast<double>(bytes) / elapsed_s : 0;
  }
};

std::string FormatText(const Summary& s);
std::string FormatJson(const Summary& s);

// "1.23 ms", "456 us", "2.50 s".
std::string FormatMicros(uint64_t micros);

}  // namespace tern::load
