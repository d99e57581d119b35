#include "bench/load/produce_runner.h"

#include <fmt/format.h>
#include <sys/prctl.h>

#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "bench/load/pacer.h"
#include "bench/load/payload.h"
#include "bench/load/progress.h"
#include "bench/load/stats.h"
#include "bench/load/topic_setup.h"
#include "client/producer.h"
#include "engine/base/check.h"
#include "engine/base/mutex.h"
#include "engine/base/thread_name.h"

namespace tern::load {

std::string_view ProduceModeName(ProduceMode mode) {
  switch (mode) {
    case ProduceMode::kSync:
      return "sync";
    case ProduceMode::kAsync:
      return "async";
    case ProduceMode::kOneway:
      return "oneway";
    case ProduceMode::kBatch:
      return "batch";
  }
  return "?";
}

absl::StatusOr<ProduceMode> ParseProduceMode(std::string_view name) {
  for (ProduceMode m :
       {ProduceMode::kSync, ProduceMode::kAsync, ProduceMode::kOneway, ProduceMode::kBatch}) {
    if (name == ProduceModeName(m)) return m;
  }
  return absl::InvalidArgumentError(
      fmt::format("unknown mode '{}' (sync, async, oneway or batch)", name));
}

namespace {

using Clock = std::chrono::steady_clock;

uint64_t MicrosSince(Clock::time_point start, Clock::time_point now) {
  return now > start
             ? static_cast<uint64_t>(
                   std::chrono::duration_cast<std::chrono::microseconds>(now - start).count())
             : 0;
}

// The messages one lane sends, rewritten in place for each send: once the strings have
// grown, filling them allocates nothing.
class LaneMessages {
 public:
  LaneMessages(const ProduceOptions& o, uint32_t producer_id, int count) : id_(producer_id) {
    msgs_.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      client::Message& m = msgs_.emplace_back(o.topic, o.tag, std::string(o.body_size, '\0'));
      m.keys.emplace_back().reserve(32);
    }
  }
  void Fill(size_t i, uint64_t sequence) {
    client::Message& m = msgs_[i];
    WritePayload(id_, sequence,
                 MutableByteSpan(reinterpret_cast<uint8_t*>(m.body.data()), m.body.size()));
    std::string& key = m.keys.front();
    key.clear();
    fmt::format_to(std::back_inserter(key), "{:08x}-{}", id_, sequence);
  }
  const client::Message& at(size_t i) const { return msgs_[i]; }
  const std::vector<client::Message>& all() const { return msgs_; }

 private:
  const uint32_t id_;
  std::vector<client::Message> msgs_;
};

// One connection's async window: sends in flight, bounded by `inflight`.
struct AsyncWindow {
  Mutex mu;
  CondVar cv;
  int inflight ABSL_GUARDED_BY(mu) = 0;
};

class ProduceRun {
 public:
  explicit ProduceRun(const ProduceOptions& o) : o_(o) {}
  ~ProduceRun() {
    for (auto& p : producers_) p->Shutdown();
  }

  absl::StatusOr<Summary> Run();

 private:
  absl::Status Setup();
  bool NextSlot(uint32_t n, Clock::time_point* start, uint32_t* count);
  void Finish(Lane* lane, Clock::time_point start, uint32_t count, const absl::Status& status);
  void SendLoop(client::Producer* producer, Lane* lane, uint32_t producer_id);
  void AsyncLoop(client::Producer* producer, Lane* lane, uint32_t producer_id, AsyncWindow* w);

  const ProduceOptions& o_;
  std::vector<std::unique_ptr<client::Producer>> producers_;
  std::vector<std::unique_ptr<AsyncWindow>> windows_;
  RunStats stats_;
  std::optional<RatePacer> pacer_;
  Clock::time_point end_;
  std::atomic<bool> stop_{false};
};

absl::Status ProduceRun::Setup() {
  if (o_.namesrv_addrs.empty()) return absl::InvalidArgumentError("no name server (-n)");
  if (o_.body_size < kPayloadHeaderSize) {
    return absl::InvalidArgumentError(
        fmt::format("--size must be at least {} (the payload header)", kPayloadHeaderSize));
  }
  if (o_.connections < 1 || o_.inflight < 1 || o_.batch < 1) {
    return absl::InvalidArgumentError("--connections, --inflight and --batch must be >= 1");
  }
  for (int i = 0; i < o_.connections; ++i) {
    client::ClientConfig config;
    config.namesrv_addrs = o_.namesrv_addrs;
    client::ProducerOptions po;
    po.group = o_.group;
    po.default_topic_queue_nums = o_.queues;
    auto p = std::make_unique<client::Producer>(std::move(config), std::move(po));
    if (absl::Status s = p->Start(); !s.ok()) return s;
    producers_.push_back(std::move(p));
  }
  if (absl::Status s = EnsureTopic(producers_.front()->instance(), o_.topic, o_.queues); !s.ok()) {
    return s;
  }
  for (auto& p : producers_) {
    // Caches the route and opens the connection (a heartbeat) before the clock starts.
    absl::StatusOr<std::shared_ptr<const client::TopicRoute>> r = p->instance().Route(o_.topic);
    if (!r.ok()) return r.status();
    p->instance().SendHeartbeatToAllBrokers();
  }
  return absl::OkStatus();
}

bool ProduceRun::NextSlot(uint32_t n, Clock::time_point* start, uint32_t* count) {
  if (stop_.load(std::memory_order_relaxed)) return false;
  const RatePacer::Claim c = pacer_->Next(n);
  uint32_t k = n;
  if (o_.max_messages > 0) {
    if (c.first_slot >= o_.max_messages) return false;
    k = static_cast<uint32_t>(std::min<uint64_t>(n, o_.max_messages - c.first_slot));
  }
  if (pacer_->paced()) {
    if (c.due >= end_ || !SleepUntil(c.due, stop_)) return false;
    *start = c.due;
  } else {
    *start = Clock::now();
  }
  // Slots still due when the time is up are not sent (a run behind schedule stops on time).
  if (Clock::now() >= end_) return false;
  *count = k;
  return true;
}

void ProduceRun::Finish(Lane* lane, Clock::time_point start, uint32_t count,
                        const absl::Status& status) {
  if (status.ok()) {
    lane->Done(count, count * o_.body_size);
    lane->latency.Record(MicrosSince(start, Clock::now()));
  } else {
    stats_.AddError(status, count);
  }
}

void ProduceRun::SendLoop(client::Producer* producer, Lane* lane, uint32_t producer_id) {
  SetThreadName("bench-send");
  if (pacer_->paced()) prctl(PR_SET_TIMERSLACK, 1000UL);  // 1 µs: wake up on schedule
  const uint32_t n = o_.mode == ProduceMode::kBatch ? static_cast<uint32_t>(o_.batch) : 1;
  LaneMessages msgs(o_, producer_id, static_cast<int>(n));
  uint64_t sequence = 0;
  Clock::time_point start;
  uint32_t count = 0;
  while (NextSlot(n, &start, &count)) {
    for (uint32_t i = 0; i < count; ++i) msgs.Fill(i, sequence++);
    absl::Status status;
    switch (o_.mode) {
      case ProduceMode::kSync:
        status = producer->Send(msgs.at(0)).status();
        break;
      case ProduceMode::kOneway:
        status = producer->SendOneway(msgs.at(0));
        break;
      case ProduceMode::kBatch:
        if (count == n) {
          status = producer->SendBatch(msgs.all()).status();
        } else {  // the last, partial batch of a --messages limit
          std::vector<client::Message> part(msgs.all().begin(), msgs.all().begin() + count);
          status = producer->SendBatch(part).status();
        }
        break;
      case ProduceMode::kAsync:
        TERN_CHECK(false);
    }
    Finish(lane, start, count, status);
  }
}

void ProduceRun::AsyncLoop(client::Producer* producer, Lane* lane, uint32_t producer_id,
                           AsyncWindow* w) {
  SetThreadName("bench-async");
  if (pacer_->paced()) prctl(PR_SET_TIMERSLACK, 1000UL);
  LaneMessages msgs(o_, producer_id, 1);
  uint64_t sequence = 0;
  Clock::time_point start;
  uint32_t count = 0;
  while (NextSlot(1, &start, &count)) {
    {
      MutexLock lock(&w->mu);
      while (w->inflight >= o_.inflight) w->cv.Wait(&w->mu);
      ++w->inflight;
    }
    msgs.Fill(0, sequence++);
    producer->SendAsync(msgs.at(0), [this, lane, w, start](absl::StatusOr<client::SendResult> r) {
      Finish(lane, start, 1, r.status());
      MutexLock lock(&w->mu);
      --w->inflight;
      w->cv.Signal();
    });
  }
  // Every callback runs exactly once (a response, the send timeout, or the shutdown).
  MutexLock lock(&w->mu);
  while (w->inflight > 0) w->cv.Wait(&w->mu);
}

absl::StatusOr<Summary> ProduceRun::Run() {
  if (absl::Status s = Setup(); !s.ok()) return s;
  std::random_device rd;
  const uint32_t id_base = rd();
  const Clock::time_point start = Clock::now();
  end_ = start + o_.duration;
  pacer_.emplace(o_.rate, start);
  ProgressPrinter progress(&stats_, o_.progress);

  std::vector<std::thread> threads;
  uint32_t lane_index = 0;
  for (auto& p : producers_) {
    if (o_.mode == ProduceMode::kAsync) {
      AsyncWindow* w = windows_.emplace_back(std::make_unique<AsyncWindow>()).get();
      threads.emplace_back(&ProduceRun::AsyncLoop, this, p.get(), stats_.AddLane(),
                           id_base + lane_index++, w);
    } else {
      for (int t = 0; t < o_.inflight; ++t) {
        threads.emplace_back(&ProduceRun::SendLoop, this, p.get(), stats_.AddLane(),
                             id_base + lane_index++);
      }
    }
  }
  // The interrupt flag belongs to the caller; forward it to the senders.
  std::thread watcher([this] {
    while (!stop_.load()) {
      if (o_.interrupt != nullptr && o_.interrupt->load()) stop_.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling a flag
    }
  });
  for (std::thread& t : threads) t.join();
  const Clock::time_point finish = Clock::now();
  stop_.store(true);
  watcher.join();
  progress.Stop();
  for (auto& p : producers_) p->Shutdown();

  Summary s;
  s.command = "produce";
  s.mode = std::string(ProduceModeName(o_.mode));
  s.config = {
      {"namesrv", fmt::format("{}", fmt::join(o_.namesrv_addrs, ";"))},
      {"topic", o_.topic},
      {"size", std::to_string(o_.body_size)},
      {"connections", std::to_string(o_.connections)},
      {"inflight", std::to_string(o_.inflight)},
      {"duration_s", fmt::format("{:g}", o_.duration.count() / 1e3)},
      {"rate", o_.rate > 0 ? fmt::format("{:g}", o_.rate) : "unpaced"},
      {"tag", o_.tag},
  };
  if (o_.mode == ProduceMode::kBatch) s.config.emplace_back("batch", std::to_string(o_.batch));
  if (o_.max_messages > 0) s.config.emplace_back("messages", std::to_string(o_.max_messages));
  const StatsTotals t = stats_.Totals();
  s.elapsed_s = std::chrono::duration<double>(finish - start).count();
  s.msgs = t.msgs;
  s.bytes = t.bytes;
  s.errors = t.errors;
  s.errors_by_key = stats_.ErrorsByKey();
  s.latency = t.latency;
  s.passed = s.errors == 0 && s.msgs > 0;
  if (s.msgs == 0) {
    s.verdict = "no message was sent successfully";
  } else if (s.errors > 0) {
    s.verdict = fmt::format("{} messages failed", s.errors);
  }
  return s;
}

}  // namespace

absl::StatusOr<Summary> RunProduce(const ProduceOptions& options) {
  ProduceRun run(options);
  return run.Run();
}

}  // namespace tern::load
