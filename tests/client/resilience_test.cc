// The client when things go wrong: a broker restarting mid-stream, a peer that closes every
// connection, a name server nobody listens on, shutdown with sends in flight. Real sockets on
// loopback; the broker is the real one.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <set>
#include <thread>

#include "client/offset_api.h"
#include "client/producer.h"
#include "client/push_consumer.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  cfg.request_timeout = 2000ms;
  return cfg;
}

TEST(ClientResilience, ProducerSurvivesABrokerRestartAndLosesNothingAcknowledged) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg", .send_timeout = 2000ms});
  ASSERT_TRUE(p.Start().ok());
  int64_t acked = 0;
  for (int i = 0; i < 50; ++i) acked += p.Send(Message("RestartT", "before")).ok() ? 1 : 0;
  ASSERT_EQ(acked, 50);
  cluster.RestartBroker();
  // The old connection is dead; the next sends reconnect (a send may fail while the client
  // notices, but with a Status, never a hang).
  int failures = 0;
  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<SendResult> r = p.Send(Message("RestartT", "after"));
    if (r.ok()) {
      ++acked;
    } else {
      ++failures;
    }
  }
  EXPECT_LE(failures, 5);
  EXPECT_GE(acked, 95);
  cluster.WaitDispatched();
  int64_t stored = 0;
  for (int q = 0; q < 4; ++q) {
    auto max = MaxOffset(p.instance(), {"RestartT", cluster.broker().config().broker_name, q});
    ASSERT_TRUE(max.ok()) << max.status();
    stored += *max;
  }
  EXPECT_EQ(stored, acked);  // every acknowledged message is there, and nothing else
}

TEST(ClientResilience, PushConsumerResumesAfterABrokerRestart) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  ASSERT_TRUE(p.Send(Message("ResumeAfterRestart", "warm")).ok());
  Mutex mu;
  CondVar cv;
  std::set<std::string> seen;
  PushConsumer c(ConfigFor(cluster),
                 PushConsumerOptions{.group = "rg", .consume_from = ConsumeFrom::kFirstOffset});
  ASSERT_TRUE(c.Subscribe("ResumeAfterRestart", "*").ok());
  c.RegisterListener([&](const std::vector<MessageExt>& msgs, ConsumeContext&) {
    MutexLock lock(&mu);
    for (const MessageExt& m : msgs) seen.insert(m.body);
    cv.SignalAll();
    return ConsumeResult::kSuccess;
  });
  ASSERT_TRUE(c.Start().ok());
  {
    MutexLock lock(&mu);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (seen.count("warm") == 0) ASSERT_TRUE(cv.WaitUntil(&mu, deadline));
  }
  cluster.RestartBroker();
  // Sends retry until the broker is back; then the consumer's pulls (retried every 3 s after
  // an error) deliver them.
  for (int i = 0; i < 10; ++i) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (!p.Send(Message("ResumeAfterRestart", "after-" + std::to_string(i))).ok()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    }
  }
  MutexLock lock(&mu);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (seen.size() < 11) ASSERT_TRUE(cv.WaitUntil(&mu, deadline)) << seen.size();
}

// Accepts connections and closes each as soon as it has read something.
class SlammingServer {
 public:
  SlammingServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] {
      while (!stop_) {
        boost::system::error_code ec;
        boost::asio::ip::tcp::socket s(io_);
        acceptor_.accept(s, ec);
        if (ec || stop_) break;
        char buf[64];
        s.read_some(boost::asio::buffer(buf), ec);
        s.close();
      }
    });
  }
  ~SlammingServer() {
    stop_ = true;
    boost::system::error_code ec;
    // Unblock accept with one last connection.
    boost::asio::ip::tcp::socket s(io_);
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string addr() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(ClientResilience, APeerThatClosesTheConnectionGivesAStatusNotAHang) {
  SlammingServer slammer;
  ClientConfig cfg;
  cfg.namesrv_addrs = {slammer.addr()};
  cfg.request_timeout = 20000ms;
  Producer p(cfg, ProducerOptions{.group = "pg", .send_timeout = 20000ms});
  ASSERT_TRUE(p.Start().ok());
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<SendResult> r = p.Send(Message("T", "x"));
  EXPECT_FALSE(r.ok());
  // A closed connection fails the request at once instead of leaving it to its 20 s timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10000ms) << r.status();
  PushConsumer c(cfg, PushConsumerOptions{.group = "g"});
  ASSERT_TRUE(c.Subscribe("T", "*").ok());
  c.RegisterListener(
      [](const std::vector<MessageExt>&, ConsumeContext&) { return ConsumeResult::kSuccess; });
  ASSERT_TRUE(c.Start().ok());  // starts; rebalancing finds no route and says so in the log
  EXPECT_TRUE(c.AssignedQueues().empty());
  c.Shutdown();
}

TEST(ClientResilience, ShutdownWithAsyncSendsInFlightCompletesEachExactlyOnce) {
  testing::BrokerTestCluster cluster;
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  ASSERT_TRUE(p.Send(Message("InflightT", "warm")).ok());
  std::atomic<int> done{0};
  std::atomic<int> ok{0};
  constexpr int kSends = 2000;
  for (int i = 0; i < kSends; ++i) {
    p.SendAsync(Message("InflightT", "m"), [&](absl::StatusOr<SendResult> r) {
      if (r.ok()) ok.fetch_add(1);
      done.fetch_add(1);
    });
  }
  p.Shutdown();
  EXPECT_EQ(done.load(), kSends);  // every callback ran, before Shutdown returned
  const int after = done.load();
  EXPECT_EQ(done.load(), after);
  // A send after shutdown is refused with a Status, its callback too.
  EXPECT_EQ(p.Send(Message("InflightT", "late")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  bool late_called = false;
  p.SendAsync(Message("InflightT", "late"), [&](absl::StatusOr<SendResult> r) {
    late_called = true;
    EXPECT_FALSE(r.ok());
  });
  EXPECT_TRUE(late_called);
  EXPECT_GT(ok.load(), 0);
}

}  // namespace
}  // namespace tern::client
