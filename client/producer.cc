#include "client/producer.h"

#include <fmt/format.h>

#include "client/body_codec.h"
#include "client/status_codes.h"
#include "engine/base/clock.h"
#include "engine/base/java_hash.h"
#include "engine/base/strings.h"
#include "engine/properties.h"
#include "engine/topic_name.h"
#include "server/remoting/batch_body.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/send.h"

namespace tern::client {

namespace code = remoting::response;
namespace req = remoting::request;

struct Producer::Prepared {
  std::string topic;  // as on the wire (namespaced)
  std::string body;   // possibly compressed, or a batch body
  std::string properties;
  int32_t sys_flag = 0;
  int32_t flag = 0;
  bool batch = false;
  bool reply = false;      // MSG_TYPE=reply: SEND_REPLY_MESSAGE_V2
  std::string unique_ids;  // comma-joined UNIQ_KEYs
};

std::string_view SendStatusName(SendStatus s) {
  switch (s) {
    case SendStatus::kSendOk:
      return "SEND_OK";
    case SendStatus::kFlushDiskTimeout:
      return "FLUSH_DISK_TIMEOUT";
    case SendStatus::kFlushSlaveTimeout:
      return "FLUSH_SLAVE_TIMEOUT";
    case SendStatus::kSlaveNotAvailable:
      return "SLAVE_NOT_AVAILABLE";
  }
  return "UNKNOWN";
}

size_t SelectByHash(const std::vector<MessageQueue>& queues, const Message&,
                    const std::string& arg) {
  const int32_t h = JavaStringHashCode(arg);
  return static_cast<size_t>(h < 0 ? -static_cast<int64_t>(h) : h) % queues.size();
}

Producer::Producer(ClientConfig config, ProducerOptions options)
    : options_(std::move(options)),
      instance_(std::make_unique<ClientInstance>(std::move(config))) {}

Producer::~Producer() { Shutdown(); }

absl::Status Producer::Start() {
  if (absl::Status s = instance_->Start(); !s.ok()) return s;
  instance_->RegisterProducer(instance_->Wrap(options_.group));
  running_.store(true);
  return absl::OkStatus();
}

void Producer::Shutdown() {
  if (!running_.exchange(false)) return;
  {
    // In-flight async sends complete (with a response or their timeout) before we go on.
    MutexLock lock(&inflight_mu_);
    while (inflight_ > 0) inflight_cv_.Wait(&inflight_mu_);
  }
  RequestFutureTable::Global().FailAll(this, absl::CancelledError("the producer shut down"));
  instance_->UnregisterProducer(instance_->Wrap(options_.group));
  instance_->Shutdown();
}

namespace {

absl::Status ValidateTopic(const std::string& topic) {
  if (!engine::IsValidTopicName(topic)) {
    return absl::InvalidArgumentError(fmt::format(
        "topic '{}' is invalid: it must match ^[%|a-zA-Z0-9_-]+$ and be at most 127 characters",
        topic));
  }
  return absl::OkStatus();
}

std::string EncodeMessageProperties(const Message& msg, const std::string& uniq_key) {
  std::string p;
  for (const auto& [k, v] : msg.properties) engine::AppendProperty(&p, k, v);
  if (!msg.tags.empty()) engine::AppendProperty(&p, engine::property::kTags, msg.tags);
  if (!msg.keys.empty()) {
    std::string keys;
    for (const std::string& k : msg.keys) {
      if (!keys.empty()) keys.push_back(' ');
      keys += k;
    }
    engine::AppendProperty(&p, engine::property::kKeys, keys);
  }
  if (msg.delay_level > 0) {
    engine::AppendProperty(&p, engine::property::kDelayLevel, std::to_string(msg.delay_level));
  }
  engine::AppendProperty(&p, engine::property::kWaitStoreMsgOk,
                         msg.wait_store_msg_ok ? "true" : "false");
  engine::AppendProperty(&p, engine::property::kUniqueClientMessageIdKey, uniq_key);
  return p;
}

}  // namespace

absl::StatusOr<std::shared_ptr<Producer::Prepared>> Producer::Prepare(const Message& msg) const {
  if (absl::Status s = ValidateTopic(msg.topic); !s.ok()) return s;
  if (msg.body.empty()) return absl::InvalidArgumentError("the message body is empty");
  if (msg.body.size() > options_.max_message_size) {
    return absl::InvalidArgumentError(fmt::format("the message body is {} bytes, more than {}",
                                                  msg.body.size(), options_.max_message_size));
  }
  auto p = std::make_shared<Prepared>();
  p->topic = instance_->Wrap(msg.topic);
  p->flag = msg.flag;
  p->reply = IsReplyMessage(msg);
  p->unique_ids = NewUniqueMessageId(instance_->config().client_ip);
  p->properties = EncodeMessageProperties(msg, p->unique_ids);
  if (msg.body.size() > options_.compress_over) {
    absl::StatusOr<std::string> z = Deflate(AsBytes(msg.body), options_.compress_level);
    if (!z.ok()) return z.status();
    p->body = *std::move(z);
    p->sys_flag |= 0x1;
  } else {
    p->body = msg.body;
  }
  // A transactional half message (transaction_producer.h): sysFlag TRANSACTION_PREPARED, as Java.
  if (auto it = msg.properties.find(std::string(engine::property::kTransactionPrepared));
      it != msg.properties.end() && it->second == "true") {
    p->sys_flag |= 0x4;
  }
  return p;
}

absl::StatusOr<std::shared_ptr<Producer::Prepared>> Producer::PrepareBatch(
    const std::vector<Message>& msgs) const {
  if (msgs.empty()) return absl::InvalidArgumentError("empty batch");
  auto p = std::make_shared<Prepared>();
  p->topic = instance_->Wrap(msgs.front().topic);
  p->batch = true;
  std::vector<std::string> props(msgs.size());
  std::vector<remoting::BatchRecord> records(msgs.size());
  for (size_t i = 0; i < msgs.size(); ++i) {
    const Message& m = msgs[i];
    if (m.topic != msgs.front().topic) {
      return absl::InvalidArgumentError("a batch must hold messages of one topic");
    }
    if (m.delay_level > 0) {
      return absl::InvalidArgumentError("delay levels are not supported in a batch");
    }
    if (absl::Status s = ValidateTopic(m.topic); !s.ok()) return s;
    if (m.body.empty()) return absl::InvalidArgumentError("a message body is empty");
    const std::string id = NewUniqueMessageId(instance_->config().client_ip);
    if (i > 0) p->unique_ids.push_back(',');
    p->unique_ids += id;
    props[i] = EncodeMessageProperties(m, id);
    records[i].flag = m.flag;
    records[i].body = AsBytes(m.body);
    records[i].properties = props[i];
  }
  absl::StatusOr<std::string> body = remoting::EncodeBatchBody(records);
  if (!body.ok()) return body.status();
  if (body->size() > options_.max_message_size) {
    return absl::InvalidArgumentError(fmt::format("the batch is {} bytes, more than {}",
                                                  body->size(), options_.max_message_size));
  }
  p->body = *std::move(body);
  engine::AppendProperty(&p->properties, engine::property::kWaitStoreMsgOk, "true");
  return p;
}

absl::StatusOr<std::shared_ptr<const TopicRoute>> Producer::PublishRoute(const std::string& topic) {
  absl::StatusOr<std::shared_ptr<const TopicRoute>> route = instance_->Route(topic);
  if (route.ok() && !(*route)->publish_queues.empty()) return route;
  // Not routed yet: publish through the auto-create template (TBW102), with at most
  // default_topic_queue_nums queues per broker; the broker creates the topic on first send.
  absl::StatusOr<std::shared_ptr<const TopicRoute>> tmpl =
      instance_->Route(options_.create_topic_key);
  if (!tmpl.ok()) return route.ok() ? tmpl.status() : route.status();
  auto derived = std::make_shared<TopicRoute>(**tmpl);
  derived->publish_queues.clear();
  std::map<std::string, int32_t> per_broker;
  for (const MessageQueue& q : (*tmpl)->publish_queues) {
    if (per_broker[q.broker_name]++ < options_.default_topic_queue_nums) {
      derived->publish_queues.push_back({topic, q.broker_name, q.queue_id});
    }
  }
  return std::shared_ptr<const TopicRoute>(derived);
}

MessageQueue Producer::PickQueue(const TopicRoute& route, const std::string& avoid_broker) {
  const size_t n = route.publish_queues.size();
  for (size_t i = 0; i < n; ++i) {
    const MessageQueue& q = route.publish_queues[next_queue_.fetch_add(1) % n];
    if (q.broker_name != avoid_broker) return q;
  }
  return route.publish_queues[next_queue_.fetch_add(1) % n];
}

remoting::RemotingCommand Producer::BuildRequest(const Prepared& p, const MessageQueue& q) const {
  remoting::RemotingCommand cmd =
      remoting::RemotingCommand::Request(p.batch   ? req::kSendBatchMessage
                                         : p.reply ? req::kSendReplyMessageV2
                                                   : req::kSendMessageV2,
                                         0);
  remoting::SendMessageRequestHeader h;
  h.producer_group = instance_->Wrap(options_.group);
  h.topic = p.topic;
  h.default_topic = options_.create_topic_key;
  h.default_topic_queue_nums = options_.default_topic_queue_nums;
  h.queue_id = q.queue_id;
  h.sys_flag = p.sys_flag;
  h.born_timestamp = NowMillis();
  h.flag = p.flag;
  h.properties = p.properties;
  h.reconsume_times = 0;
  h.unit_mode = false;
  h.batch = p.batch;
  h.WriteToV2(cmd.MutableFields());
  return cmd;
}

absl::StatusOr<SendResult> Producer::ParseResponse(const Prepared& p, const MessageQueue& q,
                                                   absl::StatusOr<net::Response> r) const {
  if (!r.ok()) return r.status();
  SendResult out;
  switch (r->command.code) {
    case code::kSuccess:
      out.status = SendStatus::kSendOk;
      break;
    case code::kFlushDiskTimeout:
      out.status = SendStatus::kFlushDiskTimeout;
      break;
    case code::kFlushSlaveTimeout:
      out.status = SendStatus::kFlushSlaveTimeout;
      break;
    case code::kSlaveNotAvailable:
      out.status = SendStatus::kSlaveNotAvailable;
      break;
    default:
      return BrokerError(r->command.code, r->command.remark.value_or(""),
                         fmt::format("send to {}", q.ToString()));
  }
  absl::StatusOr<remoting::SendMessageResponseHeader> h =
      remoting::SendMessageResponseHeader::Parse(r->command);
  if (!h.ok()) return h.status();
  out.msg_id = p.unique_ids;
  out.offset_msg_id = h->msg_id;
  out.queue = q;
  out.queue.topic = instance_->Unwrap(q.topic);
  out.queue.queue_id = h->queue_id;
  out.queue_offset = h->queue_offset;
  return out;
}

absl::StatusOr<SendResult> Producer::SendSync(std::shared_ptr<Prepared> p,
                                              const MessageQueue* fixed_queue) {
  if (!running_.load()) return absl::FailedPreconditionError("producer is not running");
  absl::Status last = absl::UnavailableError("no attempt");
  std::string avoid;
  const auto deadline = MonoClock::now() + options_.send_timeout;
  const int attempts = fixed_queue != nullptr ? 1 : 1 + options_.retry_times_when_send_failed;
  for (int i = 0; i < attempts && MonoClock::now() < deadline; ++i) {
    MessageQueue q;
    if (fixed_queue != nullptr) {
      q = *fixed_queue;
      q.topic = p->topic;
    } else {
      absl::StatusOr<std::shared_ptr<const TopicRoute>> route = PublishRoute(p->topic);
      if (!route.ok()) return route.status();
      q = PickQueue(**route, avoid);
    }
    std::optional<std::string> addr = instance_->MasterAddr(q.broker_name);
    if (!addr) {
      last = absl::UnavailableError(fmt::format("no address for broker {}", q.broker_name));
      avoid = q.broker_name;
      continue;
    }
    const auto timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - MonoClock::now());
    absl::StatusOr<SendResult> r =
        ParseResponse(*p, q, instance_->InvokeSync(*addr, BuildRequest(*p, q), p->body, timeout));
    if (r.ok()) return r;
    last = r.status();
    const int32_t c = RocketMqCode(last);
    if (c >= 0 && !IsRetryableSendCode(c)) return last;
    if (c == code::kTopicNotExist) (void)instance_->Route(p->topic, /*refresh=*/true);
    avoid = q.broker_name;
  }
  return last;
}

absl::StatusOr<SendResult> Producer::Send(const Message& msg) {
  absl::StatusOr<std::shared_ptr<Prepared>> p = Prepare(msg);
  if (!p.ok()) return p.status();
  return SendSync(*std::move(p), nullptr);
}

absl::StatusOr<SendResult> Producer::Send(const Message& msg, const QueueSelector& selector,
                                          const std::string& arg) {
  absl::StatusOr<std::shared_ptr<Prepared>> p = Prepare(msg);
  if (!p.ok()) return p.status();
  absl::StatusOr<std::shared_ptr<const TopicRoute>> route = PublishRoute((*p)->topic);
  if (!route.ok()) return route.status();
  const std::vector<MessageQueue>& queues = (*route)->publish_queues;
  if (queues.empty()) return absl::UnavailableError("no queue to send to");
  const MessageQueue q = queues[selector(queues, msg, arg) % queues.size()];
  return SendSync(*std::move(p), &q);
}

absl::StatusOr<SendResult> Producer::SendTo(const Message& msg, const MessageQueue& queue) {
  absl::StatusOr<std::shared_ptr<Prepared>> p = Prepare(msg);
  if (!p.ok()) return p.status();
  if (!instance_->MasterAddr(queue.broker_name)) (void)PublishRoute((*p)->topic);
  return SendSync(*std::move(p), &queue);
}

void Producer::SendAsyncPrepared(std::shared_ptr<Prepared> p, SendCallback done) {
  if (!running_.load()) {
    done(absl::FailedPreconditionError("producer is not running"));
    return;
  }
  absl::StatusOr<std::shared_ptr<const TopicRoute>> route = PublishRoute(p->topic);
  if (!route.ok()) {
    done(route.status());
    return;
  }
  const MessageQueue q = PickQueue(**route, "");
  std::optional<std::string> addr = instance_->MasterAddr(q.broker_name);
  if (!addr) {
    done(absl::UnavailableError(fmt::format("no address for broker {}", q.broker_name)));
    return;
  }
  {
    MutexLock lock(&inflight_mu_);
    ++inflight_;
  }
  instance_->Invoke(*addr, BuildRequest(*p, q), p->body, options_.send_timeout,
                    [this, p, q, done = std::move(done)](absl::StatusOr<net::Response> r) {
                      done(ParseResponse(*p, q, std::move(r)));
                      MutexLock lock(&inflight_mu_);
                      if (--inflight_ == 0) inflight_cv_.SignalAll();
                    });
}

void Producer::SendAsync(const Message& msg, SendCallback done) {
  absl::StatusOr<std::shared_ptr<Prepared>> p = Prepare(msg);
  if (!p.ok()) {
    done(p.status());
    return;
  }
  SendAsyncPrepared(*std::move(p), std::move(done));
}

std::future<absl::StatusOr<SendResult>> Producer::SendAsync(const Message& msg) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<SendResult>>>();
  std::future<absl::StatusOr<SendResult>> f = promise->get_future();
  SendAsync(msg, [promise](absl::StatusOr<SendResult> r) { promise->set_value(std::move(r)); });
  return f;
}

absl::Status Producer::SendOneway(const Message& msg) {
  if (!running_.load()) return absl::FailedPreconditionError("producer is not running");
  absl::StatusOr<std::shared_ptr<Prepared>> p = Prepare(msg);
  if (!p.ok()) return p.status();
  absl::StatusOr<std::shared_ptr<const TopicRoute>> route = PublishRoute((*p)->topic);
  if (!route.ok()) return route.status();
  const MessageQueue q = PickQueue(**route, "");
  std::optional<std::string> addr = instance_->MasterAddr(q.broker_name);
  if (!addr) return absl::UnavailableError(fmt::format("no address for broker {}", q.broker_name));
  instance_->InvokeOneway(*addr, BuildRequest(**p, q), (*p)->body);
  return absl::OkStatus();
}

absl::StatusOr<SendResult> Producer::SendBatch(const std::vector<Message>& msgs) {
  absl::StatusOr<std::shared_ptr<Prepared>> p = PrepareBatch(msgs);
  if (!p.ok()) return p.status();
  return SendSync(*std::move(p), nullptr);
}

void Producer::SendBatchAsync(const std::vector<Message>& msgs, SendCallback done) {
  absl::StatusOr<std::shared_ptr<Prepared>> p = PrepareBatch(msgs);
  if (!p.ok()) {
    done(p.status());
    return;
  }
  SendAsyncPrepared(*std::move(p), std::move(done));
}

std::string Producer::StartRequest(const Message& msg, std::chrono::milliseconds timeout,
                                   RequestCallback done) {
  namespace prop = engine::property;
  const std::string id = NewCorrelationId();
  if (!running_.load()) {
    done(absl::FailedPreconditionError("producer is not running"));
    return id;
  }
  Message m = msg;
  m.properties[std::string(prop::kCorrelationId)] = id;
  m.properties[std::string(prop::kReplyToClient)] = instance_->client_id();
  m.properties[std::string(prop::kMessageTtl)] = std::to_string(timeout.count());
  absl::StatusOr<std::shared_ptr<Prepared>> p = Prepare(m);
  if (!p.ok()) {
    done(p.status());
    return id;
  }
  bool first = false;
  {
    MutexLock lock(&request_mu_);
    first = request_topics_.insert((*p)->topic).second;
  }
  if (first) {
    // Java's prepareSendRequest: learn the route, then heartbeat so the broker that will push
    // the reply knows this client's connection.
    (void)PublishRoute((*p)->topic);
    instance_->SendHeartbeatToAllBrokers();
  }
  RequestFutureTable& table = RequestFutureTable::Global();
  table.Add(id, this, msg.topic, timeout, std::move(done));
  if (!running_.load()) {  // Shutdown's FailAll may have run before Add
    table.Fail(id, absl::CancelledError("the producer shut down"));
    return id;
  }
  instance_->RunAfter(timeout, [id] { RequestFutureTable::Global().Expire(id); });
  SendAsyncPrepared(*std::move(p), [id, topic = msg.topic](absl::StatusOr<SendResult> r) {
    if (r.ok()) {
      RequestFutureTable::Global().MarkSent(id);
      return;
    }
    RequestFutureTable::Global().Fail(
        id, absl::Status(r.status().code(), fmt::format("send request message to <{}> fail: {}",
                                                        topic, MessageOf(r.status()))));
  });
  return id;
}

void Producer::RequestAsync(const Message& msg, std::chrono::milliseconds timeout,
                            RequestCallback done) {
  (void)StartRequest(msg, timeout, std::move(done));
}

absl::StatusOr<MessageExt> Producer::Request(const Message& msg,
                                             std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<MessageExt>>>();
  std::future<absl::StatusOr<MessageExt>> f = promise->get_future();
  const std::string id = StartRequest(
      msg, timeout, [promise](absl::StatusOr<MessageExt> r) { promise->set_value(std::move(r)); });
  // The timer normally expires the request; this bounds the wait even if it cannot run.
  if (f.wait_for(timeout + std::chrono::seconds(2)) != std::future_status::ready) {
    RequestFutureTable::Global().Expire(id);
  }
  return f.get();
}

}  // namespace tern::client
