#include "tools/bench_command.h"

#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "bench/load/consume_runner.h"
#include "bench/load/produce_runner.h"
#include "client/client_config.h"
#include "engine/base/strings.h"

namespace tern::tools {
namespace {

struct CommonFlags {
  std::string namesrv = "127.0.0.1:9876";
  std::string topic = "TernBench";
  double duration_s = 10;
  bool json = false;
  bool quiet = false;
};

void AddCommonFlags(CLI::App* cmd, CommonFlags& f) {
  cmd->add_option("-n,--namesrv", f.namesrv, "name servers, ip:port;ip:port")
      ->capture_default_str();
  cmd->add_option("-t,--topic", f.topic, "topic")->capture_default_str();
  cmd->add_option("--duration", f.duration_s, "seconds to run")->capture_default_str();
  cmd->add_flag("--json", f.json, "print the summary as one JSON object");
  cmd->add_flag("-q,--quiet", f.quiet, "no per-second progress lines");
}

struct ProduceFlags {
  CommonFlags common;
  size_t size = 128;
  int connections = 1;
  int inflight = 1;
  std::string mode = "sync";
  int batch = 64;
  double rate = 0;
  std::string tag = "TagA";
  uint64_t messages = 0;
  int queues = 8;
  std::string group = "tern_bench_producer";
};

struct ConsumeFlags {
  CommonFlags common;
  std::string group = "tern_bench_consumer";
  std::string mode = "push";
  uint64_t expect = 0;
  bool no_gaps = false;
  int threads = 4;
  int pull_batch = 32;
};

// The logs of the client library go to stderr, warnings and up: stdout is the summary's.
void QuietClientLogs() {
  auto logger = spdlog::stderr_color_mt("tern-bench");
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

// The `tern` main blocks SIGINT/SIGTERM in every thread; this thread takes them and asks the
// run to stop, so the summary of a run cut short still prints.
class InterruptWatcher {
 public:
  InterruptWatcher()
      : thread_([this] {
          sigset_t set;
          sigemptyset(&set);
          sigaddset(&set, SIGINT);
          sigaddset(&set, SIGTERM);
          const timespec step{0, 200 * 1000 * 1000};
          while (!done_.load()) {
            if (sigtimedwait(&set, nullptr, &step) > 0) {
              std::fprintf(stderr, "interrupted: stopping the run\n");
              interrupted_.store(true);
            }
          }
        }) {}
  ~InterruptWatcher() {
    done_.store(true);
    thread_.join();
  }
  const std::atomic<bool>* flag() const { return &interrupted_; }

 private:
  std::atomic<bool> done_{false};
  std::atomic<bool> interrupted_{false};
  std::thread thread_;
};

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

int Report(const absl::StatusOr<load::Summary>& summary, bool json) {
  if (!summary.ok()) {
    std::fprintf(stderr, "tern bench: %s\n", std::string(MessageOf(summary.status())).c_str());
    return 2;
  }
  const std::string text = json ? load::FormatJson(*summary) + "\n" : load::FormatText(*summary);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return summary->passed ? 0 : 1;
}

int RunProduceCommand(const ProduceFlags& f) {
  absl::StatusOr<load::ProduceMode> mode = load::ParseProduceMode(f.mode);
  if (!mode.ok()) return Report(mode.status(), false);
  InterruptWatcher interrupt;
  load::ProduceOptions o;
  o.namesrv_addrs = client::ParseNamesrvList(f.common.namesrv);
  o.topic = f.common.topic;
  o.body_size = f.size;
  o.connections = f.connections;
  o.inflight = f.inflight;
  o.mode = *mode;
  o.batch = f.batch;
  o.duration = Millis(f.common.duration_s);
  o.max_messages = f.messages;
  o.rate = f.rate;
  o.tag = f.tag;
  o.queues = f.queues;
  o.group = f.group;
  o.progress = f.common.quiet ? nullptr : stderr;
  o.interrupt = interrupt.flag();
  return Report(load::RunProduce(o), f.common.json);
}

int RunConsumeCommand(const ConsumeFlags& f) {
  absl::StatusOr<load::ConsumeMode> mode = load::ParseConsumeMode(f.mode);
  if (!mode.ok()) return Report(mode.status(), false);
  InterruptWatcher interrupt;
  load::ConsumeOptions o;
  o.namesrv_addrs = client::ParseNamesrvList(f.common.namesrv);
  o.topic = f.common.topic;
  o.group = f.group;
  o.mode = *mode;
  o.duration = Millis(f.common.duration_s);
  o.expect = f.expect;
  o.no_gaps = f.no_gaps;
  o.threads = f.threads;
  o.pull_batch = f.pull_batch;
  o.progress = f.common.quiet ? nullptr : stderr;
  o.interrupt = interrupt.flag();
  return Report(load::RunConsume(o), f.common.json);
}

}  // namespace

CLI::App* AddBenchCommand(CLI::App& app, int* exit_code) {
  CLI::App* bench = app.add_subcommand(
      "bench", "load generator: produce and consume workloads against a name server + broker");
  bench->require_subcommand(1);

  auto pf = std::make_shared<ProduceFlags>();
  CLI::App* produce = bench->add_subcommand(
      "produce", "send self-checking messages; report throughput, latency and errors");
  AddCommonFlags(produce, pf->common);
  produce->add_option("-s,--size", pf->size, "body bytes (>= 24)")->capture_default_str();
  produce
      ->add_option("-c,--connections", pf->connections,
                   "producers, each with its own client instance and TCP connection")
      ->capture_default_str();
  produce
      ->add_option("-w,--inflight", pf->inflight,
                   "per connection: async sends in flight; sync/oneway/batch: sending threads")
      ->capture_default_str();
  produce->add_option("--mode", pf->mode, "sync, async, oneway or batch")->capture_default_str();
  produce->add_option("--batch", pf->batch, "messages per batch (--mode batch)")
      ->capture_default_str();
  produce
      ->add_option("--rate", pf->rate,
                   "messages/s over all connections, open loop (latency from the intended "
                   "send time); 0: as fast as possible")
      ->capture_default_str();
  produce->add_option("--tag", pf->tag, "message tag")->capture_default_str();
  produce->add_option("--messages", pf->messages, "stop after this many messages (0: no limit)")
      ->capture_default_str();
  produce->add_option("--queues", pf->queues, "queues of the topic if it must be created")
      ->capture_default_str();
  produce->add_option("--group", pf->group, "producer group")->capture_default_str();
  produce->callback([=] {
    QuietClientLogs();
    *exit_code = RunProduceCommand(*pf);
  });

  auto cf = std::make_shared<ConsumeFlags>();
  CLI::App* consume = bench->add_subcommand(
      "consume", "consume and verify (count, redeliveries, duplicates, checksums, gaps)");
  AddCommonFlags(consume, cf->common);
  consume->add_option("-g,--group", cf->group, "consumer group")->capture_default_str();
  consume->add_option("--mode", cf->mode, "push (client PushConsumer) or pull (PULL_MESSAGE)")
      ->capture_default_str();
  consume
      ->add_option("--expect", cf->expect,
                   "stop once this many unique messages arrived; fail if not reached")
      ->capture_default_str();
  consume->add_flag("--no-gaps", cf->no_gaps,
                    "also fail on sequence gaps (messages missing below a producer's highest)");
  consume->add_option("--threads", cf->threads, "push: consume threads")->capture_default_str();
  consume->add_option("--pull-batch", cf->pull_batch, "messages asked per pull")
      ->capture_default_str();
  consume->callback([=] {
    QuietClientLogs();
    *exit_code = RunConsumeCommand(*cf);
  });
  return bench;
}

}  // namespace tern::tools
