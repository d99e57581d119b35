// route_handlers.h: the broker- and client-facing name server commands (protocol.md 2.3):
// REGISTER_BROKER (103), UNREGISTER_BROKER (104), GET_ROUTEINFO_BY_TOPIC (105),
// GET_BROKER_CLUSTER_INFO (106), GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206),
// GET_TOPICS_BY_CLUSTER (224), GET_SYSTEM_TOPIC_LIST_FROM_NS (304), QUERY_DATA_VERSION (322);
// plus the two events that drop brokers: a connection closing and the 120 s expiry scan.
//
// Every handler answers synchronously through the request's channel (oneway requests are
// processed and never answered). A missing or malformed required header field, a body CRC
// mismatch or an undecodable body is SYSTEM_ERROR (1) with a remark naming the cause; an
// absent route is TOPIC_NOT_EXIST (17) with Java's remark.
//
// Thread safety: thread-safe; handlers may run on any number of I/O threads at once.
// Lifetimes: the RouteTable, KvConfigManager and RuntimeConfig must outlive this object, and
// this object must outlive every HandlerTable it registered into. It keeps weak references to
// the channels brokers registered through, so Scan can close an expired broker's connection
// (as Java does); Channel::Close may call OnChannelClosed re-entrantly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "engine/base/mutex.h"
#include "server/namesrv/kv_config_manager.h"
#include "server/namesrv/namesrv_config.h"
#include "server/namesrv/route_table.h"
#include "server/remoting/handler.h"

namespace tern::namesrv {

class RouteHandlers {
 public:
  RouteHandlers(RouteTable* routes, KvConfigManager* kv, const RuntimeConfig* config);
  RouteHandlers(const RouteHandlers&) = delete;
  RouteHandlers& operator=(const RouteHandlers&) = delete;

  void Register(remoting::HandlerTable& table);

  // The network layer calls this when a connection closes: brokers registered through it are
  // dropped at once.
  void OnChannelClosed(uint64_t channel_id);
  // Drops brokers silent for more than 120 s at `now_millis` and closes their connections;
  // returns how many were dropped. The server calls it every 10 s.
  int Scan(int64_t now_millis);

  void RegisterBroker(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
                      const std::string& body);
  void UnregisterBroker(const remoting::ChannelPtr& channel,
                        const remoting::RemotingCommand& request);
  void GetRouteInfo(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void GetClusterInfo(const remoting::ChannelPtr& channel,
                      const remoting::RemotingCommand& request);
  void GetAllTopics(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void GetTopicsByCluster(const remoting::ChannelPtr& channel,
                          const remoting::RemotingCommand& request);
  void GetSystemTopics(const remoting::ChannelPtr& channel,
                       const remoting::RemotingCommand& request);
  void QueryDataVersion(const remoting::ChannelPtr& channel,
                        const remoting::RemotingCommand& request, const std::string& body);

 private:
  RouteTable* const routes_;
  KvConfigManager* const kv_;
  const RuntimeConfig* const config_;

  Mutex channels_mu_;
  absl::flat_hash_map<uint64_t, std::weak_ptr<remoting::Channel>> broker_channels_
      ABSL_GUARDED_BY(channels_mu_);
};

}  // namespace tern::namesrv
