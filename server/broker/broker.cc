#include "server/broker/broker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <set>

#include "engine/base/clock.h"
#include "engine/base/mutex.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "engine/commit_log_format.h"
#include "server/broker/admin_client_processor.h"
#include "server/broker/admin_config_processor.h"
#include "server/broker/admin_group_processor.h"
#include "server/broker/admin_processor.h"
#include "server/broker/admin_stats_processor.h"
#include "server/broker/broker_context.h"
#include "server/broker/broker_stats.h"
#include "server/broker/client_config_check.h"
#include "server/broker/consumer_processor.h"
#include "server/broker/lock_processor.h"
#include "server/broker/metrics_exporter.h"
#include "server/broker/namesrv_registrar.h"
#include "server/broker/pull_processor.h"
#include "server/broker/query_processor.h"
#include "server/broker/reply_processor.h"
#include "server/broker/reroute_services.h"
#include "server/broker/send_processor.h"
#include "server/broker/sql_filter_cache.h"
#include "server/broker/tps_sampler.h"
#include "server/dashboard/dashboard.h"
#include "server/http/http_server.h"
#include "server/net/client.h"
#include "server/net/server.h"

namespace tern::broker {

class BrokerImpl {
 public:
  explicit BrokerImpl(BrokerConfig config) : config_(std::move(config)) {}
  ~BrokerImpl() { Shutdown(); }

  absl::Status Start(net::IoPool* shared_pool);
  void Shutdown();

  BrokerConfig config_;
  std::unique_ptr<net::IoPool> own_pool_;
  net::IoPool* pool_ = nullptr;
  BrokerCounters counters_;
  // Before store_: the store's dispatch thread calls into it until the store is destroyed.
  std::unique_ptr<RerouteServices> reroute_;
  std::unique_ptr<TopicConfigManager> topics_;
  std::unique_ptr<SubscriptionGroupManager> groups_;
  std::unique_ptr<ConsumerOffsetManager> offsets_;
  ClientRegistry clients_;
  SqlFilterCache sql_filters_;
  QueueLockManager locks_;
  BrokerContext ctx_;
  std::unique_ptr<PullProcessor> pull_;
  std::unique_ptr<SendProcessor> send_;
  std::unique_ptr<ConsumerProcessor> consumer_;
  std::unique_ptr<QueryProcessor> query_;
  std::unique_ptr<AdminProcessor> admin_;
  std::unique_ptr<BrokerStats> stats_;
  std::unique_ptr<AdminStatsProcessor> admin_stats_;
  std::unique_ptr<AdminGroupProcessor> admin_groups_;
  std::unique_ptr<AdminClientProcessor> admin_clients_;
  std::unique_ptr<AdminConfigProcessor> admin_config_;
  std::set<std::string> inconsistent_logged_;  // "group/clientId" warned about; cron thread
  std::unique_ptr<LockProcessor> lock_;
  std::unique_ptr<ReplyProcessor> reply_;
  // HTTP endpoint (/metrics; the dashboard's pages and API).
  http::Router http_router_;
  std::unique_ptr<MetricsExporter> metrics_;
  std::unique_ptr<dashboard::Dashboard> dashboard_;  // its routes are in http_router_
  std::unique_ptr<http::HttpServer> http_;
  absl::Status StartHttp();
  std::unique_ptr<engine::MessageStore> store_;
  remoting::HandlerTable handlers_;
  std::unique_ptr<net::Server> server_;
  std::unique_ptr<net::RemotingClient> client_;
  std::unique_ptr<NamesrvRegistrar> registrar_;
  TpsSampler put_tps_;
  TpsSampler get_tps_;
  int port_ = 0;
  std::string addr_;

  struct TaskGuard {
    SharedMutex mu;
    bool alive = true;  // written under mu held exclusively
  };
  std::shared_ptr<TaskGuard> tasks_guard_ = std::make_shared<TaskGuard>();
  // One thread for admin answers that walk every group or topic (ctx_.run_slow).
  std::unique_ptr<boost::asio::thread_pool> admin_worker_;

  Mutex cron_mu_;
  CondVar cron_cv_;
  bool stopping_ ABSL_GUARDED_BY(cron_mu_) = false;
  std::thread cron_;
  bool started_ = false;
  bool shut_down_ = false;

 private:
  void RunCron();
  void WarnInconsistentSubscriptions();
};

absl::Status BrokerImpl::Start(net::IoPool* shared_pool) {
  const int64_t boot = NowMillis();
  auto warn = [](std::string_view m) { spdlog::warn("{}", m); };
  const std::string config_dir = engine::JoinPath(config_.store_path_root_dir, "config");
  engine::FileSystem* fs = engine::DefaultFileSystem();
  if (absl::Status s = fs->CreateDirs(config_dir); !s.ok()) return s;

  topics_ = std::make_unique<TopicConfigManager>(fs, engine::JoinPath(config_dir, "topics.json"),
                                                 &config_);
  groups_ = std::make_unique<SubscriptionGroupManager>(
      fs, engine::JoinPath(config_dir, "subscriptionGroup.json"),
      config_.auto_create_subscription_group);
  offsets_ = std::make_unique<ConsumerOffsetManager>(
      fs, engine::JoinPath(config_dir, "consumerOffset.json"));
  if (absl::Status s = topics_->Load(warn); !s.ok()) return s;
  if (absl::Status s = groups_->Load(warn); !s.ok()) return s;
  if (absl::Status s = offsets_->Load(warn); !s.ok()) return s;

  if (shared_pool != nullptr) {
    pool_ = shared_pool;
  } else {
    own_pool_ = std::make_unique<net::IoPool>(config_.io_threads, "tern-broker");
    own_pool_->Start();
    pool_ = own_pool_.get();
  }

  ctx_.config = &config_;
  ctx_.broker_permission.store(config_.broker_permission);
  ctx_.topics = topics_.get();
  ctx_.groups = groups_.get();
  ctx_.offsets = offsets_.get();
  ctx_.clients = &clients_;
  ctx_.sql_filters = &sql_filters_;
  ctx_.locks = &locks_;
  ctx_.counters = &counters_;
  ctx_.boot_timestamp = boot;
  stats_ = std::make_unique<BrokerStats>(config_.broker_cluster_name);
  ctx_.stats = stats_.get();
  // Tasks posted to the (possibly shared) pool run only while the broker is alive: Shutdown()
  // takes the guard exclusively, so it waits for running ones and later ones do nothing.
  auto guarded = [guard = tasks_guard_](std::function<void()> task) {
    return [guard, task = std::move(task)] {
      ReaderLock lock(&guard->mu);
      if (guard->alive) task();
    };
  };
  ctx_.post = [this, guarded](std::function<void()> task) {
    boost::asio::post(pool_->Next(), guarded(std::move(task)));
  };
  admin_worker_ = std::make_unique<boost::asio::thread_pool>(1);
  boost::asio::post(*admin_worker_, [] { SetThreadName("tern-admin"); });
  ctx_.run_slow = [this, guarded](std::function<void()> task) {
    boost::asio::post(*admin_worker_, guarded(std::move(task)));
  };
  pull_ = std::make_unique<PullProcessor>(&ctx_);

  // The store: long-poll wake-ups come from its dispatch thread.
  PullProcessor* pull = pull_.get();
  reroute_ = std::make_unique<RerouteServices>(&ctx_);
  ctx_.reroute = reroute_.get();
  RerouteServices* reroute = reroute_.get();
  BrokerStats* stats = stats_.get();
  absl::StatusOr<std::unique_ptr<engine::MessageStore>> store = engine::MessageStore::Open(
      config_.ToStoreOptions(), fs, [pull, stats, reroute](const engine::DispatchRecord& d) {
        reroute->OnDispatch(d);
        stats->OnPut(d.topic, 1, d.size, d.store_timestamp);
        const int32_t tx = engine::format::TransactionType(d.sys_flag);
        if (tx == engine::format::kTransactionNotType ||
            tx == engine::format::kTransactionCommitType) {
          pull->OnArrival(d.topic, d.queue_id, d.queue_offset + 1, d.tags_code, d.properties);
        }
      });
  if (!store.ok()) return store.status();
  store_ = *std::move(store);
  ctx_.store = store_.get();
  if (absl::Status s = reroute_->Load(fs, warn); !s.ok()) return s;
  reroute_->Register(handlers_);

  send_ = std::make_unique<SendProcessor>(&ctx_);
  consumer_ = std::make_unique<ConsumerProcessor>(&ctx_);
  query_ = std::make_unique<QueryProcessor>(&ctx_);
  admin_ = std::make_unique<AdminProcessor>(&ctx_, [this](std::map<std::string, std::string>& t) {
    t["putTps"] = put_tps_.Rates();
    t["getTransferedTps"] = get_tps_.Rates();
    t["getTotalTps"] = get_tps_.Rates();
    t["longPollingParked"] = std::to_string(pull_->parked());
    t["connections"] = std::to_string(server_ ? server_->connection_count() : 0);
    // RocketMQ #2836: members of one group that subscribe differently ("group:clientId,...").
    std::string inconsistent;
    for (const std::string& g : clients_.ConsumerGroups()) {
      if (std::optional<ConsumerGroupInfo> info = clients_.Consumer(g)) {
        for (const std::string& c : info->inconsistent) {
          inconsistent += fmt::format("{}{}:{}", inconsistent.empty() ? "" : ",", g, c);
        }
      }
    }
    t["inconsistentSubscriptions"] = inconsistent;
  });
  send_->Register(handlers_);
  pull_->Register(handlers_);
  consumer_->Register(handlers_);
  query_->Register(handlers_);
  admin_->Register(handlers_);
  RegisterClientConfigCheck(&ctx_, handlers_);
  admin_stats_ = std::make_unique<AdminStatsProcessor>(&ctx_, stats_.get());
  admin_stats_->Register(handlers_);
  admin_groups_ = std::make_unique<AdminGroupProcessor>(&ctx_);
  admin_groups_->Register(handlers_);
  admin_clients_ = std::make_unique<AdminClientProcessor>(
      &ctx_, std::chrono::milliseconds(config_.admin_call_client_timeout_ms));
  admin_clients_->Register(handlers_);
  admin_config_ = std::make_unique<AdminConfigProcessor>(&ctx_);
  admin_config_->Register(handlers_);
  lock_ = std::make_unique<LockProcessor>(
      &ctx_, &locks_, [this](const std::string& g) { consumer_->NotifyConsumerIdsChanged(g); });
  lock_->Register(handlers_);
  reply_ = std::make_unique<ReplyProcessor>(&ctx_);
  reply_->Register(handlers_);

  net::ServerOptions so;
  so.ports = {config_.listen_port};
  if (config_.vip_channel_enable && config_.listen_port > 2) {
    so.ports.push_back(config_.listen_port - 2);
  }
  so.max_connections = config_.server_max_connections;
  so.connection.max_frame_bytes = static_cast<size_t>(config_.frame_max_length);
  so.connection.idle_timeout = std::chrono::seconds(config_.server_channel_max_idle_time_seconds);
  server_ = std::make_unique<net::Server>(
      pool_, &handlers_, so, [this](const std::shared_ptr<net::Connection>& c) {
        for (const std::string& g : clients_.OnChannelClosed(c->id())) {
          consumer_->NotifyConsumerIdsChanged(g);
        }
      });
  if (absl::Status s = server_->Start(); !s.ok()) return s;
  port_ = server_->ports().front();
  config_.listen_port = port_;
  addr_ = config_.broker_addr();
  absl::StatusOr<engine::HostPort> host = engine::HostPort::Parse(addr_);
  if (!host.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("brokerIP1 '{}' is not an IP address", config_.broker_ip1));
  }
  ctx_.store_host = *host;

  client_ = std::make_unique<net::RemotingClient>(pool_, nullptr);
  registrar_ = std::make_unique<NamesrvRegistrar>(client_.get(), &config_, topics_.get(), addr_,
                                                  &ctx_.broker_permission);
  ctx_.register_all = [this] { registrar_->RegisterAllOneway(); };
  ctx_.register_topic = [this](const TopicConfig& t) { registrar_->RegisterTopic(t); };
  reroute_->Start();
  pull_->Start();
  if (config_.namesrv_list().empty()) {
    spdlog::warn("broker {}: no namesrvAddr configured; clients cannot find this broker",
                 config_.broker_name);
  } else {
    (void)registrar_->RegisterAllSync(std::chrono::milliseconds(3000));
  }
  cron_ = std::thread([this] { RunCron(); });
  if (absl::Status s = StartHttp(); !s.ok()) return s;
  started_ = true;
  spdlog::info("broker {} of cluster {} listening on {} (store {}, {} topics) in {} ms",
               config_.broker_name, config_.broker_cluster_name, addr_, config_.store_path_root_dir,
               topics_->size(), NowMillis() - boot);
  return absl::OkStatus();
}

absl::Status BrokerImpl::StartHttp() {
  if (config_.http_addr.empty()) return absl::OkStatus();
  absl::StatusOr<http::HttpServerOptions> options = http::ParseHttpAddr(config_.http_addr);
  if (!options.ok()) return options.status();
  MetricsHooks hooks;
  hooks.connections = [this] {
    return server_ ? static_cast<int64_t>(server_->connection_count()) : 0;
  };
  hooks.parked_pulls = [this] { return static_cast<int64_t>(pull_->parked()); };
  metrics_ = std::make_unique<MetricsExporter>(&ctx_, std::move(hooks));
  http_router_.Add("GET", "/metrics", [this](const http::HttpRequest&) {
    http::HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_->Render();
    return r;
  });
  http_router_.Add("GET", "/healthz",
                   [](const http::HttpRequest&) { return http::HttpResponse::Text(200, "ok\n"); });
  dashboard::DashboardOptions dashboard;
  dashboard.namesrv_addrs = config_.namesrv_list();
  dashboard.users = config_.dashboard_users;
  dashboard.http_address = options->address;
  dashboard.sample_interval = std::chrono::milliseconds(config_.dashboard_sample_interval_ms);
  absl::StatusOr<std::unique_ptr<dashboard::Dashboard>> d =
      dashboard::AddRoutes(http_router_, std::move(dashboard));
  if (!d.ok()) return d.status();
  dashboard_ = *std::move(d);
  absl::StatusOr<std::unique_ptr<http::HttpServer>> server =
      http::HttpServer::Start(*options, &http_router_);
  if (!server.ok()) dashboard_.reset();
  if (!server.ok() && config_.http_addr_optional) {
    spdlog::warn("broker {}: no HTTP endpoint (/metrics): {} (set --http-addr to choose another)",
                 config_.broker_name, MessageOf(server.status()));
    return absl::OkStatus();
  }
  if (!server.ok()) return server.status();
  http_ = *std::move(server);
  spdlog::info("broker {}: http on {}:{} (/metrics, dashboard)", config_.broker_name,
               options->address, http_->port());
  return absl::OkStatus();
}

void BrokerImpl::RunCron() {
  SetThreadName("tern-broker-cron");
  const auto start = MonoClock::now();
  auto next_offsets = start + std::chrono::milliseconds(config_.flush_consumer_offset_interval_ms);
  auto next_expire = start + std::chrono::seconds(10);
  auto next_register = start + std::chrono::milliseconds(config_.register_name_server_period_ms);
  auto next_sample = start;
  MutexLock lock(&cron_mu_);
  while (!stopping_) {
    cron_cv_.WaitUntil(&cron_mu_,
                       std::min({next_offsets, next_expire, next_register, next_sample}));
    if (stopping_) break;
    cron_mu_.Unlock();
    const auto now = MonoClock::now();
    if (now >= next_sample) {
      put_tps_.Sample(NowMillis(), counters_.put_messages.load());
      get_tps_.Sample(NowMillis(), counters_.get_messages.load());
      stats_->Sample(NowMillis());
      next_sample = now + std::chrono::seconds(1);
    }
    if (now >= next_offsets) {
      if (absl::Status s = offsets_->Persist(); !s.ok()) {
        spdlog::error("persisting consumer offsets failed: {}", MessageOf(s));
      }
      next_offsets = now + std::chrono::milliseconds(config_.flush_consumer_offset_interval_ms);
    }
    if (now >= next_expire) {
      ClientRegistry::Expired expired = clients_.Expire(NowMillis() - 120000);
      for (const remoting::ChannelPtr& c : expired.channels) c->Close(false);
      for (const std::string& g : expired.groups) consumer_->NotifyConsumerIdsChanged(g);
      WarnInconsistentSubscriptions();
      next_expire = now + std::chrono::seconds(10);
    }
    if (now >= next_register) {
      (void)registrar_->RegisterAllSync(std::chrono::milliseconds(3000));
      next_register = now + std::chrono::milliseconds(config_.register_name_server_period_ms);
    }
    cron_mu_.Lock();
  }
}

// Logs each (group, client) whose subscriptions disagree with its group's once (#2836).
void BrokerImpl::WarnInconsistentSubscriptions() {
  std::set<std::string> now;
  for (const std::string& g : clients_.ConsumerGroups()) {
    std::optional<ConsumerGroupInfo> info = clients_.Consumer(g);
    if (!info) continue;
    for (const std::string& c : info->inconsistent) {
      const std::string key = g + "/" + c;
      if (!inconsistent_logged_.count(key)) {
        spdlog::warn(
            "consumer group {}: client {} subscribes differently from the rest of the "
            "group (inconsistent subscriptions lose messages; RocketMQ #2836)",
            g, c);
      }
      now.insert(key);
    }
  }
  inconsistent_logged_ = std::move(now);
}

void BrokerImpl::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  {
    MutexLock lock(&cron_mu_);
    stopping_ = true;
    cron_cv_.SignalAll();
  }
  if (cron_.joinable()) cron_.join();
  if (http_) http_->Stop();      // no page or scrape runs after this
  dashboard_.reset();            // its sampler calls this broker
  if (server_) server_->Stop();  // no request handler runs after this
  {
    WriterLock lock(&tasks_guard_->mu);
    tasks_guard_->alive = false;  // no posted task (long-poll re-run) runs after this
  }
  if (admin_worker_) admin_worker_->join();  // what is still queued returns at once
  if (started_ && registrar_ && !config_.namesrv_list().empty()) {
    (void)registrar_->UnregisterAllSync(std::chrono::milliseconds(1000));
  }
  if (pull_) pull_->Stop();
  if (reroute_) reroute_->Stop();  // before the offsets it commits are persisted
  if (client_) client_->CloseAll();
  if (own_pool_) own_pool_->Stop();
  if (offsets_) {
    if (absl::Status s = offsets_->Persist(); !s.ok()) {
      spdlog::error("persisting consumer offsets at shutdown failed: {}", MessageOf(s));
    }
  }
  if (store_) store_->Shutdown();
  if (started_) spdlog::info("broker {} stopped", config_.broker_name);
}

absl::StatusOr<std::unique_ptr<Broker>> Broker::Start(BrokerConfig config, net::IoPool* pool) {
  auto impl = std::make_unique<BrokerImpl>(std::move(config));
  if (absl::Status s = impl->Start(pool); !s.ok()) {
    impl->Shutdown();
    return s;
  }
  return std::unique_ptr<Broker>(new Broker(std::move(impl)));
}

Broker::Broker(std::unique_ptr<BrokerImpl> impl) : impl_(std::move(impl)) {}
Broker::~Broker() { Shutdown(); }
void Broker::Shutdown() { impl_->Shutdown(); }
int Broker::port() const { return impl_->port_; }
int Broker::http_port() const { return impl_->http_ ? impl_->http_->port() : 0; }
std::string Broker::addr() const { return impl_->addr_; }
const BrokerConfig& Broker::config() const { return impl_->config_; }
engine::MessageStore& Broker::store() { return *impl_->store_; }
RerouteServices& Broker::reroute() { return *impl_->reroute_; }

}  // namespace tern::broker
