// StartPullSource (consume_source.h): PULL_MESSAGE per queue, driven directly.
//
// One pull in flight per queue, long-polling (the broker holds it up to kSuspend when the
// queue is drained). Responses are handled on the client's I/O thread: records are read in
// place (record_scan.h), verified, and the next pull goes out at once with the new offset and
// the commit bit. Failed pulls are retried after kRetryDelay.
#include <fmt/format.h>

#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "bench/load/consume_source.h"
#include "bench/load/record_scan.h"
#include "client/client_instance.h"
#include "client/offset_api.h"
#include "client/pull_api.h"
#include "client/status_codes.h"
#include "engine/base/clock.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/pull.h"

namespace tern::load {
namespace {

namespace code = remoting::response;

constexpr std::chrono::milliseconds kSuspend{1000};
constexpr std::chrono::milliseconds kPullTimeout = kSuspend + std::chrono::milliseconds(5000);
constexpr std::chrono::milliseconds kRetryDelay{1000};

class PullSource : public ConsumeSource {
 public:
  PullSource(const ConsumeOptions& o, ConsumeSink* sink)
      : o_(o), sink_(sink), instance_(Config(o)) {}
  ~PullSource() override { Stop(); }

  absl::Status Start();
  void Stop() override;

 private:
  // One queue: touched only by the pull in flight for it (one at a time), so unguarded.
  struct Queue {
    client::MessageQueue mq;
    std::string addr;
    int64_t next_offset = 0;
    Verifier::Queue* verified = nullptr;
    std::vector<Verifier::Item> items;  // scratch, reused by every response
    std::deque<std::string> inflated;   // scratch for compressed bodies
  };

  static client::ClientConfig Config(const ConsumeOptions& o) {
    client::ClientConfig c;
    c.namesrv_addrs = o.namesrv_addrs;
    return c;
  }
  void Pull(Queue* q);
  void OnPulled(Queue* q, absl::StatusOr<net::Response> r);
  // Handles one response; returns the delay before the next pull.
  std::chrono::milliseconds Handle(Queue* q, const net::Response& r);
  void EndPull();

  const ConsumeOptions& o_;
  ConsumeSink* const sink_;
  client::ClientInstance instance_;
  protocol::SubscriptionData subscription_;
  std::vector<std::unique_ptr<Queue>> queues_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  Mutex mu_;
  CondVar cv_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;  // pulls sent, not yet answered
};

absl::Status PullSource::Start() {
  if (absl::Status s = instance_.Start(); !s.ok()) return s;
  absl::StatusOr<protocol::SubscriptionData> sub =
      protocol::BuildSubscription(o_.topic, "*", "TAG", NowMillis());
  if (!sub.ok()) return sub.status();
  subscription_ = *std::move(sub);
  absl::StatusOr<std::shared_ptr<const client::TopicRoute>> route = instance_.Route(o_.topic);
  if (!route.ok()) return route.status();
  for (const client::MessageQueue& mq : (*route)->subscribe_queues) {
    auto addr = (*route)->master_addrs.find(mq.broker_name);
    if (addr == (*route)->master_addrs.end()) continue;  // no master: not readable here
    auto q = std::make_unique<Queue>();
    q->mq = mq;
    q->addr = addr->second;
    q->verified = sink_->verifier().GetQueue(mq.topic + "@" + mq.broker_name, mq.queue_id);
    absl::StatusOr<int64_t> committed = client::QueryConsumerOffset(instance_, o_.group, mq);
    if (committed.ok() && *committed >= 0) {
      q->next_offset = *committed;
    } else if (committed.ok() || absl::IsNotFound(committed.status())) {
      absl::StatusOr<int64_t> min = client::MinOffset(instance_, mq);
      if (!min.ok()) return min.status();
      q->next_offset = *min;
    } else {
      return committed.status();
    }
    queues_.push_back(std::move(q));
  }
  if (queues_.empty()) {
    return absl::UnavailableError(fmt::format("topic {} has no readable queue", o_.topic));
  }
  for (auto& q : queues_) Pull(q.get());
  return absl::OkStatus();
}

void PullSource::Pull(Queue* q) {
  {
    MutexLock lock(&mu_);
    if (stopping_.load()) return;
    ++in_flight_;
  }
  client::PullRequestSpec spec;
  spec.group = o_.group;
  spec.queue = q->mq;
  spec.offset = q->next_offset;
  spec.max_msgs = o_.pull_batch;
  spec.commit = q->next_offset > 0;
  spec.commit_offset = q->next_offset;
  spec.suspend = true;
  spec.suspend_millis = kSuspend.count();
  spec.subscription = &subscription_;
  instance_.Invoke(q->addr, client::BuildPullRequest(spec), "", kPullTimeout,
                   [this, q](absl::StatusOr<net::Response> r) { OnPulled(q, std::move(r)); });
}

void PullSource::OnPulled(Queue* q, absl::StatusOr<net::Response> r) {
  std::chrono::milliseconds delay{0};
  if (!r.ok()) {
    if (!stopping_.load()) sink_->Fail(r.status());
    delay = kRetryDelay;
  } else {
    delay = Handle(q, *r);
  }
  if (!stopping_.load()) {
    if (delay.count() == 0) {
      Pull(q);
    } else {
      instance_.RunAfter(delay, [this, q] { Pull(q); });
    }
  }
  EndPull();
}

std::chrono::milliseconds PullSource::Handle(Queue* q, const net::Response& r) {
  const int32_t c = r.command.code;
  if (c != code::kSuccess && c != code::kPullNotFound && c != code::kPullRetryImmediately &&
      c != code::kPullOffsetMoved) {
    sink_->Fail(client::BrokerError(c, r.command.remark.value_or(""), "pull"));
    return kRetryDelay;
  }
  absl::StatusOr<remoting::PullMessageResponseHeader> h =
      remoting::PullMessageResponseHeader::Parse(r.command);
  if (!h.ok()) {
    sink_->Corrupt(h.status());
    return kRetryDelay;
  }
  if (c == code::kPullOffsetMoved) {
    // The offset was outside the queue: counted (it should not happen to a fresh reader).
    sink_->Fail(client::BrokerError(c, r.command.remark.value_or(""), "pull"));
  } else if (c == code::kSuccess) {
    absl::Status s = ScanPullBody(AsBytes(r.body), &q->items, &q->inflated);
    if (!s.ok()) sink_->Corrupt(s);  // the records before the bad one still count
    uint64_t bytes = 0;
    for (const Verifier::Item& item : q->items) bytes += item.body.size();
    sink_->Deliver(q->verified, q->items, bytes);
  }
  q->next_offset = h->next_begin_offset;
  return std::chrono::milliseconds(0);
}

void PullSource::EndPull() {
  MutexLock lock(&mu_);
  if (--in_flight_ == 0) cv_.SignalAll();
}

void PullSource::Stop() {
  if (stopped_) return;
  stopped_ = true;
  {
    MutexLock lock(&mu_);
    stopping_.store(true);
    // A held pull returns within kSuspend; the deadline covers a broker that never answers
    // (the pull's own timeout completes it).
    const auto deadline = std::chrono::steady_clock::now() + kPullTimeout;
    while (in_flight_ > 0 && cv_.WaitUntil(&mu_, deadline)) {
    }
  }
  for (auto& q : queues_) {
    (void)client::UpdateConsumerOffset(instance_, o_.group, q->mq, q->next_offset,
                                       /*oneway=*/false);
  }
  instance_.Shutdown();  // completes anything still in flight; no callback runs after it
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConsumeSource>> StartPullSource(const ConsumeOptions& options,
                                                               ConsumeSink* sink) {
  auto source = std::make_unique<PullSource>(options, sink);
  if (absl::Status s = source->Start(); !s.ok()) return s;
  return std::unique_ptr<ConsumeSource>(std::move(source));
}

}  // namespace tern::load
