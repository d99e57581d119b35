#include "server/http/http_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <memory>

#include "absl/strings/numbers.h"
#include "engine/base/thread_name.h"

namespace tern::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kHeaderLimit = 16 * 1024;
constexpr size_t kBodyLimit = 1024 * 1024;
constexpr std::chrono::seconds kReadTimeout{30};
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr size_t kLingerBytes = 8 * 1024 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Router* router, std::atomic<size_t>* open)
      : stream_(std::move(socket)), router_(router), open_(open) {
    open_->fetch_add(1);
    boost::system::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = fmt::format("{}:{}", peer.address().to_string(), peer.port());
  }
  ~Session() { open_->fetch_sub(1); }

  void Run() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kReadTimeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout) return Close();
    if (ec == bhttp::error::body_limit) {
      return Send(HttpResponse::Text(413, "request body too large\n"), false);
    }
    if (ec == bhttp::error::header_limit) {
      return Send(HttpResponse::Text(431, "request header too large\n"), false);
    }
    if (ec) {
      return Send(HttpResponse::Text(400, fmt::format("bad request: {}\n", ec.message())), false);
    }
    const bhttp::request<bhttp::string_body>& req = parser_->get();
    HttpRequest r;
    r.method = std::string(req.method_string());
    ParseTarget(std::string_view(req.target().data(), req.target().size()), &r.path, &r.query);
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    r.body = req.body();
    r.remote_address = remote_;
    HttpResponse response;
    try {
      response = router_->Dispatch(r);
    } catch (const std::exception& e) {
      spdlog::error("http {} {}: handler threw: {}", r.method, r.path, e.what());
      response = HttpResponse::Text(500, "internal error\n");
    }
    if (r.method == "HEAD") response.body.clear();
    Send(std::move(response), req.keep_alive());
  }

  void Send(HttpResponse response, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->result(static_cast<unsigned>(response.status));
    res->version(11);
    res->set(bhttp::field::server, "tern");
    res->set(bhttp::field::content_type, response.content_type);
    res->set(bhttp::field::cache_control, "no-store");
    for (const auto& [k, v] : response.headers) res->set(k, v);
    res->keep_alive(keep_alive);
    res->body() = std::move(response.body);
    res->prepare_payload();
    stream_.expires_after(kReadTimeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         if (!keep_alive) return self->Linger();
                         self->Read();
                       });
  }

  // A lingering close (as nginx does): after the last response, stop sending and discard what the
  // client is still writing (a rejected oversized body, say) for a bounded time and size, so the
  // kernel does not answer the unread bytes with a reset that destroys the response in flight.
  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    if (!drain_) drain_ = std::make_unique<std::array<char, 16 * 1024>>();
    stream_.expires_after(kLingerTimeout);
    stream_.async_read_some(asio::buffer(*drain_),
                            [self = shared_from_this()](beast::error_code rec, size_t n) {
                              self->drained_ += n;
                              if (rec || self->drained_ > kLingerBytes) return self->Close();
                              self->Linger();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::unique_ptr<std::array<char, 16 * 1024>> drain_;
  size_t drained_ = 0;
  const Router* router_;
  std::atomic<size_t>* open_;
  std::string remote_;
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  const Router* router = nullptr;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::atomic<size_t> open{0};
  std::atomic<bool> stopped{false};

  void Accept() {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || stopped.load()) return;
        spdlog::warn("http accept: {}", ec.message());
      } else if (open.load() >= options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), router, &open)->Run();
      }
      Accept();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                              const Router* router) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->router = router;
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        fmt::format("http address '{}' is not an IP address", options.address));
  }
  const tcp::endpoint ep(address, static_cast<uint16_t>(options.port));
  impl->acceptor.open(ep.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(ep, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(fmt::format("http: cannot listen on {}:{}: {}", options.address,
                                              options.port, ec.message()));
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  server->port_ = server->impl_->acceptor.local_endpoint().port();
  Impl* i = server->impl_.get();
  i->Accept();
  for (int t = 0; t < std::max(1, options.threads); ++t) {
    i->threads.emplace_back([i] {
      SetThreadName("tern-http");
      i->io.run();
    });
  }
  return server;
}

void HttpServer::Stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  asio::post(impl_->io, [i = impl_.get()] {
    beast::error_code ec;
    i->acceptor.close(ec);
  });
  impl_->io.stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

absl::StatusOr<HttpServerOptions> ParseHttpAddr(std::string_view addr) {
  HttpServerOptions o;
  std::string_view port = addr;
  const size_t colon = addr.rfind(':');
  if (colon != std::string_view::npos) {
    if (colon > 0) o.address = std::string(addr.substr(0, colon));
    port = addr.substr(colon + 1);
  }
  if (!o.address.empty() && o.address.front() == '[' && o.address.back() == ']') {
    o.address = o.address.substr(1, o.address.size() - 2);
  }
  int p = 0;
  if (!absl::SimpleAtoi(std::string(port), &p) || p < 0 || p > 65535) {
    return absl::InvalidArgumentError(fmt::format(
        "http address '{}' is not host:port (e.g. 127.0.0.1:8080 or 0.0.0.0:8080)", addr));
  }
  o.port = p;
  return o;
}

}  // namespace tern::http
