// RouteTable and the handlers under concurrent registration, lookup, channel close and
// expiry scans (labelled "concurrency": also run under TSan).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "server/protocol/route_data.h"
#include "tests/server/namesrv/namesrv_fixture.h"

namespace tern::namesrv {
namespace {

namespace code = remoting::request;
namespace rc = remoting::response;
using testing::BodyWithTopics;
using testing::FakeChannel;
using testing::MakeRequest;
using testing::RegisterRequest;

class ConcurrencyTest : public testing::NamesrvFixture {};

TEST_F(ConcurrencyTest, RegisterLookupCloseAndScanFromManyThreads) {
  constexpr int kBrokers = 4;
  constexpr int kRounds = 300;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;

  // Each broker thread registers (full and incremental), and now and then loses and
  // re-opens its connection.
  for (int b = 0; b < kBrokers; ++b) {
    threads.emplace_back([&, b] {
      const std::string name = "broker-" + std::to_string(b);
      const std::string addr = "10.0.0." + std::to_string(b) + ":10911";
      uint64_t channel_id = 100 + static_cast<uint64_t>(b) * 1000;
      auto channel = FakeChannel::Loopback(channel_id);
      for (int i = 0; i < kRounds; ++i) {
        table_.Dispatch(
            channel, RegisterRequest(name, addr),
            BodyWithTopics(i, {{"Shared", 4}, {"T" + std::to_string(i % 7), 2}}).Encode());
        if (i % 50 == 25) {
          processor_.OnChannelClosed(channel->id());
          channel = FakeChannel::Loopback(++channel_id);
        }
      }
    });
  }
  // Readers: routes, cluster info, topic lists.
  std::atomic<int> found{0};
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      auto client = FakeChannel::Remote(7);
      while (!stop.load()) {
        table_.Dispatch(client, MakeRequest(code::kGetRouteinfoByTopic, {{"topic", "Shared"}}), "");
        table_.Dispatch(client, MakeRequest(code::kGetBrokerClusterInfo), "");
        table_.Dispatch(client, MakeRequest(code::kGetAllTopicListFromNameserver), "");
        const testing::SentCommand last = client->last();
        if (last.command.code == rc::kSuccess) found.fetch_add(1);
      }
    });
  }
  // The expiry scan with a clock far behind: nothing expires, but it races the writers.
  threads.emplace_back([&] {
    while (!stop.load()) processor_.Scan(now_.load());
  });

  for (int b = 0; b < kBrokers; ++b) threads[static_cast<size_t>(b)].join();
  stop = true;
  for (size_t i = kBrokers; i < threads.size(); ++i) threads[i].join();

  EXPECT_GT(found.load(), 0);
  auto route = routes_.PickupRoute("Shared");
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->broker_datas.size(), static_cast<size_t>(kBrokers));
  EXPECT_EQ(routes_.live_broker_count(), static_cast<size_t>(kBrokers));

  // Every broker silent from now on: one scan past 120 s drops them all.
  EXPECT_EQ(processor_.Scan(now_.load() + kBrokerExpireMillis + 1), kBrokers);
  EXPECT_FALSE(routes_.PickupRoute("Shared").has_value());
}

}  // namespace
}  // namespace tern::namesrv
