// The pull side of LitePullConsumer (lite_pull_consumer.h): one long-polling pull in flight per
// assigned queue, the per-queue buffers, Poll(), and what moves or stops a queue's position
// (Seek(), Pause(), Resume()).
//
// Pull callbacks and retry timers run on the client's I/O threads: they only use the route
// cache and asynchronous Invoke, never a blocking call (with one I/O thread a blocking call
// there would wait for itself). Start offsets are resolved by the service thread instead.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "client/lite_pull_consumer.h"
#include "client/offset_api.h"
#include "client/pull_api.h"
#include "client/status_codes.h"
#include "engine/base/strings.h"

namespace tern::client {

namespace {

// The client waits this much longer than the broker holds a long poll.
constexpr std::chrono::milliseconds kPullTimeoutMargin{10000};

absl::Status NotRunning() {
  return absl::FailedPreconditionError("the lite pull consumer is not running: call Start() first");
}

}  // namespace

void LitePullConsumer::CollectPullLocked(const std::shared_ptr<QueueState>& qs,
                                         std::vector<PullTicket>* out) {
  if (state_ != State::kRunning || qs->dropped || qs->paused || qs->pulling ||
      qs->pull_offset < 0) {
    return;
  }
  // Flow control: Poll() restarts the queue once it has drained the buffers.
  if (qs->buffer.size() > options_.pull_threshold_for_queue ||
      qs->buffer_bytes > options_.pull_threshold_mib_for_queue * 1024 * 1024 ||
      buffered_ > options_.pull_threshold_for_all) {
    return;
  }
  auto sub = subscriptions_.find(qs->queue.topic);
  if (sub == subscriptions_.end()) return;  // unsubscribed; released at the next rebalance
  qs->pulling = true;
  out->push_back(PullTicket{qs, qs->epoch, qs->pull_offset, sub->second.pull});
}

void LitePullConsumer::CollectAllPullsLocked(std::vector<PullTicket>* out) {
  for (const auto& [q, qs] : queues_) CollectPullLocked(qs, out);
}

void LitePullConsumer::IssuePulls(std::vector<PullTicket> tickets) {
  if (tickets.empty()) return;
  CallScope scope(this);
  if (!scope.ok()) return;  // shutting down
  for (PullTicket& t : tickets) IssuePull(std::move(t));
}

void LitePullConsumer::IssuePull(PullTicket ticket) {
  // Route cache only: this may run on an I/O thread.
  const std::optional<std::string> addr = instance_->MasterAddr(ticket.queue->queue.broker_name);
  if (!addr) {
    spdlog::debug("lite pull {}: no address for broker {} yet", ticket.queue->queue.ToString(),
                  ticket.queue->queue.broker_name);
    RetryPullLater(std::move(ticket));
    return;
  }
  PullRequestSpec spec;
  spec.group = wire_group_;
  spec.queue = ticket.queue->queue;
  spec.offset = ticket.offset;
  spec.max_msgs = options_.pull_batch_size;
  spec.suspend = true;
  spec.suspend_millis = options_.suspend.count();
  spec.send_subscription = true;
  spec.lite = true;
  spec.subscription = ticket.subscription.get();
  remoting::RemotingCommand cmd = BuildPullRequest(spec);
  instance_->Invoke(*addr, std::move(cmd), "", options_.suspend + kPullTimeoutMargin,
                    [this, ticket](absl::StatusOr<net::Response> r) mutable {
                      OnPulled(std::move(ticket), std::move(r));
                    });
}

void LitePullConsumer::RetryPullLater(PullTicket ticket) {
  instance_->RunAfter(options_.pull_error_delay, [this, ticket = std::move(ticket)] {
    CallScope scope(this);
    if (!scope.ok()) return;
    std::vector<PullTicket> tickets;
    {
      MutexLock lock(&mu_);
      QueueState& qs = *ticket.queue;
      if (qs.dropped || qs.epoch != ticket.epoch) return;  // a Seek() or release took over
      qs.pulling = false;
      CollectPullLocked(ticket.queue, &tickets);  // paused meanwhile: no pull
    }
    IssuePulls(std::move(tickets));
  });
}

void LitePullConsumer::OnPulled(PullTicket ticket, absl::StatusOr<net::Response> response) {
  CallScope scope(this);
  if (!scope.ok()) return;
  absl::StatusOr<PullResult> result =
      response.ok()
          ? ParsePullResponse(*std::move(response), ticket.subscription.get(),
                              [this](const std::string& t) { return instance_->Unwrap(t); })
          : absl::StatusOr<PullResult>(response.status());
  std::vector<PullTicket> tickets;
  {
    MutexLock lock(&mu_);
    QueueState& qs = *ticket.queue;
    if (qs.dropped || qs.epoch != ticket.epoch || state_ != State::kRunning) return;
    if (!result.ok()) {
      // A broker refusal is worth a warning; network errors recover with the connection.
      const auto level =
          RocketMqCode(result.status()) >= 0 ? spdlog::level::warn : spdlog::level::debug;
      spdlog::log(level, "lite pull {} at {}: {}", qs.queue.ToString(), ticket.offset,
                  MessageOf(result.status()));
    } else {
      qs.pulling = false;
      switch (result->status) {
        case PullStatus::kFound:
          for (MessageExt& m : result->msgs) {
            qs.buffer_bytes += m.body.size();
            qs.buffer.push_back(std::move(m));
          }
          buffered_ += result->msgs.size();
          if (!result->msgs.empty() && !qs.paused) poll_cv_.SignalAll();
          break;
        case PullStatus::kNoNewMsg:
        case PullStatus::kNoMatchedMsg:
          break;
        case PullStatus::kOffsetIllegal:
          spdlog::warn("lite pull consumer {}: offset {} of {} is illegal; moving to {}",
                       options_.group, ticket.offset, qs.queue.ToString(),
                       result->next_begin_offset);
          break;
      }
      qs.pull_offset = result->next_begin_offset;
      CollectPullLocked(ticket.queue, &tickets);
    }
  }
  if (!result.ok()) {
    RetryPullLater(std::move(ticket));  // still `pulling`: the retry is this queue's pull
    return;
  }
  IssuePulls(std::move(tickets));
}

void LitePullConsumer::TakeReadyLocked(std::vector<MessageExt>* out) {
  if (queues_.empty() || buffered_ == 0) return;
  const size_t max = static_cast<size_t>(options_.pull_batch_size);
  auto it = poll_cursor_ ? queues_.upper_bound(*poll_cursor_) : queues_.begin();
  for (size_t i = 0; i < queues_.size() && out->size() < max; ++i, ++it) {
    if (it == queues_.end()) it = queues_.begin();
    QueueState& qs = *it->second;
    if (qs.paused || qs.buffer.empty()) continue;
    size_t taken = 0;
    while (!qs.buffer.empty() && out->size() < max) {
      MessageExt& m = qs.buffer.front();
      qs.buffer_bytes -= m.body.size();
      qs.consume_offset = m.queue_offset + 1;
      out->push_back(std::move(m));
      qs.buffer.pop_front();
      ++taken;
    }
    buffered_ -= taken;
    poll_cursor_ = it->first;
  }
}

absl::StatusOr<std::vector<MessageExt>> LitePullConsumer::Poll() {
  return Poll(options_.poll_timeout);
}

absl::StatusOr<std::vector<MessageExt>> LitePullConsumer::Poll(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) return absl::InvalidArgumentError("negative poll timeout");
  CallScope scope(this);
  if (!scope.ok()) {
    return NotRunning();
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<MessageExt> out;
  std::vector<PullTicket> tickets;
  {
    MutexLock lock(&mu_);
    if (options_.auto_commit) {
      // What earlier calls returned has been processed (Java's maybeAutoCommit).
      for (auto& [q, qs] : queues_) {
        if (qs->consume_offset >= 0) qs->acked_offset = qs->consume_offset;
      }
    }
    while (true) {
      if (state_ != State::kRunning) {
        return absl::FailedPreconditionError("the lite pull consumer was shut down");
      }
      TakeReadyLocked(&out);
      if (!out.empty()) break;
      if (!poll_cv_.WaitUntil(&mu_, deadline)) {
        if (state_ == State::kRunning) TakeReadyLocked(&out);
        break;
      }
    }
    if (!out.empty()) CollectAllPullsLocked(&tickets);  // restart flow-controlled queues
  }
  IssuePulls(std::move(tickets));
  return out;
}

absl::Status LitePullConsumer::Seek(const MessageQueue& queue, int64_t offset) {
  return SeekImpl(queue, SeekTarget::kOffset, offset);
}
absl::Status LitePullConsumer::SeekToBegin(const MessageQueue& queue) {
  return SeekImpl(queue, SeekTarget::kBegin, 0);
}
absl::Status LitePullConsumer::SeekToEnd(const MessageQueue& queue) {
  return SeekImpl(queue, SeekTarget::kEnd, 0);
}

absl::Status LitePullConsumer::SeekImpl(const MessageQueue& queue, SeekTarget target,
                                        int64_t offset) {
  CallScope scope(this);
  if (!scope.ok()) return NotRunning();
  const MessageQueue wire = ToWire(queue);
  auto not_assigned = [&] {
    return absl::FailedPreconditionError(fmt::format(
        "{} is not assigned to this consumer (a rebalance may have moved it)", queue.ToString()));
  };
  {
    MutexLock lock(&mu_);
    if (state_ != State::kRunning) return NotRunning();
    if (queues_.count(wire) == 0) return not_assigned();
  }
  absl::StatusOr<int64_t> min = MinOffset(*instance_, wire);
  if (!min.ok()) return min.status();
  absl::StatusOr<int64_t> max = MaxOffset(*instance_, wire);
  if (!max.ok()) return max.status();
  if (target == SeekTarget::kBegin) offset = *min;
  if (target == SeekTarget::kEnd) offset = *max;
  if (offset < *min || offset > *max) {
    return absl::OutOfRangeError(fmt::format("seek offset {} of {} is outside [{}, {}]", offset,
                                             queue.ToString(), *min, *max));
  }
  std::vector<PullTicket> tickets;
  {
    MutexLock lock(&mu_);
    auto it = queues_.find(wire);
    if (it == queues_.end()) return not_assigned();
    QueueState& qs = *it->second;
    ++qs.epoch;          // answers to pulls in flight are dropped
    qs.pulling = false;  // and a new pull starts now
    qs.pull_offset = offset;
    qs.consume_offset = offset;
    if (options_.auto_commit) qs.acked_offset = offset;
    ClearBufferLocked(qs);
    CollectPullLocked(it->second, &tickets);
  }
  IssuePulls(std::move(tickets));
  return absl::OkStatus();
}

absl::Status LitePullConsumer::Pause(const std::vector<MessageQueue>& queues) {
  MutexLock lock(&mu_);
  for (const MessageQueue& q : queues) {
    if (queues_.count(ToWire(q)) == 0) {
      return absl::FailedPreconditionError(
          fmt::format("cannot pause {}: not assigned", q.ToString()));
    }
  }
  for (const MessageQueue& q : queues) queues_[ToWire(q)]->paused = true;
  return absl::OkStatus();
}

absl::Status LitePullConsumer::Resume(const std::vector<MessageQueue>& queues) {
  CallScope scope(this);  // may start pulls
  std::vector<PullTicket> tickets;
  {
    MutexLock lock(&mu_);
    for (const MessageQueue& q : queues) {
      if (queues_.count(ToWire(q)) == 0) {
        return absl::FailedPreconditionError(
            fmt::format("cannot resume {}: not assigned", q.ToString()));
      }
    }
    for (const MessageQueue& q : queues) {
      const std::shared_ptr<QueueState>& qs = queues_[ToWire(q)];
      qs->paused = false;
      CollectPullLocked(qs, &tickets);
    }
    poll_cv_.SignalAll();  // what they buffered is deliverable again
  }
  if (scope.ok()) IssuePulls(std::move(tickets));
  return absl::OkStatus();
}

}  // namespace tern::client
