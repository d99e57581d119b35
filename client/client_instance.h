// client_instance.h: what producers and consumers of one process share (RocketMQ's
// MQClientInstance): connections to name servers and brokers, the topic route cache, the
// periodic heartbeat to every broker, and the handlers for requests brokers send to clients
// (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE, RESET_CONSUMER_CLIENT_OFFSET,
// GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY).
//
// Routes are refreshed every pollNameServerInterval (30 s) and on demand when a send finds
// none. Name servers are used one at a time, moving to the next on failure. Requests are
// matched to responses by opaque on pooled connections (one per broker address) that
// reconnect on the next request after a failure.
//
// Thread safety: all methods are thread-safe. Lifetime: Start() before use; Shutdown()
// unregisters every group from every broker, closes connections and stops the threads; after
// it returns no callback of this instance runs.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "client/client_config.h"
#include "client/message.h"
#include "client/task_pool.h"
#include "engine/base/mutex.h"
#include "server/net/client.h"
#include "server/net/io_pool.h"
#include "server/protocol/route_data.h"
#include "server/protocol/subscription.h"
#include "server/remoting/handler.h"

namespace tern::client {

// What a consumer contributes to heartbeats and how the instance reaches it.
struct ConsumerRegistration {
  std::string group;
  std::string consume_type = "CONSUME_PASSIVELY";
  std::string message_model = "CLUSTERING";
  std::string consume_from_where = "CONSUME_FROM_LAST_OFFSET";
  // Current subscriptions (wire topic names).
  std::function<std::vector<protocol::SubscriptionData>()> subscriptions;
  // NOTIFY_CONSUMER_IDS_CHANGED: rebalance now.
  std::function<void()> on_ids_changed;
  // GET_CONSUMER_RUNNING_INFO (307): the ConsumerRunningInfo JSON body.
  std::function<std::string()> running_info;
  // CONSUME_MESSAGE_DIRECTLY (309): consumes `msg` with the listener and returns the
  // ConsumeMessageDirectlyResult JSON body. Runs on the instance's admin thread.
  std::function<std::string(const MessageExt& msg, const std::string& broker_name)>
      consume_directly;
  // RESET_CONSUMER_CLIENT_OFFSET (220): consume `topic` (wire name) from these offsets now.
  // Runs on the instance's admin thread.
  std::function<void(const std::string& topic, const std::map<MessageQueue, int64_t>& offsets)>
      reset_offsets;
  // GET_CONSUMER_STATUS_FROM_CLIENT (221): the in-memory offsets of `topic` (wire name; every
  // topic when empty). Must not block.
  std::function<std::map<MessageQueue, int64_t>(const std::string& topic)> offset_table;
};

// CHECK_TRANSACTION_STATE (39) for a producer group: decides the outcome of a half message
// and answers the broker (END_TRANSACTION, oneway, to `broker_addr`). Runs on the instance's
// admin thread.
using TransactionChecker =
    std::function<void(const std::string& broker_addr, const remoting::RemotingCommand& request,
                       const MessageExt& half)>;

// Publish/subscribe view of one topic's route.
struct TopicRoute {
  protocol::TopicRouteData data;
  std::vector<MessageQueue> publish_queues;         // writable queues of masters, sorted by broker
  std::vector<MessageQueue> subscribe_queues;       // readable queues
  std::map<std::string, std::string> master_addrs;  // broker name -> master address
};

class ClientInstance {
 public:
  explicit ClientInstance(ClientConfig config);
  ~ClientInstance();
  ClientInstance(const ClientInstance&) = delete;
  ClientInstance& operator=(const ClientInstance&) = delete;

  absl::Status Start();
  void Shutdown();

  const ClientConfig& config() const { return config_; }
  const std::string& client_id() const { return client_id_; }
  // ip@instanceName without the per-process suffix: the same across restarts (the key of a
  // broadcasting consumer's offsets file).
  std::string stable_id() const {
    return (config_.client_ip.empty() ? std::string("127.0.0.1") : config_.client_ip) + "@" +
           config_.instance_name;
  }
  net::IoPool& pool() { return *pool_; }

  // The route of `topic`, from the cache or the name server. NotFound when no route exists.
  absl::StatusOr<std::shared_ptr<const TopicRoute>> Route(const std::string& topic,
                                                          bool refresh = false);
  std::optional<std::string> MasterAddr(const std::string& broker_name) const;

  // Request/response with a broker or name server address.
  void Invoke(const std::string& addr, remoting::RemotingCommand request, std::string body,
              std::chrono::milliseconds timeout, net::Connection::ResponseCallback done);
  absl::StatusOr<net::Response> InvokeSync(const std::string& addr,
                                           remoting::RemotingCommand request, std::string body,
                                           std::chrono::milliseconds timeout);
  void InvokeOneway(const std::string& addr, remoting::RemotingCommand request, std::string body);
  // A name server request with failover across the configured name servers.
  absl::StatusOr<net::Response> InvokeNamesrv(remoting::RemotingCommand request, std::string body);

  void RegisterProducer(const std::string& group, TransactionChecker checker = nullptr);
  void UnregisterProducer(const std::string& group);
  void RegisterConsumer(std::shared_ptr<ConsumerRegistration> consumer);
  void UnregisterConsumer(const std::string& group);
  // Runs `fn` on an I/O thread after `delay`; dropped if the instance shuts down first.
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> fn);
  // Heartbeats every broker of every known route now.
  void SendHeartbeatToAllBrokers();

  // The consumer ids of `group` as a broker of `topic` knows them.
  absl::StatusOr<std::vector<std::string>> ConsumerIds(const std::string& topic,
                                                       const std::string& group);

  // Namespaced wire name of a topic or group ("ns%name"; unchanged without a namespace).
  std::string Wrap(const std::string& name) const;
  std::string Unwrap(const std::string& name) const;

 private:
  void RunTimer();
  // client_requests.cc: handlers for the requests brokers send to clients.
  void RegisterRequestHandlers();
  std::shared_ptr<ConsumerRegistration> FindConsumer(const std::string& group) const;
  void RefreshAllRoutes();
  std::string HeartbeatBody() const;
  std::vector<std::string> AllBrokerAddrs() const;

  const ClientConfig config_;
  std::string client_id_;
  std::unique_ptr<net::IoPool> pool_;
  // Runs broker requests that may block (consume directly, transaction checks).
  std::unique_ptr<TaskPool> admin_;
  remoting::HandlerTable handlers_;
  std::unique_ptr<net::RemotingClient> remoting_;

  mutable Mutex mu_;
  std::map<std::string, std::shared_ptr<const TopicRoute>> routes_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> producers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, TransactionChecker> checkers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<ConsumerRegistration>> consumers_ ABSL_GUARDED_BY(mu_);
  size_t namesrv_index_ ABSL_GUARDED_BY(mu_) = 0;

  Mutex timer_mu_;
  CondVar timer_cv_;
  bool stopping_ ABSL_GUARDED_BY(timer_mu_) = false;
  std::thread timer_;
  bool started_ = false;
  class CallGuard;
  std::atomic<bool> stopped_{false};
  std::atomic<int> active_calls_{0};
};

// The Java client's unique message id (UNIQ_KEY): client IP (IPv4 `ip`, or 127.0.0.1), pid, a
// per-process random int, milliseconds since the start of the month and a counter, as 32
// upper-case hex digits.
std::string NewUniqueMessageId(std::string_view ip = "127.0.0.1");

}  // namespace tern::client
