// channel.h: the transport-neutral handle a request handler answers through.
//
// A Channel is one client connection as the protocol layer sees it: handlers send responses
// (now or later: long-polled pulls and flush waits answer asynchronously) and the server may
// send its own requests (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE, ...). The
// network layer implements it on a Boost.Asio socket; tests may implement it in memory.
//
// Thread safety: every method may be called from any thread. Sends after the connection
// closed are dropped silently (closed() tells). Lifetime: shared_ptr; holding one keeps the
// handle valid, not the connection open.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "server/remoting/command.h"

namespace tern::remoting {

// A response body made of borrowed views (e.g. stored messages in the CommitLog mapping) kept
// alive by `keep_alive` until the bytes are written.
struct ViewBody {
  std::vector<ByteSpan> parts;
  std::shared_ptr<const void> keep_alive;
  size_t size() const {
    size_t n = 0;
    for (ByteSpan p : parts) n += p.size();
    return n;
  }
};

class Channel {
 public:
  virtual ~Channel() = default;

  // Sends `cmd` with an owned body. Used for responses and server-initiated requests.
  virtual void Send(RemotingCommand cmd, std::string body) = 0;
  // Sends `cmd` with a body of borrowed views (zero copy).
  virtual void SendViews(RemotingCommand cmd, ViewBody body) = 0;
  // Closes the connection (after writing what is queued, when `flush` is true).
  virtual void Close(bool flush) = 0;
  virtual bool closed() const = 0;

  // Unique per process for the connection's lifetime.
  virtual uint64_t id() const = 0;
  // Peer address as "a.b.c.d:port" (IPv4-mapped IPv6 shown as IPv4).
  virtual const std::string& remote_address() const = 0;
  // True when the peer is on a loopback address (admin codes are loopback-only by default).
  virtual bool is_loopback() const = 0;
  // The local port the connection arrived on (10911 vs the VIP port 10909).
  virtual int local_port() const = 0;
};

using ChannelPtr = std::shared_ptr<Channel>;

}  // namespace tern::remoting
