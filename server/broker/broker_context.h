// broker_context.h: what the broker's request processors share — configuration, the store,
// the metadata managers, the client registry — plus hooks back into the broker.
//
// Owned by Broker, which outlives every processor and every callback it hands out. Each
// member is thread-safe on its own; the context adds no synchronization.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "engine/commit_log_codec.h"
#include "engine/message_store.h"
#include "server/broker/broker_config.h"
#include "server/broker/client_registry.h"
#include "server/broker/consumer_offset_manager.h"
#include "server/broker/queue_lock_manager.h"
#include "server/broker/subscription_group_manager.h"
#include "server/broker/topic_config_manager.h"
#include "server/remoting/channel.h"
#include "server/remoting/command.h"

namespace tern::broker {

class BrokerStats;
class RerouteServices;
class SqlFilterCache;

// Message counters for runtime info and metrics.
struct BrokerCounters {
  std::atomic<int64_t> put_messages{0};
  std::atomic<int64_t> put_bytes{0};
  std::atomic<int64_t> get_messages{0};
  std::atomic<int64_t> get_bytes{0};
  std::atomic<int64_t> send_busy{0};
  std::atomic<int64_t> send_busy_flush{0};     // SYSTEM_BUSY: SYNC_FLUSH backlog
  std::atomic<int64_t> send_busy_dispatch{0};  // SYSTEM_BUSY: dispatch backlog
  std::atomic<int64_t> send_errors{0};
};

struct BrokerContext {
  const BrokerConfig* config = nullptr;
  // brokerPermission as it is now: config->broker_permission at start, then what
  // UPDATE_BROKER_CONFIG sets (the one key applied at run time; the rest wait for a restart).
  std::atomic<int32_t> broker_permission{6};
  engine::MessageStore* store = nullptr;
  TopicConfigManager* topics = nullptr;
  SubscriptionGroupManager* groups = nullptr;
  ConsumerOffsetManager* offsets = nullptr;
  ClientRegistry* clients = nullptr;
  // Compiled SQL92 subscriptions (sql_filter_cache.h).
  SqlFilterCache* sql_filters = nullptr;
  QueueLockManager* locks = nullptr;  // orderly consumers' queue locks
  BrokerCounters* counters = nullptr;
  BrokerStats* stats = nullptr;  // per-topic/group traffic windows (broker_stats.h)
  engine::HostPort store_host;   // brokerIP1:listenPort, embedded in message ids
  int64_t boot_timestamp = 0;
  // Re-registers with every name server now (a full, oneway registration), e.g. after a topic
  // was created on the fly.
  std::function<void()> register_all;
  // Registers one created or updated topic (RocketMQ's incremental registration).
  std::function<void(const TopicConfig&)> register_topic;
  // Posts a task to an I/O thread (long-poll re-runs).
  std::function<void(std::function<void()>)> post;
  // Runs a task on the broker's admin worker thread ("tern-admin"), for answers that walk
  // every group or topic and would otherwise stall an I/O thread's other connections. Tasks
  // run in order, only while the broker is alive. Empty in a context without a broker: then
  // callers run the task inline.
  std::function<void(std::function<void()>)> run_slow;
  // Delays, timers, retry/DLQ, transactions (reroute_services.h).
  RerouteServices* reroute = nullptr;
};

// Refuses admin write codes from non-loopback peers unless adminAllowRemote is set
// (CVE-2023-33246's lesson). Answers NO_PERMISSION itself and returns false when refused.
bool CheckAdminAllowed(const BrokerContext& ctx, const remoting::ChannelPtr& channel,
                       const remoting::RemotingCommand& request);

// Answers `request` with `code` and `remark` (no body).
void Reply(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
           int32_t code, std::string remark);

}  // namespace tern::broker
