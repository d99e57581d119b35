#include "tests/server/broker/broker_test_cluster.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/base/check.h"
#include "engine/base/strings.h"
#include "engine/properties.h"

namespace tern::testing {

BrokerTestCluster::BrokerTestCluster(std::map<std::string, std::string> broker_settings) {
  pool_.Start();
  namesrv::NamesrvConfig ns = namesrv::NamesrvConfig::WithDefaults(dir_.path());
  ns.listen_port = 0;
  ns.kv_config_path = dir_.Sub("namesrv/kvConfig.json");
  auto n = app::NamesrvServer::Start(ns, &pool_);
  TERN_CHECK(n.ok());
  namesrv_ = *std::move(n);
  config_.store_path_root_dir = dir_.Sub("store");
  config_.listen_port = 0;
  config_.namesrv_addr = namesrv_addr();
  config_.mapped_file_size_commit_log = 1 << 20;
  config_.mapped_file_size_consume_queue = 1000 * 20;
  config_.max_hash_slot_num = 1000;
  config_.max_index_num = 4000;
  for (const auto& [k, v] : broker_settings) {
    TERN_CHECK(broker::SetBrokerConfigKey(config_, k, v).ok());
  }
  auto b = broker::Broker::Start(config_, &pool_);
  TERN_CHECK_MSG(b.ok(), std::string(MessageOf(b.status())).c_str());
  broker_ = *std::move(b);
  config_.listen_port = broker_->port();  // restarts keep the port
  client_ = std::make_unique<net::RemotingClient>(&pool_, nullptr);
}

BrokerTestCluster::~BrokerTestCluster() {
  client_.reset();
  broker_.reset();
  namesrv_.reset();
  pool_.Stop();
}

void BrokerTestCluster::RestartBroker() {
  broker_->Shutdown();
  broker_.reset();
  auto b = broker::Broker::Start(config_, &pool_);
  TERN_CHECK_MSG(b.ok(), std::string(MessageOf(b.status())).c_str());
  broker_ = *std::move(b);
}

net::Response BrokerTestCluster::Call(const std::string& addr, int32_t code,
                                      const std::map<std::string, std::string>& fields,
                                      std::string body, std::chrono::milliseconds timeout) {
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(code, 0);
  cmd.version = 373;
  for (const auto& [k, v] : fields) cmd.MutableFields().Set(k, v);
  absl::StatusOr<net::Response> r =
      client_->InvokeSync(addr, std::move(cmd), std::move(body), timeout);
  EXPECT_TRUE(r.ok()) << "code " << code << ": " << r.status();
  return r.ok() ? *std::move(r) : net::Response{};
}

void BrokerTestCluster::WaitDispatched() {
  engine::MessageStore& store = broker_->store();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store.dispatcher().dispatched_offset() < store.commit_log().max_offset()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "dispatch did not catch up";
    std::this_thread::yield();
  }
}

net::Response BrokerTestCluster::Send(const std::string& topic, const std::string& body,
                                      const std::string& properties, int queue_id) {
  return CallBroker(remoting::request::kSendMessageV2,
                    {{"a", "PID_test"},
                     {"b", topic},
                     {"c", "TBW102"},
                     {"d", "4"},
                     {"e", std::to_string(queue_id)},
                     {"f", "0"},
                     {"g", "1700000000000"},
                     {"h", "0"},
                     {"i", properties},
                     {"j", "0"},
                     {"k", "false"}},
                    body);
}

}  // namespace tern::testing
