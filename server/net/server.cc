#include "server/net/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <future>
#include <thread>

namespace tern::net {

Server::Server(IoPool* pool, const remoting::HandlerTable* handlers, ServerOptions options,
               CloseCallback on_close)
    : pool_(pool),
      handlers_(handlers),
      options_(std::move(options)),
      on_close_(std::move(on_close)) {}

Server::~Server() { Stop(); }

absl::Status Server::Start() {
  boost::system::error_code ec;
  const boost::asio::ip::address addr = boost::asio::ip::make_address(options_.bind_address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        fmt::format("bad listen address '{}': {}", options_.bind_address, ec.message()));
  }
  for (int port : options_.ports) {
    auto acceptor = std::make_unique<boost::asio::ip::tcp::acceptor>(pool_->At(0));
    const boost::asio::ip::tcp::endpoint ep(addr, static_cast<uint16_t>(port));
    acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->set_option(boost::asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(4096, ec);
    if (ec) {
      return absl::UnavailableError(
          fmt::format("cannot listen on {}:{}: {}", options_.bind_address, port, ec.message()));
    }
    bound_ports_.push_back(acceptor->local_endpoint().port());
    acceptors_.push_back(std::move(acceptor));
  }
  for (size_t i = 0; i < acceptors_.size(); ++i) Accept(i);
  return absl::OkStatus();
}

void Server::Accept(size_t i) {
  pending_accepts_.fetch_add(1);
  acceptors_[i]->async_accept(pool_->Next(), [this, i](const boost::system::error_code& ec,
                                                       boost::asio::ip::tcp::socket socket) {
    struct Done {
      std::atomic<int>* n;
      ~Done() { n->fetch_sub(1); }
    } done{&pending_accepts_};
    if (stopping_.load()) {
      boost::system::error_code ignored;
      socket.close(ignored);
      return;
    }
    if (ec) {
      if (ec != boost::asio::error::operation_aborted) {
        spdlog::warn("accept on port {}: {}", bound_ports_[i], ec.message());
        Accept(i);
      }
      return;
    }
    if (connections_count_.load() >= options_.max_connections) {
      boost::system::error_code ignored;
      spdlog::warn("refusing connection from {}: {} connections open (maxConnections)",
                   socket.remote_endpoint(ignored).address().to_string(),
                   connections_count_.load());
      socket.close(ignored);
      Accept(i);
      return;
    }
    auto conn = Connection::Create(std::move(socket), handlers_, options_.connection,
                                   [this](const std::shared_ptr<Connection>& c) { OnClosed(c); });
    {
      MutexLock lock(&mu_);
      connections_count_.fetch_add(1);
      connections_[conn->id()] = conn;
    }
    conn->Start();
    Accept(i);
  });
}

void Server::OnClosed(const std::shared_ptr<Connection>& c) {
  // Runs before `this` can go away: Stop() waits for every connection to get here.
  if (on_close_) on_close_(c);
  MutexLock lock(&mu_);
  connections_.erase(c->id());
  connections_count_.fetch_sub(1);
  closed_cv_.SignalAll();
}

void Server::Stop(std::chrono::milliseconds wait) {
  if (stopping_.exchange(true)) return;
  // Close the acceptors on their thread and wait: their handlers see stopping_ and return.
  for (auto& a : acceptors_) {
    std::promise<void> done;
    boost::asio::post(a->get_executor(), [acc = a.get(), &done] {
      boost::system::error_code ignored;
      acc->cancel(ignored);
      done.set_value();
    });
    done.get_future().wait();
  }
  while (pending_accepts_.load() > 0) std::this_thread::yield();  // aborted handlers finishing
  std::vector<std::shared_ptr<Connection>> live;
  {
    MutexLock lock(&mu_);
    for (auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) c->Close(/*flush=*/true);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  MutexLock lock(&mu_);
  while (connections_count_.load() > 0) {
    if (!closed_cv_.WaitUntil(&mu_, deadline) && std::chrono::steady_clock::now() >= deadline) {
      // Peers that do not read their last responses: close without flushing.
      for (auto& [id, weak] : connections_) {
        if (auto c = weak.lock()) c->Close(/*flush=*/false);
      }
      closed_cv_.WaitFor(&mu_, std::chrono::seconds(1));
      break;
    }
  }
}

std::vector<int> Server::ports() const { return bound_ports_; }

}  // namespace tern::net
