// client_registry.h: the producers and consumers the broker knows from heartbeats, keyed by
// (group, connection) as RocketMQ does (one clientId may use several connections and one
// process several clientIds).
//
// Consumer groups also keep their subscriptions, per topic for the whole group (last
// heartbeat wins for a topic only when its subVersion is newer; topics missing from a
// heartbeat are removed: protocol.md 2.5). Register/Unregister/OnChannelClosed/Expire report
// whether the group's membership or topic set changed, which is when the broker sends
// NOTIFY_CONSUMER_IDS_CHANGED to the group.
//
// Thread safety: all methods are thread-safe (one mutex; no I/O under it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "engine/base/mutex.h"
#include "server/broker/subscription.h"
#include "server/remoting/channel.h"

namespace tern::broker {

struct ClientChannel {
  remoting::ChannelPtr channel;
  std::string client_id;
  remoting::LanguageCode language = remoting::LanguageCode::kJava;
  int32_t version = 0;
  int64_t last_update_ms = 0;
};

struct ConsumerGroupInfo {
  std::string group;
  std::string consume_type = "CONSUME_PASSIVELY";
  std::string message_model = "CLUSTERING";
  std::string consume_from_where = "CONSUME_FROM_LAST_OFFSET";
  std::map<uint64_t, ClientChannel> channels;             // by channel id
  std::map<std::string, SubscriptionData> subscriptions;  // by topic
  // Clients whose last heartbeat disagreed with the group's subscriptions (RocketMQ #2836).
  std::vector<std::string> inconsistent;
};

struct ConsumerHeartbeat {
  std::string group;
  std::string consume_type;
  std::string message_model;
  std::string consume_from_where;
  std::vector<SubscriptionData> subscriptions;
};

class ClientRegistry {
 public:
  // Returns true when the group's members or topics changed (notify the group).
  bool RegisterConsumer(const ConsumerHeartbeat& hb, const ClientChannel& client);
  void RegisterProducer(const std::string& group, const ClientChannel& client);
  // Returns true when a consumer left the group.
  bool UnregisterConsumer(const std::string& group, uint64_t channel_id);
  void UnregisterProducer(const std::string& group, uint64_t channel_id);
  // Drops every registration of a closed connection; returns the consumer groups it left.
  std::vector<std::string> OnChannelClosed(uint64_t channel_id);
  // Drops registrations not refreshed since `deadline_ms`; returns the consumer groups that
  // changed and the channels that were dropped (the caller closes them).
  struct Expired {
    std::vector<std::string> groups;
    std::vector<remoting::ChannelPtr> channels;
  };
  Expired Expire(int64_t deadline_ms);

  std::optional<ConsumerGroupInfo> Consumer(const std::string& group) const;
  std::vector<std::string> ConsumerIds(const std::string& group) const;
  std::vector<remoting::ChannelPtr> ConsumerChannels(const std::string& group) const;
  std::optional<SubscriptionData> Subscription(const std::string& group,
                                               const std::string& topic) const;
  std::vector<std::string> ConsumerGroups() const;
  std::vector<std::string> ConsumerGroupsOfTopic(const std::string& topic) const;
  std::vector<ClientChannel> Producers(const std::string& group) const;
  std::vector<std::string> ProducerGroups() const;

 private:
  mutable Mutex mu_;
  std::map<std::string, ConsumerGroupInfo> consumers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<uint64_t, ClientChannel>> producers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::broker
