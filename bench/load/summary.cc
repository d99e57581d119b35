#include "bench/load/summary.h"

#include <fmt/format.h>

#include <cmath>

#include "server/protocol/json_writer.h"

namespace tern::load {

namespace {

struct Percentile {
  const char* name;
  double p;
};
constexpr Percentile kPercentiles[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p999", 99.9}};

int64_t Round(double v) { return static_cast<int64_t>(std::llround(v)); }

}  // namespace

std::string FormatMicros(uint64_t micros) {
  if (micros < 1000) return fmt::format("{} us", micros);
  if (micros < 1000000) return fmt::format("{:.2f} ms", static_cast<double>(micros) / 1e3);
  return fmt::format("{:.2f} s", static_cast<double>(micros) / 1e6);
}

std::string FormatText(const Summary& s) {
  std::string out = fmt::format("== tern bench {} ({}) ==\n", s.command, s.mode);
  for (const auto& [k, v] : s.config) out += fmt::format("  {:<12} {}\n", k, v);
  out += fmt::format("elapsed      {:.2f} s\n", s.elapsed_s);
  out += fmt::format("messages     {}  ({:.0f} msg/s, {:.2f} MB/s)\n", s.msgs, s.msgs_per_sec(),
                     s.bytes_per_sec() / 1e6);
  out += fmt::format("errors       {}\n", s.errors);
  for (const auto& [key, n] : s.errors_by_key) out += fmt::format("  {:<22} {}\n", key, n);
  if (s.latency && s.latency->count() > 0) {
    const HistogramSnapshot& h = *s.latency;
    out += "latency     ";
    for (const Percentile& p : kPercentiles) {
      out += fmt::format(" {} {}", p.name, FormatMicros(h.Percentile(p.p)));
    }
    out += fmt::format("  max {}  (mean {}, {} samples)\n", FormatMicros(h.max()),
                       FormatMicros(static_cast<uint64_t>(h.mean())), h.count());
  }
  if (s.verify) {
    const VerifyReport& v = *s.verify;
    out += fmt::format(
        "verify       received {}, unique {}, redelivered {}, duplicate payloads {}, checksum "
        "failures {}, foreign {}, missing (sequence gaps) {}, producers {}\n",
        v.received, v.unique, v.redelivered, v.duplicate_payloads, v.checksum_failures, v.foreign,
        v.gaps, v.producers);
  }
  out += fmt::format("result       {}\n", s.passed ? "PASS" : "FAIL: " + s.verdict);
  return out;
}

std::string FormatJson(const Summary& s) {
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("command");
  w.String(s.command);
  w.Key("mode");
  w.String(s.mode);
  w.Key("config");
  w.BeginObject();
  for (const auto& [k, v] : s.config) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  w.Key("elapsed_ms");
  w.Int(Round(s.elapsed_s * 1e3));
  w.Key("msgs");
  w.Int(static_cast<int64_t>(s.msgs));
  w.Key("bytes");
  w.Int(static_cast<int64_t>(s.bytes));
  w.Key("msgs_per_sec");
  w.Int(Round(s.msgs_per_sec()));
  w.Key("bytes_per_sec");
  w.Int(Round(s.bytes_per_sec()));
  w.Key("errors");
  w.BeginObject();
  w.Key("total");
  w.Int(static_cast<int64_t>(s.errors));
  w.Key("by_code");
  w.BeginObject();
  for (const auto& [key, n] : s.errors_by_key) {
    w.Key(key);
    w.Int(static_cast<int64_t>(n));
  }
  w.EndObject();
  w.EndObject();
  if (s.latency && s.latency->count() > 0) {
    const HistogramSnapshot& h = *s.latency;
    w.Key("latency_us");
    w.BeginObject();
    w.Key("count");
    w.Int(static_cast<int64_t>(h.count()));
    for (const Percentile& p : kPercentiles) {
      w.Key(p.name);
      w.Int(static_cast<int64_t>(h.Percentile(p.p)));
    }
    w.Key("max");
    w.Int(static_cast<int64_t>(h.max()));
    w.Key("mean");
    w.Int(Round(h.mean()));
    w.EndObject();
  }
  if (s.verify) {
    const VerifyReport& v = *s.verify;
    w.Key("verify");
    w.BeginObject();
    const std::pair<const char*, uint64_t> fields[] = {
        {"received", v.received},
        {"unique", v.unique},
        {"redelivered", v.redelivered},
        {"duplicate_payloads", v.duplicate_payloads},
        {"checksum_failures", v.checksum_failures},
        {"foreign", v.foreign},
        {"gaps", v.gaps},
        {"producers", v.producers},
    };
    for (const auto& [k, n] : fields) {
      w.Key(k);
      w.Int(static_cast<int64_t>(n));
    }
    w.EndObject();
  }
  w.Key("passed");
  w.Bool(s.passed);
  w.Key("verdict");
  w.String(s.verdict);
  w.EndObject();
  return std::move(w).Finish();
}

}  // namespace tern::load
