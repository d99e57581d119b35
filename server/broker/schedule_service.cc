#include "server/broker/schedule_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "engine/metadata/config_file.h"
#include "engine/metadata/delay_offset.h"
#include "engine/properties.h"
#include "server/broker/reput.h"
#include "server/broker/topic_config_manager.h"

namespace tern::broker {

namespace {
// Longest sleep between passes, and the pause before retrying a failed re-put.
constexpr int64_t kMaxSleepMs = 1000;
}  // namespace

ScheduleService::ScheduleService(engine::MessageStore* store, engine::FileSystem* fs,
                                 Options options)
    : store_(store), fs_(fs), options_(std::move(options)) {}

ScheduleService::~ScheduleService() { Stop(); }

absl::Status ScheduleService::Load(const std::function<void(std::string_view)>& warn) {
  absl::StatusOr<std::optional<engine::metadata::DelayOffsetFile>> file =
      engine::metadata::LoadConfigDocument<engine::metadata::DelayOffsetFile>(
          *fs_, options_.offset_path, warn);
  if (!file.ok()) return file.status();
  MutexLock lock(&mu_);
  offsets_.clear();
  if (file->has_value()) {
    for (const auto& [level, offset] : (*file)->offset_table) {
      if (level >= 1 && level <= options_.levels.max_level()) offsets_[level] = offset;
    }
  }
  return absl::OkStatus();
}

void ScheduleService::Start() {
  if (thread_.joinable()) return;
  stop_.store(false);
  thread_ = std::thread([this] { Run(); });
}

void ScheduleService::Stop() {
  if (!thread_.joinable()) return;
  {
    MutexLock lock(&mu_);
    stop_.store(true);
    cv_.SignalAll();
  }
  thread_.join();
  if (absl::Status s = Persist(); !s.ok()) {
    spdlog::error("schedule service: persisting {} at shutdown failed: {}", options_.offset_path,
                  MessageOf(s));
  }
}

void ScheduleService::Kick() {
  MutexLock lock(&mu_);
  kicked_ = true;
  cv_.Signal();
}

std::map<int32_t, int64_t> ScheduleService::Offsets() const {
  MutexLock lock(&mu_);
  return offsets_;
}

std::string ScheduleService::EncodeOffsets() const {
  engine::metadata::DelayOffsetFile f;
  f.offset_table = Offsets();
  return f.Encode();
}

absl::Status ScheduleService::Persist() {
  MutexLock persist(&persist_mu_);
  engine::metadata::DelayOffsetFile f;
  {
    MutexLock lock(&mu_);
    if (!dirty_) return absl::OkStatus();
    f.offset_table = offsets_;
    dirty_ = false;
  }
  // Every delivery the snapshot covers was appended before this flush: durable first.
  absl::Status s = store_->commit_log().Flush();
  if (s.ok()) s = engine::metadata::SaveConfigDocument(*fs_, options_.offset_path, f);
  if (!s.ok()) {
    MutexLock lock(&mu_);
    dirty_ = true;
  }
  return s;
}

void ScheduleService::Run() {
  SetThreadName("tern-schedule");
  auto next_persist = MonoClock::now() + options_.persist_interval;
  while (!stop_.load()) {
    {
      MutexLock lock(&mu_);
      kicked_ = false;
    }
    const int64_t next_due = DeliverDue();
    if (MonoClock::now() >= next_persist) {
      if (absl::Status s = Persist(); !s.ok()) {
        spdlog::error("schedule service: persisting {} failed: {}", options_.offset_path,
                      MessageOf(s));
      }
      next_persist = MonoClock::now() + options_.persist_interval;
    }
    const int64_t sleep_ms = std::clamp<int64_t>(next_due - NowMillis(), 0, kMaxSleepMs);
    const auto deadline =
        std::min(MonoClock::now() + std::chrono::milliseconds(sleep_ms), next_persist);
    MutexLock lock(&mu_);
    while (!stop_.load() && !kicked_) {
      if (!cv_.WaitUntil(&mu_, deadline)) break;
    }
  }
}

int64_t ScheduleService::DeliverDue() {
  int64_t next_due = NowMillis() + kMaxSleepMs;
  for (int32_t level = 1; level <= options_.levels.max_level() && !stop_.load(); ++level) {
    std::shared_ptr<engine::ConsumeQueue> cq =
        store_->queues().Find(engine::QueueKeyView{engine::kScheduleTopic, level - 1});
    if (!cq) continue;
    int64_t offset = 0;
    {
      MutexLock lock(&mu_);
      auto it = offsets_.find(level);
      if (it != offsets_.end()) offset = it->second;
    }
    const int64_t start = offset;
    offset = std::max(offset, cq->min_offset());
    const int64_t delay = options_.levels.DelayMillis(level);
    while (offset < cq->max_offset() && !stop_.load()) {
      const std::optional<engine::CqUnit> unit = cq->Get(offset);
      if (!unit) break;
      if (!unit->is_filler()) {
        const int64_t now = NowMillis();
        int64_t due = unit->tags_code;
        if (due > now + delay) due = now;  // the clock went back: deliver now (Java)
        if (due > now) {
          next_due = std::min(next_due, due);
          break;
        }
        const Outcome outcome = Deliver(*unit, level);
        if (outcome == Outcome::kRetryLater) {
          next_due = std::min(next_due, now + kMaxSleepMs);
          break;
        }
      }
      ++offset;
      MutexLock lock(&mu_);
      offsets_[level] = offset;
      dirty_ = true;
    }
    if (offset != start) {
      MutexLock lock(&mu_);
      offsets_[level] = offset;
      dirty_ = true;
    }
  }
  return next_due;
}

ScheduleService::Outcome ScheduleService::Deliver(const engine::CqUnit& unit, int32_t level) {
  std::optional<engine::FoundMessage> found =
      store_->reader().LookupMessage(PhysicalOffset(unit.physical_offset));
  if (!found || found->record.topic != engine::kScheduleTopic) {
    spdlog::warn(
        "schedule service: level {} unit at CommitLog offset {} has no readable {} "
        "record (expired?); skipped",
        level, unit.physical_offset, engine::kScheduleTopic);
    return Outcome::kSkipped;
  }
  const engine::RecordView& r = found->record;
  const std::optional<std::string_view> topic =
      engine::FindProperty(r.properties, engine::property::kRealTopic);
  const std::optional<std::string_view> qid =
      engine::FindProperty(r.properties, engine::property::kRealQueueId);
  const std::optional<int64_t> queue = qid ? ParseDecimal(*qid) : std::nullopt;
  if (!topic || !queue || *queue < 0 || *queue > INT32_MAX || *topic == kTransHalfTopic) {
    spdlog::error(
        "schedule service: delayed message at {} has no valid REAL_TOPIC/REAL_QID "
        "({}/{}); dropped",
        r.physical_offset, topic.value_or("<none>"), qid.value_or("<none>"));
    return Outcome::kSkipped;
  }
  const std::string props = EditProperties(r.properties, {}, {engine::property::kDelayLevel});
  engine::MessageToStore m = CopyRecord(r);
  m.topic = *topic;
  m.queue_id = static_cast<int32_t>(*queue);
  m.properties = props;
  absl::StatusOr<engine::PutOutcome> put = store_->PutMessage(m, nullptr);
  if (put.ok()) return Outcome::kDelivered;
  if (absl::IsInvalidArgument(put.status())) {
    spdlog::error("schedule service: delayed message at {} cannot be stored in {}: {}; dropped",
                  r.physical_offset, *topic, MessageOf(put.status()));
    return Outcome::kSkipped;
  }
  spdlog::warn("schedule service: delivering the message at {} to {} failed: {}; retrying",
               r.physical_offset, *topic, MessageOf(put.status()));
  return Outcome::kRetryLater;
}

}  // namespace tern::broker
