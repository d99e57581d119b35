// handler.h: request handlers and the table that routes a request code to one.
//
// A handler gets the channel, the decoded request and its body (owned). It answers through
// the channel whenever it is ready — synchronously or later — and must answer every request
// that is not oneway exactly once (or close the connection). The table answers unknown codes
// with REQUEST_CODE_NOT_SUPPORTED (3) and a remark naming the code.
//
// Thread safety: the table is built before the server starts and read-only afterwards.
// Handlers run on the connection's I/O thread and must not block it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "server/remoting/channel.h"
#include "server/remoting/command.h"

namespace tern::remoting {

using RequestHandler =
    std::function<void(const ChannelPtr& channel, RemotingCommand request, std::string body)>;

class HandlerTable {
 public:
  void Register(int32_t code, RequestHandler handler) { handlers_[code] = std::move(handler); }
  // Routes `request`; unknown codes get code 3 unless the request is oneway.
  void Dispatch(const ChannelPtr& channel, RemotingCommand request, std::string body) const;
  bool Has(int32_t code) const { return handlers_.contains(code); }

 private:
  absl::flat_hash_map<int32_t, RequestHandler> handlers_;
};

}  // namespace tern::remoting
