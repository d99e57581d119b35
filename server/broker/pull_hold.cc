#include "server/broker/pull_hold.h"

#include "engine/base/thread_name.h"

namespace tern::broker {

PullHoldService::PullHoldService(Rerun rerun) : rerun_(std::move(rerun)) {}

PullHoldService::~PullHoldService() { Stop(); }

void PullHoldService::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PullHoldService::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    parked_.clear();
    count_.store(0);
    cv_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
}

void PullHoldService::Park(ParkedPull pull) {
  MutexLock lock(&mu_);
  if (stopping_) return;
  const MonoClock::time_point deadline = pull.deadline;
  parked_[engine::QueueKey(pull.header.topic, pull.header.queue_id)].push_back(std::move(pull));
  count_.fetch_add(1, std::memory_order_relaxed);
  if (deadline < next_deadline_) {
    next_deadline_ = deadline;
    cv_.Signal();
  }
}

void PullHoldService::OnArrival(std::string_view topic, int32_t queue_id, int64_t max_offset,
                                int64_t tags_code, std::string_view properties, bool any_tag) {
  if (count_.load(std::memory_order_relaxed) == 0) return;
  std::vector<ParkedPull> ready;
  {
    MutexLock lock(&mu_);
    auto it = parked_.find(engine::QueueKeyView{topic, queue_id});
    if (it == parked_.end()) return;
    std::vector<ParkedPull>& list = it->second;
    for (size_t i = 0; i < list.size();) {
      ParkedPull& p = list[i];
      const bool wake =
          p.header.queue_offset < max_offset &&
          (any_tag || p.filter == nullptr ||
           (p.filter->MatchByTagsCode(tags_code) && p.filter->MatchByProperties(properties)));
      if (wake || p.channel->closed()) {
        if (wake) ready.push_back(std::move(p));
        list[i] = std::move(list.back());
        list.pop_back();
        count_.fetch_sub(1, std::memory_order_relaxed);
      } else {
        ++i;
      }
    }
    if (list.empty()) parked_.erase(it);
  }
  for (ParkedPull& p : ready) rerun_(std::move(p));
}

void PullHoldService::Run() {
  SetThreadName("tern-pull-hold");
  MutexLock lock(&mu_);
  while (!stopping_) {
    if (next_deadline_ == MonoClock::time_point::max()) {
      cv_.Wait(&mu_);
      continue;
    }
    const MonoClock::time_point target = next_deadline_;
    if (MonoClock::now() < target) {
      cv_.WaitUntil(&mu_, target);
      continue;
    }
    // Expire what is due and find the next deadline.
    const auto now = MonoClock::now();
    std::vector<ParkedPull> due;
    next_deadline_ = MonoClock::time_point::max();
    for (auto it = parked_.begin(); it != parked_.end();) {
      std::vector<ParkedPull>& list = it->second;
      for (size_t i = 0; i < list.size();) {
        if (list[i].deadline <= now || list[i].channel->closed()) {
          if (!list[i].channel->closed()) due.push_back(std::move(list[i]));
          list[i] = std::move(list.back());
          list.pop_back();
          count_.fetch_sub(1, std::memory_order_relaxed);
        } else {
          next_deadline_ = std::min(next_deadline_, list[i].deadline);
          ++i;
        }
      }
      if (list.empty()) {
        parked_.erase(it++);
      } else {
        ++it;
      }
    }
    mu_.Unlock();
    for (ParkedPull& p : due) rerun_(std::move(p));
    mu_.Lock();
  }
}

}  // namespace tern::broker
