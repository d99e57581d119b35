#include "server/broker/reroute_services.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/base/strings.h"
#include "engine/file_system.h"
#include "server/broker/reput.h"
#include "server/broker/schedule_service.h"
#include "server/broker/send_back_processor.h"
#include "server/broker/timer_service.h"
#include "server/broker/transaction_check_service.h"
#include "server/broker/transaction_processor.h"
#include "server/broker/transaction_service.h"

namespace tern::broker {

RerouteServices::RerouteServices(BrokerContext* ctx) : ctx_(ctx) {}

RerouteServices::~RerouteServices() { Stop(); }

absl::Status RerouteServices::Load(engine::FileSystem* fs,
                                   const std::function<void(std::string_view)>& warn) {
  const BrokerConfig& cfg = *ctx_->config;
  absl::StatusOr<engine::DelayLevels> levels = engine::DelayLevels::Parse(cfg.message_delay_level);
  if (!levels.ok()) {
    return absl::InvalidArgumentError(fmt::format("broker config: messageDelayLevel={}: {}",
                                                  cfg.message_delay_level,
                                                  MessageOf(levels.status())));
  }
  levels_ = *std::move(levels);
  const std::string config_dir = engine::JoinPath(cfg.store_path_root_dir, "config");
  const std::chrono::milliseconds persist(cfg.flush_delay_offset_interval_ms);
  if (cfg.timer_max_delay_sec > int64_t{cfg.file_reserved_time_hours} * 3600) {
    warn(
        fmt::format("broker config: timerMaxDelaySec={} exceeds fileReservedTime={}h: a timer "
                    "message may expire from the CommitLog before it is due",
                    cfg.timer_max_delay_sec, cfg.file_reserved_time_hours));
  }

  schedule_ = std::make_unique<ScheduleService>(
      ctx_->store, fs,
      ScheduleService::Options{levels_, engine::JoinPath(config_dir, "delayOffset.json"), persist});
  if (absl::Status s = schedule_->Load(warn); !s.ok()) return s;
  timer_ = std::make_unique<TimerService>(
      ctx_->store, fs,
      TimerService::Options{engine::JoinPath(config_dir, "timerProgress.json"), persist});
  if (absl::Status s = timer_->Load(warn); !s.ok()) return s;
  transactions_ = std::make_unique<TransactionService>(ctx_);
  if (absl::Status s = transactions_->Load(); !s.ok()) return s;
  TransactionCheckService::Options tx;
  tx.check_interval = std::chrono::milliseconds(cfg.transaction_check_interval_ms);
  tx.timeout = std::chrono::milliseconds(cfg.transaction_timeout_ms);
  tx.max_checks = cfg.transaction_check_max;
  tx.retention_ms = int64_t{cfg.file_reserved_time_hours} * 3600 * 1000;
  checker_ = std::make_unique<TransactionCheckService>(ctx_, transactions_.get(), tx);
  send_back_ = std::make_unique<SendBackProcessor>(ctx_);
  end_transaction_ = std::make_unique<TransactionProcessor>(transactions_.get());
  schedule_kick_.store(schedule_.get());
  timer_kick_.store(timer_.get());
  return absl::OkStatus();
}

void RerouteServices::Register(remoting::HandlerTable& table) {
  send_back_->Register(table);
  end_transaction_->Register(table);
}

void RerouteServices::Start() {
  if (schedule_) schedule_->Start();
  if (timer_) timer_->Start();
  if (checker_) checker_->Start();
}

void RerouteServices::Stop() {
  if (checker_) checker_->Stop();
  if (timer_) timer_->Stop();
  if (schedule_) schedule_->Stop();
}

int64_t RerouteServices::transaction_check_rounds() const {
  return checker_ ? checker_->rounds() : 0;
}

void RerouteServices::OnDispatch(const engine::DispatchRecord& d) {
  if (d.topic == engine::kScheduleTopic) {
    if (ScheduleService* s = schedule_kick_.load()) s->Kick();
  } else if (d.topic == kTimerTopic) {
    if (TimerService* t = timer_kick_.load()) t->Kick();
  }
}

}  // namespace tern::broker
