// namesrv_fixture.h: a name server wired to FakeChannels for the handler tests: a real
// RouteTable (with an injected clock), an in-memory KvConfigManager and a NamesrvProcessor
// registered into a HandlerTable. Requests go through HandlerTable::Dispatch, as the network
// layer sends them. One per test; not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "server/namesrv/kv_config_manager.h"
#include "server/namesrv/namesrv_processor.h"
#include "server/namesrv/route_table.h"
#include "server/protocol/register_broker_body.h"
#include "server/remoting/codes.h"
#include "server/remoting/handler.h"
#include "tests/server/namesrv/test_channel.h"

namespace tern::namesrv::testing {

inline remoting::RemotingCommand MakeRequest(
    int32_t code, std::initializer_list<std::pair<std::string, std::string>> fields = {},
    int32_t flag = 0) {
  static std::atomic<int32_t> next_opaque{1};
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(code, next_opaque++);
  cmd.flag = flag;
  cmd.version = remoting::version::kV4_8_0;
  if (fields.size() > 0) {
    for (const auto& [k, v] : fields) cmd.MutableFields().Set(k, v);
  }
  return cmd;
}

inline protocol::RegisterBrokerBody BodyWithTopics(
    int64_t counter, std::initializer_list<std::pair<std::string, int32_t>> topics) {
  protocol::RegisterBrokerBody body;
  body.topic_config_serialize_wrapper.data_version = {1'700'000'000'000 + counter, counter};
  for (const auto& [name, queues] : topics) {
    protocol::TopicConfig c;
    c.topic_name = name;
    c.read_queue_nums = queues;
    c.write_queue_nums = queues;
    body.topic_config_serialize_wrapper.topic_config_table[name] = c;
  }
  return body;
}

inline remoting::RemotingCommand RegisterRequest(const std::string& name, const std::string& addr,
                                                 int64_t id = 0, int32_t flag = 0,
                                                 const std::string& cluster = "DefaultCluster") {
  return MakeRequest(remoting::request::kRegisterBroker,
                     {{"brokerName", name},
                      {"brokerAddr", addr},
                      {"clusterName", cluster},
                      {"haServerAddr", addr + "-ha"},
                      {"brokerId", std::to_string(id)},
                      {"compressed", "false"}},
                     flag);
}

class NamesrvFixture : public ::testing::Test {
 protected:
  explicit NamesrvFixture(NamesrvConfig config = NamesrvConfig{})
      : processor_(config, &routes_, &kv_) {
    processor_.RegisterHandlers(table_);
  }

  // Dispatches and returns the one response; fails the test if there is none.
  SentCommand Call(const std::shared_ptr<FakeChannel>& channel,
                   const remoting::RemotingCommand& req, std::string body = {}) {
    const size_t before = channel->sent_count();
    table_.Dispatch(channel, req, std::move(body));
    EXPECT_EQ(channel->sent_count(), before + 1) << "expected exactly one response";
    SentCommand sent = channel->last();
    EXPECT_TRUE(sent.command.is_response());
    EXPECT_EQ(sent.command.opaque, req.opaque);
    return sent;
  }

  SentCommand RegisterBroker(const std::string& name, const std::string& addr,
                             const protocol::RegisterBrokerBody& body, int64_t id = 0,
                             const std::string& cluster = "DefaultCluster") {
    return Call(broker_, RegisterRequest(name, addr, id, 0, cluster), body.Encode());
  }

  std::atomic<int64_t> now_{1'000'000};
  RouteTable routes_{[this] { return now_.load(); }};
  KvConfigManager kv_{nullptr, ""};
  NamesrvProcessor processor_;
  remoting::HandlerTable table_;
  std::shared_ptr<FakeChannel> broker_ = FakeChannel::Loopback(1);
  std::shared_ptr<FakeChannel> admin_ = FakeChannel::Loopback(2);
  std::shared_ptr<FakeChannel> remote_ = FakeChannel::Remote(3);
};

}  // namespace tern::namesrv::testing
