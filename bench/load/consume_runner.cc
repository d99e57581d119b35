#include "bench/load/consume_runner.h"

#include <fmt/format.h>

#include "bench/load/consume_sink.h"
#include "bench/load/consume_source.h"
#include "bench/load/progress.h"

namespace tern::load {

std::string_view ConsumeModeName(ConsumeMode mode) {
  return mode == ConsumeMode::kPush ? "push" : "pull";
}

absl::StatusOr<ConsumeMode> ParseConsumeMode(std::string_view name) {
  if (name == "push") return ConsumeMode::kPush;
  if (name == "pull") return ConsumeMode::kPull;
  return absl::InvalidArgumentError(fmt::format("unknown mode '{}' (push or pull)", name));
}

absl::StatusOr<Summary> RunConsume(const ConsumeOptions& o) {
  if (o.namesrv_addrs.empty()) return absl::InvalidArgumentError("no name server (-n)");
  if (o.group.empty()) return absl::InvalidArgumentError("no consumer group (-g)");
  if (o.threads < 1 || o.pull_batch < 1) {
    return absl::InvalidArgumentError("--threads and --pull-batch must be >= 1");
  }
  ConsumeSink sink(o.expect);
  const auto start = std::chrono::steady_clock::now();
  ProgressPrinter progress(&sink.stats(), o.progress,
                           [&sink] { return fmt::format("unique {}", sink.verifier().unique()); });
  absl::StatusOr<std::unique_ptr<ConsumeSource>> source =
      o.mode == ConsumeMode::kPush ? StartPushSource(o, &sink) : StartPullSource(o, &sink);
  if (!source.ok()) return source.status();
  const bool reached = sink.WaitDone(start + o.duration, o.interrupt);
  const auto finish = std::chrono::steady_clock::now();
  const StatsTotals totals = sink.stats().Totals();
  progress.Stop();
  (*source)->Stop();

  Summary s;
  s.command = "consume";
  s.mode = std::string(ConsumeModeName(o.mode));
  s.config = {
      {"namesrv", fmt::format("{}", fmt::join(o.namesrv_addrs, ";"))},
      {"topic", o.topic},
      {"group", o.group},
      {"duration_s", fmt::format("{:g}", o.duration.count() / 1e3)},
      {"expect", std::to_string(o.expect)},
  };
  if (o.mode == ConsumeMode::kPush) s.config.emplace_back("threads", std::to_string(o.threads));
  s.config.emplace_back("pull_batch", std::to_string(o.pull_batch));
  s.elapsed_s = std::chrono::duration<double>(finish - start).count();
  s.msgs = totals.msgs;
  s.bytes = totals.bytes;
  s.errors = sink.stats().errors();
  s.errors_by_key = sink.stats().ErrorsByKey();
  const VerifyReport v = sink.verifier().Report();
  s.verify = v;
  std::vector<std::string> why;
  if (v.checksum_failures > 0)
    why.push_back(fmt::format("{} checksum failures", v.checksum_failures));
  if (v.foreign > 0) why.push_back(fmt::format("{} bodies that are not bench payloads", v.foreign));
  if (o.expect > 0 && !reached && v.unique < o.expect) {
    why.push_back(fmt::format("{} unique messages of {} expected", v.unique, o.expect));
  }
  if (o.no_gaps && v.gaps > 0) why.push_back(fmt::format("{} sequence gaps", v.gaps));
  if (sink.corrupt() > 0) why.push_back(fmt::format("{} responses did not decode", sink.corrupt()));
  s.passed = why.empty();
  if (!why.empty()) s.verdict = fmt::format("{}", fmt::join(why, "; "));
  return s;
}

}  // namespace tern::load
