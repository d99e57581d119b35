#include "client/client_instance.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <ctime>
#include <random>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "engine/commit_log_codec.h"
#include "server/protocol/json_writer.h"
#include "server/protocol/perm.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/client.h"

namespace tern::client {

namespace req = remoting::request;
namespace code = remoting::response;

std::vector<std::string> ParseNamesrvList(std::string_view list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(';', pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view a = list.substr(pos, end - pos);
    while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
    while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    if (!a.empty()) out.emplace_back(a);
    pos = end + 1;
  }
  return out;
}

std::string MessageQueue::ToString() const {
  return fmt::format("MessageQueue [topic={}, brokerName={}, queueId={}]", topic, broker_name,
                     queue_id);
}

std::string NewUniqueMessageId(std::string_view ip) {
  uint8_t a[4] = {127, 0, 0, 1};
  if (absl::StatusOr<engine::HostPort> hp = engine::HostPort::Parse(fmt::format("{}:0", ip));
      hp.ok() && !hp->is_v6()) {
    std::copy(hp->addr.begin(), hp->addr.begin() + 4, a);
  }
  static const uint32_t kRandom = std::random_device{}();
  static std::atomic<uint32_t> counter{0};
  // Milliseconds since the start of the current month (local time), as Java. The month's
  // bounds are cached (as Java's MessageClientIDSetter does) and computed under our own lock:
  // mktime re-reads TZ under a glibc lock TSan cannot see, so concurrent senders were reported
  // as racing.
  const int64_t now = NowMillis();
  static Mutex* const month_mu = new Mutex();
  static int64_t cached_start = 0;
  static int64_t cached_next = 0;
  int64_t month_start = 0;
  {
    MutexLock lock(month_mu);
    if (now < cached_start || now >= cached_next) {
      const std::time_t secs = static_cast<std::time_t>(now / 1000);
      std::tm tm{};
      localtime_r(&secs, &tm);
      tm.tm_mday = 1;
      tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
      tm.tm_isdst = -1;
      std::tm next = tm;
      cached_start = static_cast<int64_t>(std::mktime(&tm)) * 1000;
      next.tm_mon += 1;
      cached_next = static_cast<int64_t>(std::mktime(&next)) * 1000;
    }
    month_start = cached_start;
  }
  return fmt::format("{:02X}{:02X}{:02X}{:02X}{:04X}{:08X}{:08X}{:04X}", a[0], a[1], a[2], a[3],
                     static_cast<uint16_t>(::getpid()), kRandom,
                     static_cast<uint32_t>(now - month_start),
                     static_cast<uint16_t>(counter.fetch_add(1)));
}

ClientInstance::ClientInstance(ClientConfig config) : config_(std::move(config)) {
  const std::string instance =
      config_.instance_name == "DEFAULT"
          ? fmt::format("{}#{}", ::getpid(),
                        std::chrono::steady_clock::now().time_since_epoch().count())
          : config_.instance_name;
  client_id_ =
      fmt::format("{}@{}", config_.client_ip.empty() ? "127.0.0.1" : config_.client_ip, instance);
}

ClientInstance::~ClientInstance() { Shutdown(); }

absl::Status ClientInstance::Start() {
  if (config_.namesrv_addrs.empty()) {
    return absl::InvalidArgumentError("no name server address configured");
  }
  pool_ = std::make_unique<net::IoPool>(std::max(1, config_.io_threads), "tern-client");
  pool_->Start();
  admin_ = std::make_unique<TaskPool>(1, "tern-client-adm");
  RegisterRequestHandlers();
  remoting_ = std::make_unique<net::RemotingClient>(pool_.get(), &handlers_);
  started_ = true;
  timer_ = std::thread([this] { RunTimer(); });
  return absl::OkStatus();
}

void ClientInstance::Shutdown() {
  if (!started_) return;
  started_ = false;
  {
    MutexLock lock(&timer_mu_);
    stopping_ = true;
    timer_cv_.SignalAll();
  }
  if (timer_.joinable()) timer_.join();
  admin_->Stop();
  // Unregister from every broker so consumers rebalance at once.
  std::set<std::string> producers;
  std::vector<std::string> consumers;
  {
    MutexLock lock(&mu_);
    producers = producers_;
    for (const auto& [g, c] : consumers_) consumers.push_back(g);
  }
  for (const std::string& addr : AllBrokerAddrs()) {
    auto unregister = [&](const std::string& pg, const std::string& cg) {
      remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kUnregisterClient, 0);
      remoting::UnregisterClientRequestHeader h;
      h.client_id = client_id_;
      if (!pg.empty()) h.producer_group = pg;
      if (!cg.empty()) h.consumer_group = cg;
      h.WriteTo(cmd.MutableFields());
      (void)InvokeSync(addr, std::move(cmd), "", std::chrono::milliseconds(1000));
    };
    for (const std::string& g : producers) unregister(g, "");
    for (const std::string& g : consumers) unregister("", g);
  }
  // From here on calls fail at once; calls already inside the transport end when their
  // connections close (pending requests fail), then the transport goes.
  stopped_.store(true);
  while (active_calls_.load() > 0) {
    remoting_->CloseAll();
    std::this_thread::yield();
  }
  remoting_.reset();  // closes connections, waits for connects in flight
  pool_->Stop();
}

// Counts a call into the transport, or refuses it once Shutdown() has begun.
class ClientInstance::CallGuard {
 public:
  explicit CallGuard(ClientInstance* instance) : instance_(instance) {
    instance_->active_calls_.fetch_add(1);
    admitted_ = !instance_->stopped_.load();
  }
  ~CallGuard() { instance_->active_calls_.fetch_sub(1); }
  bool admitted() const { return admitted_; }

 private:
  ClientInstance* const instance_;
  bool admitted_ = false;
};

namespace {
absl::Status ShutDownError() { return absl::UnavailableError("the client instance is shut down"); }
}  // namespace

void ClientInstance::RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  CallGuard guard(this);
  if (!guard.admitted()) return;
  auto timer = std::make_shared<boost::asio::steady_timer>(pool_->Next(), delay);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
}

std::string ClientInstance::Wrap(const std::string& name) const {
  if (config_.name_space.empty() || name.starts_with(config_.name_space + "%")) return name;
  if (name.starts_with("%RETRY%") || name.starts_with("%DLQ%")) {
    const size_t p = name.find('%', 1) + 1;
    return name.substr(0, p) + config_.name_space + "%" + name.substr(p);
  }
  return config_.name_space + "%" + name;
}

std::string ClientInstance::Unwrap(const std::string& name) const {
  if (config_.name_space.empty()) return name;
  const std::string prefix = config_.name_space + "%";
  if (name.starts_with(prefix)) return name.substr(prefix.size());
  if (name.starts_with("%RETRY%" + prefix)) return "%RETRY%" + name.substr(7 + prefix.size());
  return name;
}

void ClientInstance::Invoke(const std::string& addr, remoting::RemotingCommand request,
                            std::string body, std::chrono::milliseconds timeout,
                            net::Connection::ResponseCallback done) {
  request.language = remoting::LanguageCode::kCpp;
  CallGuard guard(this);
  if (!guard.admitted()) return done(ShutDownError());
  remoting_->Invoke(addr, std::move(request), std::move(body), timeout, std::move(done));
}

absl::StatusOr<net::Response> ClientInstance::InvokeSync(const std::string& addr,
                                                         remoting::RemotingCommand request,
                                                         std::string body,
                                                         std::chrono::milliseconds timeout) {
  request.language = remoting::LanguageCode::kCpp;
  CallGuard guard(this);
  if (!guard.admitted()) return ShutDownError();
  return remoting_->InvokeSync(addr, std::move(request), std::move(body), timeout);
}

void ClientInstance::InvokeOneway(const std::string& addr, remoting::RemotingCommand request,
                                  std::string body) {
  request.language = remoting::LanguageCode::kCpp;
  CallGuard guard(this);
  if (!guard.admitted()) return;
  remoting_->InvokeOneway(addr, std::move(request), std::move(body));
}

absl::StatusOr<net::Response> ClientInstance::InvokeNamesrv(remoting::RemotingCommand request,
                                                            std::string body) {
  absl::Status last = absl::UnavailableError("no name server");
  const size_t n = config_.namesrv_addrs.size();
  size_t start;
  {
    MutexLock lock(&mu_);
    start = namesrv_index_;
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t k = (start + i) % n;
    absl::StatusOr<net::Response> r =
        InvokeSync(config_.namesrv_addrs[k], request, body, config_.request_timeout);
    if (r.ok()) {
      MutexLock lock(&mu_);
      namesrv_index_ = k;
      return r;
    }
    last = r.status();
  }
  return last;
}

absl::StatusOr<std::shared_ptr<const TopicRoute>> ClientInstance::Route(const std::string& topic,
                                                                        bool refresh) {
  if (!refresh) {
    MutexLock lock(&mu_);
    auto it = routes_.find(topic);
    if (it != routes_.end()) return it->second;
  }
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kGetRouteinfoByTopic, 0);
  cmd.MutableFields().Set("topic", topic);
  absl::StatusOr<net::Response> r = InvokeNamesrv(std::move(cmd), "");
  if (!r.ok()) return r.status();
  if (r->command.code == code::kTopicNotExist) {
    return absl::NotFoundError(
        fmt::format("no route for topic {}: {}", topic, r->command.remark.value_or("")));
  }
  if (r->command.code != code::kSuccess) {
    return absl::UnavailableError(fmt::format("route of {}: code {} {}", topic, r->command.code,
                                              r->command.remark.value_or("")));
  }
  absl::StatusOr<protocol::TopicRouteData> data = protocol::TopicRouteData::Decode(r->body);
  if (!data.ok()) return data.status();
  auto route = std::make_shared<TopicRoute>();
  route->data = *std::move(data);
  for (const protocol::BrokerData& b : route->data.broker_datas) {
    auto master = b.broker_addrs.find(0);
    if (master != b.broker_addrs.end()) route->master_addrs[b.broker_name] = master->second;
  }
  std::vector<protocol::QueueData> qds = route->data.queue_datas;
  std::sort(qds.begin(), qds.end(),
            [](const auto& a, const auto& b) { return a.broker_name < b.broker_name; });
  for (const protocol::QueueData& q : qds) {
    if ((q.perm & protocol::kPermWrite) != 0 && route->master_addrs.count(q.broker_name) > 0) {
      for (int32_t i = 0; i < q.write_queue_nums; ++i) {
        route->publish_queues.push_back({topic, q.broker_name, i});
      }
    }
    if ((q.perm & protocol::kPermRead) != 0) {
      for (int32_t i = 0; i < q.read_queue_nums; ++i) {
        route->subscribe_queues.push_back({topic, q.broker_name, i});
      }
    }
  }
  {
    MutexLock lock(&mu_);
    routes_[topic] = route;
  }
  return std::shared_ptr<const TopicRoute>(route);
}

std::optional<std::string> ClientInstance::MasterAddr(const std::string& broker_name) const {
  MutexLock lock(&mu_);
  for (const auto& [topic, route] : routes_) {
    auto it = route->master_addrs.find(broker_name);
    if (it != route->master_addrs.end()) return it->second;
  }
  return std::nullopt;
}

std::vector<std::string> ClientInstance::AllBrokerAddrs() const {
  std::set<std::string> addrs;
  MutexLock lock(&mu_);
  for (const auto& [topic, route] : routes_) {
    for (const auto& [name, addr] : route->master_addrs) addrs.insert(addr);
  }
  return {addrs.begin(), addrs.end()};
}

void ClientInstance::RegisterProducer(const std::string& group, TransactionChecker checker) {
  MutexLock lock(&mu_);
  producers_.insert(group);
  if (checker) checkers_[group] = std::move(checker);
}

void ClientInstance::UnregisterProducer(const std::string& group) {
  MutexLock lock(&mu_);
  producers_.erase(group);
  checkers_.erase(group);
}

std::shared_ptr<ConsumerRegistration> ClientInstance::FindConsumer(const std::string& group) const {
  MutexLock lock(&mu_);
  auto it = consumers_.find(group);
  return it == consumers_.end() ? nullptr : it->second;
}

void ClientInstance::RegisterConsumer(std::shared_ptr<ConsumerRegistration> consumer) {
  MutexLock lock(&mu_);
  consumers_[consumer->group] = std::move(consumer);
}

void ClientInstance::UnregisterConsumer(const std::string& group) {
  std::vector<std::string> addrs = AllBrokerAddrs();
  {
    MutexLock lock(&mu_);
    consumers_.erase(group);
  }
  for (const std::string& addr : addrs) {
    remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kUnregisterClient, 0);
    remoting::UnregisterClientRequestHeader h;
    h.client_id = client_id_;
    h.consumer_group = group;
    h.WriteTo(cmd.MutableFields());
    (void)InvokeSync(addr, std::move(cmd), "", std::chrono::milliseconds(1000));
  }
}

std::string ClientInstance::HeartbeatBody() const {
  std::set<std::string> producers;
  std::vector<std::shared_ptr<ConsumerRegistration>> consumers;
  {
    MutexLock lock(&mu_);
    producers = producers_;
    for (const auto& [g, c] : consumers_) consumers.push_back(c);
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("clientID");
  w.String(client_id_);
  w.Key("consumerDataSet");
  w.BeginArray();
  for (const auto& c : consumers) {
    w.BeginObject();
    w.Key("consumeFromWhere");
    w.String(c->consume_from_where);
    w.Key("consumeType");
    w.String(c->consume_type);
    w.Key("groupName");
    w.String(c->group);
    w.Key("messageModel");
    w.String(c->message_model);
    w.Key("subscriptionDataSet");
    w.BeginArray();
    if (c->subscriptions) {
      for (const protocol::SubscriptionData& sub : c->subscriptions()) {
        protocol::WriteSubscriptionJson(w, sub);
      }
    }
    w.EndArray();
    w.Key("unitMode");
    w.Bool(false);
    w.EndObject();
  }
  w.EndArray();
  w.Key("producerDataSet");
  w.BeginArray();
  for (const std::string& g : producers) {
    w.BeginObject();
    w.Key("groupName");
    w.String(g);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

void ClientInstance::SendHeartbeatToAllBrokers() {
  const std::string body = HeartbeatBody();
  for (const std::string& addr : AllBrokerAddrs()) {
    absl::StatusOr<net::Response> r =
        InvokeSync(addr, remoting::RemotingCommand::Request(req::kHeartBeat, 0), body,
                   config_.request_timeout);
    if (!r.ok()) spdlog::debug("heartbeat to {} failed: {}", addr, MessageOf(r.status()));
  }
}

absl::StatusOr<std::vector<std::string>> ClientInstance::ConsumerIds(const std::string& topic,
                                                                     const std::string& group) {
  absl::StatusOr<std::shared_ptr<const TopicRoute>> route = Route(topic);
  if (!route.ok()) return route.status();
  if ((*route)->master_addrs.empty()) return absl::UnavailableError("no broker for " + topic);
  const std::string& addr = (*route)->master_addrs.begin()->second;
  remoting::RemotingCommand cmd =
      remoting::RemotingCommand::Request(req::kGetConsumerListByGroup, 0);
  cmd.MutableFields().Set("consumerGroup", group);
  absl::StatusOr<net::Response> r = InvokeSync(addr, std::move(cmd), "", config_.request_timeout);
  if (!r.ok()) return r.status();
  if (r->command.code != code::kSuccess) {
    return absl::UnavailableError(r->command.remark.value_or("no consumer list"));
  }
  // {"consumerIdList":["a","b"]}
  std::vector<std::string> ids;
  const std::string& b = r->body;
  size_t pos = b.find('[');
  while (pos != std::string::npos) {
    const size_t q1 = b.find('"', pos + 1);
    if (q1 == std::string::npos) break;
    const size_t q2 = b.find('"', q1 + 1);
    if (q2 == std::string::npos) break;
    ids.push_back(b.substr(q1 + 1, q2 - q1 - 1));
    pos = b.find(',', q2);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void ClientInstance::RefreshAllRoutes() {
  std::vector<std::string> topics;
  {
    MutexLock lock(&mu_);
    for (const auto& [t, r] : routes_) topics.push_back(t);
  }
  for (const std::string& t : topics) (void)Route(t, /*refresh=*/true);
}

void ClientInstance::RunTimer() {
  SetThreadName("tern-client-cron");
  auto next_route = MonoClock::now() + config_.poll_name_server_interval;
  auto next_heartbeat = MonoClock::now() + std::chrono::milliseconds(10);
  MutexLock lock(&timer_mu_);
  while (!stopping_) {
    timer_cv_.WaitUntil(&timer_mu_, std::min(next_route, next_heartbeat));
    if (stopping_) break;
    timer_mu_.Unlock();
    const auto now = MonoClock::now();
    if (now >= next_route) {
      RefreshAllRoutes();
      next_route = now + config_.poll_name_server_interval;
    }
    if (now >= next_heartbeat) {
      SendHeartbeatToAllBrokers();
      next_heartbeat = now + config_.heartbeat_broker_interval;
    }
    timer_mu_.Lock();
  }
}

}  // namespace tern::client
