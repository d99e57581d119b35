#include "server/app/namesrv_server.h"

#include <spdlog/spdlog.h>

#include "engine/base/clock.h"
#include "engine/base/mutex.h"
#include "engine/base/thread_name.h"
#include "engine/file_system.h"
#include "server/namesrv/kv_config_manager.h"
#include "server/namesrv/namesrv_processor.h"
#include "server/namesrv/route_table.h"
#include "server/net/server.h"

namespace tern::app {

class NamesrvServerImpl {
 public:
  ~NamesrvServerImpl() { Shutdown(); }

  absl::Status Start(namesrv::NamesrvConfig config, net::IoPool* shared_pool) {
    const int64_t t0 = NowMillis();
    auto warn = [](std::string_view m) { spdlog::warn("{}", m); };
    kv_ = std::make_unique<namesrv::KvConfigManager>(engine::DefaultFileSystem(),
                                                     config.kv_config_path);
    if (absl::Status s = kv_->Load(warn); !s.ok()) return s;
    processor_ = std::make_unique<namesrv::NamesrvProcessor>(config, &routes_, kv_.get());
    processor_->RegisterHandlers(handlers_);
    if (shared_pool != nullptr) {
      pool_ = shared_pool;
    } else {
      own_pool_ = std::make_unique<net::IoPool>(1, "tern-namesrv");
      own_pool_->Start();
      pool_ = own_pool_.get();
    }
    net::ServerOptions so;
    so.ports = {config.listen_port};
    server_ = std::make_unique<net::Server>(pool_, &handlers_, so,
                                            [this](const std::shared_ptr<net::Connection>& c) {
                                              processor_->OnChannelClosed(c->id());
                                            });
    if (absl::Status s = server_->Start(); !s.ok()) return s;
    port_ = server_->ports().front();
    scan_ = std::thread([this] { RunScan(); });
    spdlog::info("name server listening on port {} in {} ms", port_, NowMillis() - t0);
    return absl::OkStatus();
  }

  void Shutdown() {
    {
      MutexLock lock(&mu_);
      if (stopping_) return;
      stopping_ = true;
      cv_.SignalAll();
    }
    if (scan_.joinable()) scan_.join();
    if (server_) server_->Stop();
    if (own_pool_) own_pool_->Stop();
  }

  void RunScan() {
    SetThreadName("tern-ns-scan");
    auto next = MonoClock::now() + std::chrono::seconds(5);
    MutexLock lock(&mu_);
    while (!stopping_) {
      cv_.WaitUntil(&mu_, next);
      if (stopping_) break;
      if (MonoClock::now() < next) continue;
      const int dropped = processor_->Scan(NowMillis());
      if (dropped > 0) spdlog::info("name server: {} silent brokers dropped", dropped);
      next = MonoClock::now() + std::chrono::seconds(10);
    }
  }

  namesrv::RouteTable routes_;
  std::unique_ptr<namesrv::KvConfigManager> kv_;
  std::unique_ptr<namesrv::NamesrvProcessor> processor_;
  remoting::HandlerTable handlers_;
  std::unique_ptr<net::IoPool> own_pool_;
  net::IoPool* pool_ = nullptr;
  std::unique_ptr<net::Server> server_;
  int port_ = 0;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread scan_;
};

absl::StatusOr<std::unique_ptr<NamesrvServer>> NamesrvServer::Start(namesrv::NamesrvConfig config,
                                                                    net::IoPool* pool) {
  auto impl = std::make_unique<NamesrvServerImpl>();
  if (absl::Status s = impl->Start(std::move(config), pool); !s.ok()) {
    impl->Shutdown();
    return s;
  }
  return std::unique_ptr<NamesrvServer>(new NamesrvServer(std::move(impl)));
}

NamesrvServer::NamesrvServer(std::unique_ptr<NamesrvServerImpl> impl) : impl_(std::move(impl)) {}
NamesrvServer::~NamesrvServer() { Shutdown(); }
void NamesrvServer::Shutdown() { impl_->Shutdown(); }
int NamesrvServer::port() const { return impl_->port_; }

}  // namespace tern::app
