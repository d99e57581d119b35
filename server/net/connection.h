// connection.h: one TCP connection speaking RocketMQ remoting, on one io_context.
//
// Symmetric: the same class serves broker/name-server sockets (incoming requests go to a
// HandlerTable; responses go back through the Channel interface) and client sockets
// (Invoke() sends a request and matches its response by opaque, with a timeout). Either side
// may send requests, as RocketMQ does (the broker's NOTIFY_CONSUMER_IDS_CHANGED and
// CHECK_TRANSACTION_STATE travel on the client's connection).
//
// Threading: the connection lives on one io_context and all its state is touched only from
// that context's thread; it takes no locks. The Channel methods and Invoke() may be called
// from any thread: they encode on the caller's thread and hand the bytes over with
// asio::dispatch. Writes are gathered: queued frames (header buffer + owned body or borrowed
// views into the CommitLog mapping) go out in one writev.
//
// Limits: frames above max_frame_bytes, or whose header does not parse, close the connection
// with one log line (other connections are untouched); a write queue above
// max_write_queue_bytes (a peer that does not read) closes it; so does idle_timeout of
// silence. Lifetime: shared_ptr; the connection keeps itself alive while I/O is pending.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "server/remoting/channel.h"
#include "server/remoting/handler.h"

namespace tern::net {

struct ConnectionOptions {
  // Largest accepted frame (RocketMQ's frameMaxLength, 16 MiB).
  size_t max_frame_bytes = size_t{16} << 20;
  // Bytes queued for writing before the peer is considered stuck and dropped.
  size_t max_write_queue_bytes = size_t{64} << 20;
  // Silence after which the connection is closed (serverChannelMaxIdleTimeSeconds, 120 s).
  std::chrono::milliseconds idle_timeout{120000};
  // Initial read buffer; it grows to the largest frame seen.
  size_t read_buffer_bytes = 64 * 1024;
};

// A response to Invoke(): the decoded command and its body.
struct Response {
  remoting::RemotingCommand command;
  std::string body;
};

class Connection : public remoting::Channel, public std::enable_shared_from_this<Connection> {
 public:
  using CloseCallback = std::function<void(const std::shared_ptr<Connection>&)>;
  using ResponseCallback = std::function<void(absl::StatusOr<Response>)>;

  // `handlers` may be null (a pure client connection); it must outlive the connection.
  // `on_close` runs once, on the connection's thread, when it closes for any reason.
  static std::shared_ptr<Connection> Create(boost::asio::ip::tcp::socket socket,
                                            const remoting::HandlerTable* handlers,
                                            ConnectionOptions options, CloseCallback on_close);
  ~Connection() override;

  // Starts reading. Call once, after Create.
  void Start();

  // remoting::Channel
  void Send(remoting::RemotingCommand cmd, std::string body) override;
  void SendViews(remoting::RemotingCommand cmd, remoting::ViewBody body) override;
  void Close(bool flush) override;
  bool closed() const override { return closed_.load(std::memory_order_acquire); }
  uint64_t id() const override { return id_; }
  const std::string& remote_address() const override { return remote_address_; }
  bool is_loopback() const override { return loopback_; }
  int local_port() const override { return local_port_; }

  // Sends `request` (a fresh opaque is assigned) and calls `done` exactly once: with the
  // response, DeadlineExceeded after `timeout`, or Unavailable if the connection closes.
  // `done` runs on the connection's thread.
  void Invoke(remoting::RemotingCommand request, std::string body,
              std::chrono::milliseconds timeout, ResponseCallback done);
  // Sends `request` with the oneway flag; nothing comes back.
  void InvokeOneway(remoting::RemotingCommand request, std::string body);

  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  struct OutFrame {
    std::string head;  // length, header word, header (and the body when owned)
    remoting::ViewBody views;
  };
  struct Pending {
    ResponseCallback done;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  Connection(boost::asio::ip::tcp::socket socket, const remoting::HandlerTable* handlers,
             ConnectionOptions options, CloseCallback on_close);

  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  // Decodes every complete frame in the buffer; false if the connection was closed.
  bool ProcessFrames();
  void OnCommand(remoting::RemotingCommand cmd, std::string body);
  void Enqueue(OutFrame frame);
  void DoWrite();
  void OnWrite(const boost::system::error_code& ec, size_t n);
  void ArmIdleTimer();
  void CloseNow(const std::string& reason);
  static int32_t NextOpaque();

  boost::asio::ip::tcp::socket socket_;
  const remoting::HandlerTable* const handlers_;
  const ConnectionOptions options_;
  CloseCallback on_close_;
  const uint64_t id_;
  std::string remote_address_;
  bool loopback_ = false;
  int local_port_ = 0;
  std::atomic<bool> closed_{false};

  // Connection-thread state.
  std::vector<uint8_t> rbuf_;
  size_t rbegin_ = 0;
  size_t rend_ = 0;
  std::deque<OutFrame> wqueue_;
  size_t wqueue_bytes_ = 0;
  size_t writing_frames_ = 0;  // frames at the queue's front handed to the current write
  std::vector<boost::asio::const_buffer> gather_;
  bool close_after_flush_ = false;
  boost::asio::steady_timer idle_timer_;
  std::chrono::steady_clock::time_point last_activity_;
  absl::flat_hash_map<int32_t, Pending> pending_;
};

}  // namespace tern::net
