#include "server/net/client.h"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <thread>

#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"

namespace tern::net {

RemotingClient::RemotingClient(IoPool* pool, const remoting::HandlerTable* handlers,
                               ConnectionOptions options, std::chrono::milliseconds connect_timeout)
    : pool_(pool), handlers_(handlers), options_(options), connect_timeout_(connect_timeout) {}

RemotingClient::~RemotingClient() {
  closing_.store(true);
  CloseAll();
  // A connect in flight ends within connect_timeout (its timer closes the socket).
  while (pending_connects_.load() > 0) std::this_thread::yield();
  CloseAll();
}

void RemotingClient::GetConnection(const std::string& addr, ConnectCallback done) {
  bool start = false;
  std::shared_ptr<Connection> live;
  {
    MutexLock lock(&mu_);
    Slot& slot = slots_[addr];
    if (slot.conn && !slot.conn->closed()) {
      live = slot.conn;
    } else {
      slot.conn.reset();
      slot.waiters.push_back(std::move(done));
      if (!slot.connecting) {
        slot.connecting = true;
        start = true;
      }
    }
  }
  if (live) {
    done(std::move(live));
    return;
  }
  if (start) Connect(addr);
}

void RemotingClient::Connect(const std::string& addr) {
  absl::StatusOr<engine::HostPort> hp = engine::HostPort::Parse(addr);
  if (!hp.ok()) {
    Finish(addr, hp.status());
    return;
  }
  boost::asio::ip::address ip;
  if (hp->is_v6()) {
    boost::asio::ip::address_v6::bytes_type b;
    std::copy(hp->addr.begin(), hp->addr.end(), b.begin());
    ip = boost::asio::ip::address_v6(b);
  } else {
    ip = boost::asio::ip::address_v4({hp->addr[0], hp->addr[1], hp->addr[2], hp->addr[3]});
  }
  boost::asio::io_context& ctx = pool_->Next();
  pending_connects_.fetch_add(1);
  auto socket = std::make_shared<boost::asio::ip::tcp::socket>(ctx);
  auto timer = std::make_shared<boost::asio::steady_timer>(ctx, connect_timeout_);
  auto done = std::make_shared<std::atomic<bool>>(false);
  timer->async_wait([socket, done](const boost::system::error_code& ec) {
    if (ec || done->load()) return;
    boost::system::error_code ignored;
    socket->close(ignored);  // the connect handler reports the failure
  });
  socket->async_connect(
      boost::asio::ip::tcp::endpoint(ip, static_cast<uint16_t>(hp->port)),
      [this, addr, socket, timer, done](const boost::system::error_code& ec) {
        done->store(true);
        timer->cancel();
        if (ec || closing_.load()) {
          Finish(addr, absl::UnavailableError(
                           fmt::format("connect to {} failed: {}", addr,
                                       ec ? ec.message() : std::string("client shutting down"))));
        } else {
          auto conn = Connection::Create(std::move(*socket), handlers_, options_, nullptr);
          conn->Start();
          Finish(addr, std::move(conn));
        }
        pending_connects_.fetch_sub(1);
      });
}

void RemotingClient::Finish(const std::string& addr,
                            absl::StatusOr<std::shared_ptr<Connection>> result) {
  std::deque<ConnectCallback> waiters;
  {
    MutexLock lock(&mu_);
    Slot& slot = slots_[addr];
    slot.connecting = false;
    if (result.ok()) slot.conn = *result;
    waiters.swap(slot.waiters);
  }
  for (ConnectCallback& w : waiters) w(result);
}

void RemotingClient::Invoke(const std::string& addr, remoting::RemotingCommand request,
                            std::string body, std::chrono::milliseconds timeout,
                            Connection::ResponseCallback done) {
  GetConnection(addr,
                [request = std::move(request), body = std::move(body), timeout,
                 done = std::move(done)](absl::StatusOr<std::shared_ptr<Connection>> conn) mutable {
                  if (!conn.ok()) {
                    done(conn.status());
                    return;
                  }
                  (*conn)->Invoke(std::move(request), std::move(body), timeout, std::move(done));
                });
}

absl::StatusOr<Response> RemotingClient::InvokeSync(const std::string& addr,
                                                    remoting::RemotingCommand request,
                                                    std::string body,
                                                    std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<Response>>>();
  std::future<absl::StatusOr<Response>> result = promise->get_future();
  Invoke(addr, std::move(request), std::move(body), timeout,
         [promise](absl::StatusOr<Response> r) { promise->set_value(std::move(r)); });
  return result.get();
}

void RemotingClient::InvokeOneway(const std::string& addr, remoting::RemotingCommand request,
                                  std::string body) {
  GetConnection(addr, [request = std::move(request), body = std::move(body)](
                          absl::StatusOr<std::shared_ptr<Connection>> conn) mutable {
    if (conn.ok()) (*conn)->InvokeOneway(std::move(request), std::move(body));
  });
}

void RemotingClient::CloseAll() {
  std::vector<std::shared_ptr<Connection>> conns;
  {
    MutexLock lock(&mu_);
    for (auto& [addr, slot] : slots_) {
      if (slot.conn) conns.push_back(std::move(slot.conn));
    }
  }
  for (auto& c : conns) c->Close(false);
}

}  // namespace tern::net
