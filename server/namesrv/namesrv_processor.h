// namesrv_processor.h: NamesrvProcessor, the name server's request handling in one object, for
// the server to plug into its transport:
//
//   RouteTable routes;                       // or RouteTable(clock) in tests
//   KvConfigManager kv(fs, config.kv_config_path);
//   TERN_RETURN_IF_ERROR(kv.Load(warn));
//   NamesrvProcessor processor(config, &routes, &kv);
//   remoting::HandlerTable table;
//   processor.RegisterHandlers(table);       // every code of protocol.md 2.3
//   // network layer: table.Dispatch(channel, request, body) per request,
//   //   processor.OnChannelClosed(channel->id()) per closed connection;
//   // timer: processor.Scan(NowMillis()) every 10 s (first 5 s after start).
//
// It owns the live configuration (UPDATE_NAMESRV_CONFIG changes it) and the two handler sets
// (route_handlers.h, admin_handlers.h); the route table and the KV store are the caller's.
//
// Thread safety: thread-safe after RegisterHandlers. Lifetimes: `routes` and `kv` must outlive
// the processor, and the processor every HandlerTable it registered into.
#pragma once

#include <cstdint>

#include "server/namesrv/admin_handlers.h"
#include "server/namesrv/kv_config_manager.h"
#include "server/namesrv/namesrv_config.h"
#include "server/namesrv/route_handlers.h"
#include "server/namesrv/route_table.h"
#include "server/remoting/handler.h"

namespace tern::namesrv {

class NamesrvProcessor {
 public:
  NamesrvProcessor(NamesrvConfig config, RouteTable* routes, KvConfigManager* kv);
  NamesrvProcessor(const NamesrvProcessor&) = delete;
  NamesrvProcessor& operator=(const NamesrvProcessor&) = delete;

  void RegisterHandlers(remoting::HandlerTable& table);
  // A connection closed: brokers registered through it are dropped.
  void OnChannelClosed(uint64_t channel_id);
  // The 10 s liveness scan: drops brokers silent for 120 s; returns how many.
  int Scan(int64_t now_millis);
  // The current configuration (a copy).
  NamesrvConfig config() const { return config_.Get(); }

 private:
  RuntimeConfig config_;
  RouteHandlers route_handlers_;
  AdminHandlers admin_handlers_;
};

}  // namespace tern::namesrv
