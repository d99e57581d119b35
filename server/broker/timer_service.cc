#include "server/broker/timer_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "engine/metadata/config_file.h"
#include "engine/properties.h"
#include "server/broker/reput.h"
#include "server/broker/topic_config_manager.h"

namespace tern::broker {

namespace {
constexpr int64_t kMaxSleepMs = 1000;
constexpr size_t kDeliverBatch = 256;

std::shared_ptr<engine::ConsumeQueue> TimerQueue(engine::MessageStore* store) {
  return store->queues().Find(engine::QueueKeyView{kTimerTopic, 0});
}
}  // namespace

TimerService::TimerService(engine::MessageStore* store, engine::FileSystem* fs, Options options)
    : store_(store), fs_(fs), options_(std::move(options)) {}

TimerService::~TimerService() { Stop(); }

absl::Status TimerService::Load(const std::function<void(std::string_view)>& warn) {
  absl::StatusOr<std::optional<TimerProgress>> progress =
      engine::metadata::LoadConfigDocument<TimerProgress>(*fs_, options_.progress_path, warn);
  if (!progress.ok()) return progress.status();
  const TimerProgress p = progress->value_or(TimerProgress{});
  wheel_ = TimerWheel();
  ingest_offset_ = p.scan_offset;
  std::shared_ptr<engine::ConsumeQueue> cq = TimerQueue(store_);
  const int64_t end = cq ? cq->max_offset() : 0;
  Ingest(end, p.ingest_offset, p.delivered_up_to);
  if (!wheel_.empty()) {
    spdlog::info("timer service: {} timer messages pending (queue offsets {}..{})", wheel_.size(),
                 *wheel_.MinQueueOffset(), end);
  }
  return absl::OkStatus();
}

void TimerService::Start() {
  if (thread_.joinable()) return;
  stop_.store(false);
  thread_ = std::thread([this] { Run(); });
}

void TimerService::Stop() {
  if (!thread_.joinable()) return;
  {
    MutexLock lock(&mu_);
    stop_.store(true);
    cv_.SignalAll();
  }
  thread_.join();
  if (absl::Status s = Persist(); !s.ok()) {
    spdlog::error("timer service: persisting {} at shutdown failed: {}", options_.progress_path,
                  MessageOf(s));
  }
}

void TimerService::Kick() {
  MutexLock lock(&mu_);
  kicked_ = true;
  cv_.Signal();
}

absl::Status TimerService::Persist() {
  TimerProgress p;
  p.ingest_offset = ingest_offset_;
  p.scan_offset = wheel_.MinQueueOffset().value_or(ingest_offset_);
  const std::optional<int64_t> next = wheel_.NextDue();
  p.delivered_up_to = next ? *next - 1 : std::numeric_limits<int64_t>::max();
  if (absl::Status s = store_->commit_log().Flush(); !s.ok()) return s;
  return engine::metadata::SaveConfigDocument(*fs_, options_.progress_path, p);
}

void TimerService::Ingest(int64_t to, int64_t delivered_below, int64_t delivered_up_to) {
  std::shared_ptr<engine::ConsumeQueue> cq = TimerQueue(store_);
  if (!cq) return;
  int64_t offset = std::max(ingest_offset_, cq->min_offset());
  for (; offset < to; ++offset) {
    const std::optional<engine::CqUnit> unit = cq->Get(offset);
    if (!unit) break;
    if (unit->is_filler()) continue;
    std::optional<engine::FoundMessage> found =
        store_->reader().LookupMessage(PhysicalOffset(unit->physical_offset));
    if (!found || found->record.topic != kTimerTopic) {
      spdlog::warn("timer service: unit {} has no readable {} record (expired?); skipped", offset,
                   kTimerTopic);
      continue;
    }
    const std::optional<std::string_view> out =
        engine::FindProperty(found->record.properties, kTimerOutMsProperty);
    const int64_t due = out ? ParseDecimal(*out).value_or(0) : 0;
    if (offset < delivered_below && due <= delivered_up_to) continue;
    wheel_.Add({due, offset, unit->physical_offset});
  }
  ingest_offset_ = std::max(ingest_offset_, offset);
  pending_.store(wheel_.size());
}

void TimerService::Run() {
  SetThreadName("tern-timer");
  auto next_persist = MonoClock::now() + options_.persist_interval;
  bool dirty = false;
  while (!stop_.load()) {
    {
      MutexLock lock(&mu_);
      kicked_ = false;
    }
    std::shared_ptr<engine::ConsumeQueue> cq = TimerQueue(store_);
    if (cq && cq->max_offset() > ingest_offset_) {
      Ingest(cq->max_offset(), 0, 0);
      dirty = true;
    }
    int64_t retry_at = std::numeric_limits<int64_t>::max();
    for (;;) {
      const std::vector<TimerWheel::Entry> due = wheel_.PopDue(NowMillis(), kDeliverBatch);
      if (due.empty()) break;
      dirty = true;
      for (const TimerWheel::Entry& e : due) {
        if (Deliver(e) == Outcome::kRetryLater) {
          wheel_.Add(e);
          retry_at = NowMillis() + kMaxSleepMs;
        }
      }
      pending_.store(wheel_.size());
      if (retry_at != std::numeric_limits<int64_t>::max() || stop_.load()) break;
    }
    if (dirty && MonoClock::now() >= next_persist) {
      if (absl::Status s = Persist(); !s.ok()) {
        spdlog::error("timer service: persisting {} failed: {}", options_.progress_path,
                      MessageOf(s));
      } else {
        dirty = false;
      }
      next_persist = MonoClock::now() + options_.persist_interval;
    }
    const int64_t next_due = std::min({wheel_.NextDue().value_or(NowMillis() + kMaxSleepMs),
                                       retry_at, NowMillis() + kMaxSleepMs});
    const auto deadline = std::min(
        MonoClock::now() + std::chrono::milliseconds(std::max<int64_t>(0, next_due - NowMillis())),
        dirty ? next_persist : MonoClock::time_point::max());
    MutexLock lock(&mu_);
    while (!stop_.load() && !kicked_) {
      if (!cv_.WaitUntil(&mu_, deadline)) break;
    }
  }
}

TimerService::Outcome TimerService::Deliver(const TimerWheel::Entry& e) {
  std::optional<engine::FoundMessage> found =
      store_->reader().LookupMessage(PhysicalOffset(e.physical_offset));
  if (!found || found->record.topic != kTimerTopic) {
    spdlog::warn("timer service: timer message at {} is no longer readable (expired?); dropped",
                 e.physical_offset);
    return Outcome::kSkipped;
  }
  const engine::RecordView& r = found->record;
  const std::optional<std::string_view> topic =
      engine::FindProperty(r.properties, engine::property::kRealTopic);
  const std::optional<std::string_view> qid =
      engine::FindProperty(r.properties, engine::property::kRealQueueId);
  const std::optional<int64_t> queue = qid ? ParseDecimal(*qid) : std::nullopt;
  if (!topic || !queue || *queue < 0 || *queue > INT32_MAX || *topic == kTransHalfTopic) {
    spdlog::error("timer service: timer message at {} has no valid REAL_TOPIC/REAL_QID; dropped",
                  r.physical_offset);
    return Outcome::kSkipped;
  }
  const std::string props = EditProperties(
      r.properties, {}, {engine::property::kRealTopic, engine::property::kRealQueueId});
  engine::MessageToStore m = CopyRecord(r);
  m.topic = *topic;
  m.queue_id = static_cast<int32_t>(*queue);
  m.properties = props;
  absl::StatusOr<engine::PutOutcome> put = store_->PutMessage(m, nullptr);
  if (put.ok()) return Outcome::kDelivered;
  if (absl::IsInvalidArgument(put.status())) {
    spdlog::error("timer service: timer message at {} cannot be stored in {}: {}; dropped",
                  r.physical_offset, *topic, MessageOf(put.status()));
    return Outcome::kSkipped;
  }
  spdlog::warn("timer service: delivering the message at {} to {} failed: {}; retrying",
               r.physical_offset, *topic, MessageOf(put.status()));
  return Outcome::kRetryLater;
}

}  // namespace tern::broker
