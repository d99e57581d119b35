// The pull loop and the consume side of PushConsumer (push_consumer.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "client/offset_api.h"
#include "client/pull_api.h"
#include "client/push_consumer.h"
#include "client/status_codes.h"
#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/properties.h"
#include "server/remoting/codes.h"

namespace tern::client {

namespace {

// Java's PullMessageService delays.
constexpr std::chrono::milliseconds kFlowControlDelay{50};
constexpr std::chrono::milliseconds kErrorDelay{3000};
constexpr std::chrono::milliseconds kLocalRetryDelay{5000};
// The broker holds a pull for `suspend`; the client waits longer than that.
constexpr std::chrono::milliseconds kPullTimeoutMargin{15000};

}  // namespace

void PushConsumer::SchedulePull(std::shared_ptr<ProcessQueue> pq, std::chrono::milliseconds delay) {
  if (!running_.load() && delay.count() > 0) return;
  if (delay.count() == 0) {
    Pull(std::move(pq));
    return;
  }
  instance_->RunAfter(delay, [this, pq = std::move(pq)]() mutable { Pull(std::move(pq)); });
}

void PushConsumer::Pull(std::shared_ptr<ProcessQueue> pq) {
  if (pq->dropped()) return;
  if (pq->count() > options_.pull_threshold_for_queue ||
      pq->bytes() > options_.pull_threshold_mib_for_queue * 1024 * 1024 ||
      pq->span() > options_.max_span) {
    SchedulePull(std::move(pq), kFlowControlDelay);
    return;
  }
  // Runs on I/O threads: only the route cache (no blocking name server call here; the
  // rebalance thread refreshes routes).
  const std::optional<std::string> addr = instance_->MasterAddr(pq->queue().broker_name);
  if (!addr) {
    SchedulePull(std::move(pq), kErrorDelay);
    return;
  }
  protocol::SubscriptionData sub;
  {
    MutexLock lock(&mu_);
    auto it = subscriptions_.find(pq->queue().topic);
    if (it == subscriptions_.end()) return;  // unsubscribed
    sub = it->second;
  }
  PullRequestSpec spec;
  spec.group = wire_group_;
  spec.queue = pq->queue();
  spec.offset = pq->next_offset();
  spec.max_msgs = options_.pull_batch_size;
  if (options_.model == MessageModel::kClustering) {
    const int64_t committed = offsets_->Cached(pq->queue());
    if (committed > 0) {
      spec.commit = true;
      spec.commit_offset = committed;
    }
  }
  spec.suspend = true;
  spec.suspend_millis = options_.suspend.count();
  spec.subscription = &sub;
  remoting::RemotingCommand cmd = BuildPullRequest(spec);
  pq->set_last_pull_ms(NowMillis());
  const auto started = MonoClock::now();
  instance_->Invoke(
      *addr, std::move(cmd), "", options_.suspend + kPullTimeoutMargin,
      [this, pq, started](absl::StatusOr<net::Response> r) mutable {
        counters_.pulls.fetch_add(1, std::memory_order_relaxed);
        counters_.pull_rt_us.fetch_add(
            std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now() - started)
                .count(),
            std::memory_order_relaxed);
        OnPulled(std::move(pq), std::move(r));
      });
}

void PushConsumer::OnPulled(std::shared_ptr<ProcessQueue> pq,
                            absl::StatusOr<net::Response> response) {
  if (!running_.load() || pq->dropped()) return;
  protocol::SubscriptionData sub;
  {
    MutexLock lock(&mu_);
    auto it = subscriptions_.find(pq->queue().topic);
    if (it == subscriptions_.end()) return;
    sub = it->second;
  }
  if (!response.ok()) {
    spdlog::debug("pull {}: {}", pq->queue().ToString(), MessageOf(response.status()));
    SchedulePull(std::move(pq), kErrorDelay);
    return;
  }
  absl::StatusOr<PullResult> result = ParsePullResponse(
      *std::move(response), &sub, [this](const std::string& t) { return instance_->Unwrap(t); });
  if (!result.ok()) {
    spdlog::warn("pull {}: {}", pq->queue().ToString(), MessageOf(result.status()));
    SchedulePull(std::move(pq), kErrorDelay);
    return;
  }
  switch (result->status) {
    case PullStatus::kFound: {
      pq->set_next_offset(result->next_begin_offset);
      if (result->msgs.empty()) {
        // Everything was filtered out by tag: nothing in flight holds the offset back.
        offsets_->Update(pq->queue(), result->next_begin_offset, /*increase_only=*/true);
      } else {
        for (MessageExt& m : result->msgs) {
          // A message from the retry topic is delivered under its original topic.
          if (auto it = m.properties.find(std::string(engine::property::kRetryTopic));
              it != m.properties.end()) {
            m.topic = instance_->Unwrap(it->second);
          }
        }
        if (orderly()) {
          pq->PutOrderly(std::move(result->msgs));
          ScheduleOrderly(pq, std::chrono::milliseconds(0));
        } else {
          pq->Put(result->msgs);
          SubmitConsume(pq, std::move(result->msgs));
        }
      }
      SchedulePull(std::move(pq), std::chrono::milliseconds(0));
      return;
    }
    case PullStatus::kNoNewMsg:
    case PullStatus::kNoMatchedMsg:
      pq->set_next_offset(result->next_begin_offset);
      if (pq->count() == 0) {
        offsets_->Update(pq->queue(), result->next_begin_offset, /*increase_only=*/true);
      }
      SchedulePull(std::move(pq), std::chrono::milliseconds(0));
      return;
    case PullStatus::kOffsetIllegal:
      spdlog::warn("consumer {}: offset {} of {} is illegal; moving to {}", options_.group,
                   pq->next_offset(), pq->queue().ToString(), result->next_begin_offset);
      pq->set_next_offset(result->next_begin_offset);
      offsets_->Update(pq->queue(), result->next_begin_offset, /*increase_only=*/false);
      SchedulePull(std::move(pq), kErrorDelay);
      return;
  }
}

void PushConsumer::SubmitConsume(std::shared_ptr<ProcessQueue> pq, std::vector<MessageExt> msgs) {
  const size_t batch = std::max<size_t>(1, options_.consume_batch_max);
  for (size_t i = 0; i < msgs.size(); i += batch) {
    std::vector<MessageExt> part;
    for (size_t j = i; j < std::min(msgs.size(), i + batch); ++j)
      part.push_back(std::move(msgs[j]));
    consume_pool_->Submit(
        [this, pq, part = std::move(part)]() mutable { Consume(pq, std::move(part)); });
  }
}

void PushConsumer::Consume(std::shared_ptr<ProcessQueue> pq, std::vector<MessageExt> msgs) {
  if (pq->dropped()) return;
  ConsumeContext ctx;
  ctx.queue = pq->queue();
  ctx.queue.topic = instance_->Unwrap(ctx.queue.topic);
  ConsumeResult result = ConsumeResult::kReconsumeLater;
  const auto started = MonoClock::now();
  pq->set_last_consume_ms(NowMillis());
  try {
    result = listener_(msgs, ctx);
  } catch (const std::exception& e) {
    spdlog::warn("consumer {}: listener threw: {}", options_.group, e.what());
  } catch (...) {
    spdlog::warn("consumer {}: listener threw", options_.group);
  }
  counters_.consume_rt_us.fetch_add(
      std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now() - started).count(),
      std::memory_order_relaxed);
  (result == ConsumeResult::kSuccess ? counters_.consume_ok : counters_.consume_failed)
      .fetch_add(static_cast<int64_t>(msgs.size()), std::memory_order_relaxed);
  if (pq->dropped()) return;  // rebalanced away: the new owner consumes them again
  std::vector<MessageExt> again;
  if (result == ConsumeResult::kReconsumeLater && options_.model == MessageModel::kClustering) {
    std::vector<MessageExt> done;
    for (MessageExt& m : msgs) {
      if (SendBack(m, pq->queue(), ctx.delay_level_when_next_consume)) {
        done.push_back(std::move(m));
      } else {
        ++m.reconsume_times;
        again.push_back(std::move(m));
      }
    }
    msgs = std::move(done);
  } else if (result == ConsumeResult::kReconsumeLater) {
    for (const MessageExt& m : msgs) {
      spdlog::warn("broadcasting consumer {}: dropping failed message {}", options_.group,
                   m.msg_id);
    }
  }
  const int64_t offset = pq->Remove(msgs);
  if (offset >= 0) offsets_->Update(pq->queue(), offset, /*increase_only=*/true);
  if (!again.empty()) {
    instance_->RunAfter(kLocalRetryDelay, [this, pq, again = std::move(again)]() mutable {
      if (running_.load()) SubmitConsume(pq, std::move(again));
    });
  }
}

bool PushConsumer::SendBack(const MessageExt& msg, const MessageQueue& queue, int32_t delay_level) {
  absl::StatusOr<std::string> addr = BrokerAddrOf(*instance_, queue);
  if (!addr.ok()) return false;
  remoting::RemotingCommand cmd =
      remoting::RemotingCommand::Request(remoting::request::kConsumerSendMsgBack, 0);
  remoting::ExtFields& f = cmd.MutableFields();
  f.Set("offset", std::to_string(msg.commit_log_offset));
  f.Set("group", wire_group_);
  f.Set("delayLevel", std::to_string(delay_level));
  f.Set("originMsgId", msg.msg_id);
  f.Set("originTopic", instance_->Wrap(msg.topic));
  f.Set("unitMode", "false");
  f.Set("maxReconsumeTimes", std::to_string(options_.max_reconsume_times));
  absl::StatusOr<net::Response> r =
      instance_->InvokeSync(*addr, std::move(cmd), "", instance_->config().request_timeout);
  if (!r.ok()) {
    spdlog::warn("consumer {}: sending {} back: {}", options_.group, msg.msg_id,
                 MessageOf(r.status()));
    return false;
  }
  if (r->command.code != remoting::response::kSuccess) {
    spdlog::warn("consumer {}: sending {} back: code {} {}", options_.group, msg.msg_id,
                 r->command.code, r->command.remark.value_or(""));
    return false;
  }
  return true;
}

}  // namespace tern::client
