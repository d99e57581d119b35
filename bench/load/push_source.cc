// StartPushSource (consume_source.h): a client::PushConsumer feeding a ConsumeSink.
#include <fmt/format.h>

#include <map>
#include <vector>

#include "bench/load/consume_source.h"
#include "client/push_consumer.h"

namespace tern::load {
namespace {

class PushSource : public ConsumeSource {
 public:
  PushSource(const ConsumeOptions& o, ConsumeSink* sink)
      : sink_(sink), consumer_(Config(o), Options(o)) {}
  ~PushSource() override { Stop(); }

  absl::Status Start(const ConsumeOptions& o) {
    if (absl::Status s = consumer_.Subscribe(o.topic, "*"); !s.ok()) return s;
    consumer_.RegisterListener(
        [this](const std::vector<client::MessageExt>& msgs, client::ConsumeContext& ctx) {
          return OnMessages(msgs, ctx);
        });
    return consumer_.Start();
  }
  void Stop() override { consumer_.Shutdown(); }

 private:
  static client::ClientConfig Config(const ConsumeOptions& o) {
    client::ClientConfig c;
    c.namesrv_addrs = o.namesrv_addrs;
    return c;
  }
  static client::PushConsumerOptions Options(const ConsumeOptions& o) {
    client::PushConsumerOptions p;
    p.group = o.group;
    p.consume_from = client::ConsumeFrom::kFirstOffset;
    p.consume_threads = o.threads;
    p.pull_batch_size = o.pull_batch;
    p.consume_batch_max = static_cast<size_t>(o.pull_batch);
    return p;
  }

  client::ConsumeResult OnMessages(const std::vector<client::MessageExt>& msgs,
                                   client::ConsumeContext& ctx) {
    thread_local std::vector<Verifier::Item> items;  // reused: no allocation once grown
    items.clear();
    uint64_t bytes = 0;
    for (const client::MessageExt& m : msgs) {
      items.push_back({m.queue_offset, AsBytes(m.body)});
      bytes += m.body.size();
    }
    sink_->Deliver(QueueOf(ctx.queue), items, bytes);
    return client::ConsumeResult::kSuccess;
  }

  // The verifier's handle of a queue; the context names the queue pulled from (the retry
  // topic's queues are distinct from the user topic's).
  Verifier::Queue* QueueOf(const client::MessageQueue& q) {
    MutexLock lock(&mu_);
    Verifier::Queue*& v = queues_[q];
    if (v == nullptr) v = sink_->verifier().GetQueue(q.topic + "@" + q.broker_name, q.queue_id);
    return v;
  }

  ConsumeSink* const sink_;
  Mutex mu_;
  std::map<client::MessageQueue, Verifier::Queue*> queues_ ABSL_GUARDED_BY(mu_);
  client::PushConsumer consumer_;  // last: stopped first, while the rest is alive
};

}  // namespace

absl::StatusOr<std::unique_ptr<ConsumeSource>> StartPushSource(const ConsumeOptions& options,
                                                               ConsumeSink* sink) {
  auto source = std::make_unique<PushSource>(options, sink);
  if (absl::Status s = source->Start(options); !s.ok()) return s;
  return std::unique_ptr<ConsumeSource>(std::move(source));
}

}  // namespace tern::load
