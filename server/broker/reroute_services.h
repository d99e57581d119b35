// reroute_services.h: the broker's message re-routing — delay levels (schedule_service.h),
// arbitrary delivery times (timer_service.h), retry/DLQ (send_back_processor.h) and
// transactions (transaction_service.h, transaction_check_service.h, transaction_processor.h)
// — wired as one unit so the broker's composition root only creates, starts and stops it.
//
// Lifecycle: construct before the store opens (OnDispatch may be called from the store's
// dispatch thread from then on; it only wakes services that exist); Load() once the store and
// the metadata managers are open (reads progress files, rebuilds in-memory state; handlers may
// run from then on); Start() once the context's callbacks are set (starts the threads); Stop()
// before the consumer offsets are persisted and the store shuts down (stops the threads, flushes
// and writes progress). Destroy only after the store has shut down.
//
// Configuration (BrokerConfig): messageDelayLevel, flushDelayOffsetInterval, timerMaxDelaySec,
// transactionTimeOut, transactionCheckInterval, transactionCheckMax, rejectTransactionMessage.
//
// Thread safety: OnDispatch, the accessors and the handlers are thread-safe; Load, Start, Stop
// from the owner.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "engine/delay_levels.h"
#include "engine/dispatcher.h"
#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class ScheduleService;
class TimerService;
class TransactionService;
class TransactionCheckService;
class SendBackProcessor;
class TransactionProcessor;

class RerouteServices {
 public:
  explicit RerouteServices(BrokerContext* ctx);
  ~RerouteServices();
  RerouteServices(const RerouteServices&) = delete;
  RerouteServices& operator=(const RerouteServices&) = delete;

  absl::Status Load(engine::FileSystem* fs, const std::function<void(std::string_view)>& warn);
  // Registers CONSUMER_SEND_MSG_BACK (36) and END_TRANSACTION (37). After Load().
  void Register(remoting::HandlerTable& table);
  void Start();
  void Stop();

  // Every record the store dispatches (dispatch thread).
  void OnDispatch(const engine::DispatchRecord& d);

  const engine::DelayLevels& delay_levels() const { return levels_; }
  // After Load().
  ScheduleService& schedule() { return *schedule_; }
  TimerService& timer() { return *timer_; }
  TransactionService& transactions() { return *transactions_; }
  // Transaction check rounds completed since Start().
  int64_t transaction_check_rounds() const;

 private:
  BrokerContext* const ctx_;
  engine::DelayLevels levels_ = engine::DelayLevels::Default();
  std::unique_ptr<ScheduleService> schedule_;
  std::unique_ptr<TimerService> timer_;
  std::unique_ptr<TransactionService> transactions_;
  std::unique_ptr<TransactionCheckService> checker_;
  std::unique_ptr<SendBackProcessor> send_back_;
  std::unique_ptr<TransactionProcessor> end_transaction_;
  // Set once by Load(), read by the dispatch thread.
  std::atomic<ScheduleService*> schedule_kick_{nullptr};
  std::atomic<TimerService*> timer_kick_{nullptr};
};

}  // namespace tern::broker
