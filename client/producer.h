// producer.h: the C++ producer — sync, async, one-way and batch sends, queue selection for
// ordered messages, retries on another broker, compression of large bodies, RocketMQ's
// UNIQ_KEY (protocol.md 2.4).
//
// Sends use SEND_MESSAGE_V2 (SEND_BATCH_MESSAGE for batches), as the Java client. A sync send
// that fails with a retryable code (17, 14, 1, 16, 204, 205) or a network error is retried
// up to retry_times_when_send_failed times on another broker when there is one. Bodies larger
// than compress_over bytes are zlib-compressed (sysflag bit 0x1), as Java does.
//
// Thread safety: all methods are thread-safe. Lifetime: Start() before sending; Shutdown()
// waits for in-flight async sends (completing them with an error if the instance goes away)
// so that no callback runs after it returns. No exceptions cross this API.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/client_config.h"
#include "client/client_instance.h"
#include "client/message.h"
#include "client/request_reply.h"
#include "engine/base/mutex.h"

namespace tern::client {

enum class SendStatus { kSendOk, kFlushDiskTimeout, kFlushSlaveTimeout, kSlaveNotAvailable };
std::string_view SendStatusName(SendStatus s);

struct SendResult {
  SendStatus status = SendStatus::kSendOk;
  std::string msg_id;         // UNIQ_KEY (comma-joined for a batch)
  std::string offset_msg_id;  // store host + physical offset (comma-joined for a batch)
  MessageQueue queue;
  int64_t queue_offset = 0;
};

struct ProducerOptions {
  std::string group = "DEFAULT_PRODUCER";
  std::chrono::milliseconds send_timeout{3000};
  int retry_times_when_send_failed = 2;
  size_t compress_over = 4096;
  int compress_level = 5;
  size_t max_message_size = 4 * 1024 * 1024;
  // Queues a new topic gets when the broker auto-creates it from TBW102.
  int default_topic_queue_nums = 4;
  std::string create_topic_key = "TBW102";
};

using SendCallback = std::function<void(absl::StatusOr<SendResult>)>;
// Picks a queue among `queues` for `msg` given a sharding argument (ordered messages).
using QueueSelector = std::function<size_t(const std::vector<MessageQueue>& queues,
                                           const Message& msg, const std::string& arg)>;
// Java's SelectMessageQueueByHash: hash(arg) % queue count.
size_t SelectByHash(const std::vector<MessageQueue>& queues, const Message& msg,
                    const std::string& arg);

class Producer {
 public:
  Producer(ClientConfig config, ProducerOptions options);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  absl::Status Start();
  void Shutdown();

  absl::StatusOr<SendResult> Send(const Message& msg);
  // The queue chosen by `selector` with `arg` (no retry on another queue: ordering matters).
  absl::StatusOr<SendResult> Send(const Message& msg, const QueueSelector& selector,
                                  const std::string& arg);
  absl::StatusOr<SendResult> SendTo(const Message& msg, const MessageQueue& queue);
  // `done` runs on an I/O thread, exactly once (also when the producer shuts down first).
  void SendAsync(const Message& msg, SendCallback done);
  std::future<absl::StatusOr<SendResult>> SendAsync(const Message& msg);
  absl::Status SendOneway(const Message& msg);
  // Messages of one topic as one request (RocketMQ batch body, at most 4 MiB).
  absl::StatusOr<SendResult> SendBatch(const std::vector<Message>& msgs);
  void SendBatchAsync(const std::vector<Message>& msgs, SendCallback done);
  // Request-reply (request_reply.h, Java's request()): sends `msg` with CORRELATION_ID,
  // REPLY_TO_CLIENT and TTL and returns the reply, or DeadlineExceeded when none came within
  // `timeout`, or the send's error. A message with MSG_TYPE=reply (CreateReplyMessage) is
  // sent by the Send* methods with SEND_REPLY_MESSAGE_V2 (325).
  absl::StatusOr<MessageExt> Request(const Message& msg, std::chrono::milliseconds timeout);
  // `done` runs exactly once: on an I/O thread, or on the caller's for an immediate error.
  void RequestAsync(const Message& msg, std::chrono::milliseconds timeout, RequestCallback done);

  ClientInstance& instance() { return *instance_; }
  const ProducerOptions& options() const { return options_; }

 private:
  struct Prepared;
  enum class Mode { kSync, kAsync, kOneway };
  absl::StatusOr<std::shared_ptr<Prepared>> Prepare(const Message& msg) const;
  absl::StatusOr<std::shared_ptr<Prepared>> PrepareBatch(const std::vector<Message>& msgs) const;
  absl::StatusOr<std::shared_ptr<const TopicRoute>> PublishRoute(const std::string& topic);
  MessageQueue PickQueue(const TopicRoute& route, const std::string& avoid_broker);
  remoting::RemotingCommand BuildRequest(const Prepared& p, const MessageQueue& q) const;
  absl::StatusOr<SendResult> ParseResponse(const Prepared& p, const MessageQueue& q,
                                           absl::StatusOr<net::Response> r) const;
  absl::StatusOr<SendResult> SendSync(std::shared_ptr<Prepared> p, const MessageQueue* fixed_queue);
  void SendAsyncPrepared(std::shared_ptr<Prepared> p, SendCallback done);
  // Starts a request; returns its correlation id.
  std::string StartRequest(const Message& msg, std::chrono::milliseconds timeout,
                           RequestCallback done);

  const ProducerOptions options_;
  std::unique_ptr<ClientInstance> instance_;
  std::atomic<uint32_t> next_queue_{0};
  std::atomic<bool> running_{false};
  Mutex inflight_mu_;
  CondVar inflight_cv_;
  int64_t inflight_ ABSL_GUARDED_BY(inflight_mu_) = 0;
  // Topics this producer requested on: the first request heartbeats every broker first, so
  // the broker knows where to push the reply (Java's prepareSendRequest).
  Mutex request_mu_;
  std::set<std::string> request_topics_ ABSL_GUARDED_BY(request_mu_);
};

}  // namespace tern::client
