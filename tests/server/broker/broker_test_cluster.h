// broker_test_cluster.h: a name server and a broker in this process on ephemeral loopback
// ports, with real sockets, plus a client to send them raw RemotingCommands.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "server/app/namesrv_server.h"
#include "server/broker/broker.h"
#include "server/net/client.h"
#include "server/net/io_pool.h"
#include "server/remoting/codes.h"
#include "tests/util/temp_dir.h"

namespace tern::testing {

class BrokerTestCluster {
 public:
  BrokerTestCluster() : BrokerTestCluster(std::map<std::string, std::string>{}) {}
  explicit BrokerTestCluster(std::map<std::string, std::string> broker_settings);
  ~BrokerTestCluster();

  // (Re)starts the broker on the same store and port.
  void RestartBroker();

  std::string namesrv_addr() const { return "127.0.0.1:" + std::to_string(namesrv_->port()); }
  std::string broker_addr() const { return broker_->addr(); }
  broker::Broker& broker() { return *broker_; }

  // Sends `code` with `fields` (V2 send fields etc.) and `body`, returns the response.
  net::Response Call(const std::string& addr, int32_t code,
                     const std::map<std::string, std::string>& fields, std::string body = {},
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  net::Response CallBroker(int32_t code, const std::map<std::string, std::string>& fields,
                           std::string body = {}) {
    return Call(broker_addr(), code, fields, std::move(body));
  }
  net::RemotingClient& client() { return *client_; }
  net::IoPool& pool() { return pool_; }

  // Waits (deadline 10 s) until the broker's dispatcher has made every stored message
  // visible to pulls (dispatch is asynchronous, as in RocketMQ).
  void WaitDispatched();

  // SEND_MESSAGE_V2 of one message; returns the response.
  net::Response Send(const std::string& topic, const std::string& body,
                     const std::string& properties = {}, int queue_id = -1);

 private:
  broker::BrokerConfig config_;
  TempDir dir_;
  net::IoPool pool_{2, "test-io"};
  std::unique_ptr<app::NamesrvServer> namesrv_;
  std::unique_ptr<broker::Broker> broker_;
  std::unique_ptr<net::RemotingClient> client_;
};

}  // namespace tern::testing
