#include "server/namesrv/namesrv_processor.h"

#include <utility>

namespace tern::namesrv {

NamesrvProcessor::NamesrvProcessor(NamesrvConfig config, RouteTable* routes, KvConfigManager* kv)
    : config_(std::move(config)),
      route_handlers_(routes, kv, &config_),
      admin_handlers_(routes, kv, &config_) {}

void NamesrvProcessor::RegisterHandlers(remoting::HandlerTable& table) {
  route_handlers_.Register(table);
  admin_handlers_.Register(table);
}

void NamesrvProcessor::OnChannelClosed(uint64_t channel_id) {
  route_handlers_.OnChannelClosed(channel_id);
}

int NamesrvProcessor::Scan(int64_t now_millis) { return route_handlers_.Scan(now_millis); }

}  // namespace tern::namesrv
