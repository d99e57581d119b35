#include "server/net/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>

#include "engine/base/strings.h"
#include "server/net/wire.h"
#include "server/remoting/codes.h"

namespace tern::net {
namespace {

std::atomic<uint64_t> g_next_connection_id{1};
std::atomic<int32_t> g_next_opaque{1};

std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& ep, bool* loopback) {
  boost::asio::ip::address a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  }
  *loopback = a.is_loopback();
  if (a.is_v6()) return fmt::format("[{}]:{}", a.to_string(), ep.port());
  return fmt::format("{}:{}", a.to_string(), ep.port());
}

}  // namespace

int32_t Connection::NextOpaque() {
  return g_next_opaque.fetch_add(1, std::memory_order_relaxed) & 0x7FFFFFFF;
}

std::shared_ptr<Connection> Connection::Create(boost::asio::ip::tcp::socket socket,
                                               const remoting::HandlerTable* handlers,
                                               ConnectionOptions options, CloseCallback on_close) {
  return std::shared_ptr<Connection>(
      new Connection(std::move(socket), handlers, options, std::move(on_close)));
}

Connection::Connection(boost::asio::ip::tcp::socket socket, const remoting::HandlerTable* handlers,
                       ConnectionOptions options, CloseCallback on_close)
    : socket_(std::move(socket)),
      handlers_(handlers),
      options_(options),
      on_close_(std::move(on_close)),
      id_(g_next_connection_id.fetch_add(1)),
      idle_timer_(socket_.get_executor()) {
  boost::system::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  if (!ec) remote_address_ = FormatEndpoint(remote, &loopback_);
  const auto local = socket_.local_endpoint(ec);
  if (!ec) local_port_ = local.port();
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ec);
  rbuf_.resize(options_.read_buffer_bytes);
}

Connection::~Connection() = default;

void Connection::Start() {
  boost::asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->last_activity_ = std::chrono::steady_clock::now();
    self->ArmIdleTimer();
    self->DoRead();
  });
}

void Connection::DoRead() {
  if (closed()) return;
  if (rbegin_ == rend_) {
    rbegin_ = rend_ = 0;
  } else if (rend_ == rbuf_.size() && rbegin_ > 0) {
    // Move the partial frame to the front to make room.
    std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, rend_ - rbegin_);
    rend_ -= rbegin_;
    rbegin_ = 0;
  }
  if (rend_ == rbuf_.size()) rbuf_.resize(rbuf_.size() * 2);  // a frame bigger than the buffer
  socket_.async_read_some(boost::asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  if (ec) {
    CloseNow(ec == boost::asio::error::eof ? "" : ec.message());
    return;
  }
  last_activity_ = std::chrono::steady_clock::now();
  rend_ += n;
  if (!ProcessFrames()) return;
  DoRead();
}

bool Connection::ProcessFrames() {
  while (!closed() && rend_ > rbegin_) {
    wire::DecodeResult r = wire::DecodeOne(ByteSpan(rbuf_.data() + rbegin_, rend_ - rbegin_),
                                           options_.max_frame_bytes);
    if (r.kind == wire::Decoded::kNeedMore) {
      // Make sure the buffer can hold the whole frame once it arrives (the decoder has
      // checked the declared length against the limit).
      if (rend_ - rbegin_ >= 4) {
        const size_t need = 4 + LoadBE32(rbuf_.data() + rbegin_);
        if (need > rbuf_.size()) {
          std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, rend_ - rbegin_);
          rend_ -= rbegin_;
          rbegin_ = 0;
          rbuf_.resize(need);
        }
      }
      return true;
    }
    if (r.kind == wire::Decoded::kError) {
      spdlog::warn("connection {} from {}: broken frame, closing: {}", id_, remote_address_,
                   MessageOf(r.error));
      CloseNow("broken frame");
      return false;
    }
    std::string body(reinterpret_cast<const char*>(r.body.data()), r.body.size());
    rbegin_ += r.consumed;
    OnCommand(std::move(r.command), std::move(body));
  }
  return !closed();
}

void Connection::OnCommand(remoting::RemotingCommand cmd, std::string body) {
  if (cmd.is_response()) {
    auto it = pending_.find(cmd.opaque);
    if (it == pending_.end()) return;  // late response after a timeout
    Pending p = std::move(it->second);
    pending_.erase(it);
    if (p.timer) p.timer->cancel();
    p.done(Response{std::move(cmd), std::move(body)});
    return;
  }
  if (handlers_ == nullptr) {
    if (!cmd.is_oneway()) {
      Send(remoting::RemotingCommand::ResponseTo(
               cmd, remoting::response::kRequestCodeNotSupported,
               fmt::format(" request type {} not supported", cmd.code)),
           {});
    }
    return;
  }
  handlers_->Dispatch(shared_from_this(), std::move(cmd), std::move(body));
}

void Connection::Send(remoting::RemotingCommand cmd, std::string body) {
  if (closed()) return;
  OutFrame f;
  f.head = wire::EncodeHead(cmd, body.size());
  f.head += body;
  boost::asio::dispatch(
      socket_.get_executor(),
      [self = shared_from_this(), f = std::move(f)]() mutable { self->Enqueue(std::move(f)); });
}

void Connection::SendViews(remoting::RemotingCommand cmd, remoting::ViewBody body) {
  if (closed()) return;
  OutFrame f;
  f.head = wire::EncodeHead(cmd, body.size());
  f.views = std::move(body);
  boost::asio::dispatch(
      socket_.get_executor(),
      [self = shared_from_this(), f = std::move(f)]() mutable { self->Enqueue(std::move(f)); });
}

void Connection::Enqueue(OutFrame frame) {
  if (closed()) return;
  const size_t bytes = frame.head.size() + frame.views.size();
  if (wqueue_bytes_ + bytes > options_.max_write_queue_bytes) {
    spdlog::warn(
        "connection {} to {}: {} bytes queued for writing (limit {}): the peer does "
        "not read; closing",
        id_, remote_address_, wqueue_bytes_ + bytes, options_.max_write_queue_bytes);
    CloseNow("write queue limit");
    return;
  }
  wqueue_bytes_ += bytes;
  wqueue_.push_back(std::move(frame));
  if (writing_frames_ == 0) DoWrite();
}

void Connection::DoWrite() {
  gather_.clear();
  writing_frames_ = 0;
  for (const OutFrame& f : wqueue_) {
    if (gather_.size() + 1 + f.views.parts.size() > 64 && writing_frames_ > 0) break;
    gather_.emplace_back(f.head.data(), f.head.size());
    for (ByteSpan p : f.views.parts) gather_.emplace_back(p.data(), p.size());
    ++writing_frames_;
  }
  boost::asio::async_write(
      socket_, gather_, [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        self->OnWrite(ec, n);
      });
}

void Connection::OnWrite(const boost::system::error_code& ec, size_t n) {
  if (ec) {
    CloseNow(ec.message());
    return;
  }
  wqueue_bytes_ -= n;
  for (size_t i = 0; i < writing_frames_; ++i) wqueue_.pop_front();
  writing_frames_ = 0;
  if (!wqueue_.empty()) {
    DoWrite();
  } else if (close_after_flush_) {
    CloseNow("");
  }
}

void Connection::ArmIdleTimer() {
  const auto deadline = last_activity_ + options_.idle_timeout;
  idle_timer_.expires_at(deadline);
  idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->closed()) return;
    if (std::chrono::steady_clock::now() - self->last_activity_ >= self->options_.idle_timeout) {
      spdlog::info(
          "connection {} from {}: idle for {} s, closing", self->id_, self->remote_address_,
          std::chrono::duration_cast<std::chrono::seconds>(self->options_.idle_timeout).count());
      self->CloseNow("idle");
      return;
    }
    self->ArmIdleTimer();
  });
}

void Connection::Close(bool flush) {
  boost::asio::dispatch(socket_.get_executor(), [self = shared_from_this(), flush] {
    if (self->closed()) return;
    if (flush && !self->wqueue_.empty()) {
      self->close_after_flush_ = true;
    } else {
      self->CloseNow("");
    }
  });
}

void Connection::CloseNow(const std::string& reason) {
  if (closed_.exchange(true)) return;
  if (!reason.empty() && reason != "idle" && reason != "broken frame") {
    spdlog::debug("connection {} to {} closed: {}", id_, remote_address_, reason);
  }
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  idle_timer_.cancel();
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [opaque, p] : pending) {
    if (p.timer) p.timer->cancel();
    p.done(absl::UnavailableError(fmt::format("connection to {} closed", remote_address_)));
  }
  if (on_close_) {
    CloseCallback cb = std::move(on_close_);
    on_close_ = nullptr;
    cb(shared_from_this());
  }
}

void Connection::Invoke(remoting::RemotingCommand request, std::string body,
                        std::chrono::milliseconds timeout, ResponseCallback done) {
  request.opaque = NextOpaque();
  request.flag &= ~(remoting::kFlagResponse | remoting::kFlagOneway);
  OutFrame f;
  f.head = wire::EncodeHead(request, body.size());
  f.head += body;
  boost::asio::dispatch(socket_.get_executor(), [self = shared_from_this(), f = std::move(f),
                                                 opaque = request.opaque, timeout,
                                                 done = std::move(done)]() mutable {
    if (self->closed()) {
      done(
          absl::UnavailableError(fmt::format("connection to {} is closed", self->remote_address_)));
      return;
    }
    Pending p;
    p.done = std::move(done);
    p.timer = std::make_unique<boost::asio::steady_timer>(self->socket_.get_executor());
    p.timer->expires_after(timeout);
    p.timer->async_wait([self, opaque, timeout](const boost::system::error_code& ec) {
      if (ec) return;
      auto it = self->pending_.find(opaque);
      if (it == self->pending_.end()) return;
      Pending expired = std::move(it->second);
      self->pending_.erase(it);
      expired.done(absl::DeadlineExceededError(
          fmt::format("no response from {} within {} ms", self->remote_address_, timeout.count())));
    });
    self->pending_.emplace(opaque, std::move(p));
    self->Enqueue(std::move(f));
  });
}

void Connection::InvokeOneway(remoting::RemotingCommand request, std::string body) {
  request.opaque = NextOpaque();
  request.flag = (request.flag & ~remoting::kFlagResponse) | remoting::kFlagOneway;
  Send(std::move(request), std::move(body));
}

}  // namespace tern::net
