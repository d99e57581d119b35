// admin_handlers.h: the name server's admin commands (protocol.md 2.3): PUT/GET/DELETE_KV_CONFIG
// (100/101/102), GET_KVLIST_BY_NAMESPACE (219), WIPE/ADD_WRITE_PERM_OF_BROKER (205/327),
// DELETE_TOPIC_IN_NAMESRV (216), UPDATE/GET_NAMESRV_CONFIG (318/319).
//
// The writes (100, 102, 205, 327, 216, 318) are accepted only from loopback peers unless
// adminAllowRemote is set (the CVE-2023-33246 lesson: a name server reachable from the
// network must not take admin writes from it); a refusal is NO_PERMISSION (16) with a remark
// naming the command and the peer. UPDATE_NAMESRV_CONFIG is further limited to the keys of
// kRuntimeUpdatableKeys (namesrv_config.h); other keys are refused with 16 naming them.
// Reads (101, 219, 319) are open. A missing header field is SYSTEM_ERROR (1) naming it; a
// missing KV entry or namespace is QUERY_NOT_FOUND (22).
//
// Thread safety: thread-safe. Lifetimes: the RouteTable, KvConfigManager and RuntimeConfig
// must outlive this object, and this object every HandlerTable it registered into.
#pragma once

#include <cstdint>
#include <string>

#include "server/namesrv/kv_config_manager.h"
#include "server/namesrv/namesrv_config.h"
#include "server/namesrv/route_table.h"
#include "server/remoting/handler.h"

namespace tern::namesrv {

// True for the request codes that change name server state on an administrator's behalf.
bool IsAdminWriteCode(int32_t code);

class AdminHandlers {
 public:
  AdminHandlers(RouteTable* routes, KvConfigManager* kv, RuntimeConfig* config);
  AdminHandlers(const AdminHandlers&) = delete;
  AdminHandlers& operator=(const AdminHandlers&) = delete;

  void Register(remoting::HandlerTable& table);

  void PutKvConfig(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void GetKvConfig(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void DeleteKvConfig(const remoting::ChannelPtr& channel,
                      const remoting::RemotingCommand& request);
  void GetKvList(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void UpdateWritePerm(const remoting::ChannelPtr& channel,
                       const remoting::RemotingCommand& request, bool writable);
  void DeleteTopic(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void UpdateConfig(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
                    const std::string& body);
  void GetConfig(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);

 private:
  // For admin write codes: true if the peer may issue it, else answers 16 and returns false.
  bool Admit(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);

  RouteTable* const routes_;
  KvConfigManager* const kv_;
  RuntimeConfig* const config_;
};

}  // namespace tern::namesrv
