// The C++ lite pull consumer against a real name server and broker on loopback: assign and
// poll (per-queue order), subscribe with a group (queues split, each message once), seek,
// commit and resume, pause/resume, broadcasting, tag filtering and misuse.
#include "client/lite_pull_consumer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "client/producer.h"
#include "engine/base/clock.h"
#include "server/remoting/codes.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/util/temp_dir.h"

namespace tern::client {
namespace {

using namespace std::chrono_literals;

constexpr auto kDeadline = 20s;

ClientConfig ConfigFor(const testing::BrokerTestCluster& c) {
  ClientConfig cfg;
  cfg.namesrv_addrs = {c.namesrv_addr()};
  return cfg;
}

// Creates `topic` with `queues` queues and waits until the name server routes it.
void CreateTopic(testing::BrokerTestCluster& c, const std::string& topic, int queues) {
  const std::string n = std::to_string(queues);
  net::Response created =
      c.CallBroker(remoting::request::kUpdateAndCreateTopic, {{"topic", topic},
                                                              {"defaultTopic", "TBW102"},
                                                              {"readQueueNums", n},
                                                              {"writeQueueNums", n},
                                                              {"perm", "6"},
                                                              {"topicFilterType", "SINGLE_TAG"},
                                                              {"topicSysFlag", "0"},
                                                              {"order", "false"}});
  ASSERT_EQ(created.command.code, remoting::response::kSuccess);
  const auto deadline = MonoClock::now() + kDeadline;
  while (c.Call(c.namesrv_addr(), remoting::request::kGetRouteinfoByTopic, {{"topic", topic}})
             .command.code != remoting::response::kSuccess) {
    ASSERT_LT(MonoClock::now(), deadline) << "route of " << topic;
  }
}

MessageQueue Queue(testing::BrokerTestCluster& c, const std::string& topic, int id) {
  return MessageQueue{topic, c.broker().config().broker_name, id};
}

void SendN(Producer& p, const MessageQueue& q, int n, const std::string& prefix,
           const std::string& tag = "") {
  for (int i = 0; i < n; ++i) {
    Message m(q.topic, tag, prefix + std::to_string(i));
    auto r = p.SendTo(m, q);
    ASSERT_TRUE(r.ok()) << r.status();
  }
}

// Polls until `pred(all received)` holds or the deadline passes; returns what arrived.
template <typename Pred>
std::vector<MessageExt> PollUntil(LitePullConsumer& c, Pred pred) {
  std::vector<MessageExt> got;
  const auto deadline = MonoClock::now() + kDeadline;
  while (!pred(got) && MonoClock::now() < deadline) {
    auto r = c.Poll(200ms);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) break;
    EXPECT_LE(r->size(), 10u) << "at most pull_batch_size per poll";
    for (MessageExt& m : *r) got.push_back(std::move(m));
  }
  return got;
}

std::vector<MessageExt> PollCount(LitePullConsumer& c, size_t n) {
  return PollUntil(c, [n](const std::vector<MessageExt>& got) { return got.size() >= n; });
}

// Offsets per queue id, in the order they were polled.
std::map<int, std::vector<int64_t>> OffsetsByQueue(const std::vector<MessageExt>& msgs) {
  std::map<int, std::vector<int64_t>> out;
  for (const MessageExt& m : msgs) out[m.queue_id].push_back(m.queue_offset);
  return out;
}

std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> v;
  for (int64_t i = from; i < to; ++i) v.push_back(i);
  return v;
}

LitePullConsumerOptions Options(const std::string& group) {
  LitePullConsumerOptions o;
  o.group = group;
  o.consume_from = ConsumeFrom::kFirstOffset;
  return o;
}

TEST(LitePullConsumer, AssignedQueuesArePolledCompletelyAndInOrder) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "AssignT", 2);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  const MessageQueue q0 = Queue(cluster, "AssignT", 0), q1 = Queue(cluster, "AssignT", 1);
  SendN(p, q0, 25, "a-");
  SendN(p, q1, 15, "b-");
  LitePullConsumer c(ConfigFor(cluster), Options("assign-g"));
  ASSERT_TRUE(c.Assign({q0, q1}).ok());
  ASSERT_TRUE(c.Start().ok());
  std::vector<MessageExt> got = PollCount(c, 40);
  ASSERT_EQ(got.size(), 40u);
  auto offsets = OffsetsByQueue(got);
  EXPECT_EQ(offsets[0], Range(0, 25));
  EXPECT_EQ(offsets[1], Range(0, 15));
  for (const MessageExt& m : got) {
    EXPECT_EQ(m.topic, "AssignT");
    EXPECT_EQ(m.body, (m.queue_id == 0 ? "a-" : "b-") + std::to_string(m.queue_offset));
  }
  std::set<MessageQueue> assigned;
  for (const MessageQueue& q : c.Assignment()) assigned.insert(q);
  EXPECT_EQ(assigned, (std::set<MessageQueue>{q0, q1}));
}

TEST(LitePullConsumer, FetchMessageQueuesListsTheTopicsReadableQueues) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "FetchT", 3);
  LitePullConsumer c(ConfigFor(cluster), Options("fetch-g"));
  ASSERT_TRUE(c.Start().ok());
  auto queues = c.FetchMessageQueues("FetchT");
  ASSERT_TRUE(queues.ok()) << queues.status();
  std::set<MessageQueue> got(queues->begin(), queues->end());
  EXPECT_EQ(got, (std::set<MessageQueue>{Queue(cluster, "FetchT", 0), Queue(cluster, "FetchT", 1),
                                         Queue(cluster, "FetchT", 2)}));
  EXPECT_EQ(c.FetchMessageQueues("NoSuchTopic").status().code(), absl::StatusCode::kNotFound);
}

bool WaitSplit(LitePullConsumer& a, LitePullConsumer& b, size_t total) {
  const auto deadline = MonoClock::now() + kDeadline;
  while (MonoClock::now() < deadline) {
    std::vector<MessageQueue> qa = a.Assignment(), qb = b.Assignment();
    std::set<MessageQueue> all(qa.begin(), qa.end());
    all.insert(qb.begin(), qb.end());
    if (!qa.empty() && !qb.empty() && qa.size() + qb.size() == total && all.size() == total) {
      return true;
    }
    std::this_thread::sleep_for(10ms);  // polling a condition, bounded by the deadline
  }
  return false;
}

TEST(LitePullConsumer, SubscribedGroupMembersSplitQueuesAndPollEachMessageOnce) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "SplitT", 4);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  LitePullConsumer a(ConfigFor(cluster), Options("split-g"));
  LitePullConsumer b(ConfigFor(cluster), Options("split-g"));
  ASSERT_TRUE(a.Subscribe("SplitT", "*").ok());
  ASSERT_TRUE(b.Subscribe("SplitT", "*").ok());
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  // The broker notifies the group when b joins: they settle on 2 + 2 distinct queues.
  ASSERT_TRUE(WaitSplit(a, b, 4));
  for (int q = 0; q < 4; ++q) SendN(p, Queue(cluster, "SplitT", q), 25, fmt::format("q{}-", q));
  std::map<std::string, int> count;
  std::map<std::string, std::set<int>> queues_of;
  const auto deadline = MonoClock::now() + kDeadline;
  while (count.size() < 100 && MonoClock::now() < deadline) {
    for (auto [name, c] : {std::pair<std::string, LitePullConsumer*>{"a", &a}, {"b", &b}}) {
      auto r = c->Poll(50ms);
      ASSERT_TRUE(r.ok()) << r.status();
      for (const MessageExt& m : *r) {
        ++count[m.body];
        queues_of[name].insert(m.queue_id);
      }
    }
  }
  ASSERT_EQ(count.size(), 100u);
  for (const auto& [body, n] : count) EXPECT_EQ(n, 1) << body;
  EXPECT_EQ(queues_of["a"].size(), 2u);
  EXPECT_EQ(queues_of["b"].size(), 2u);
  for (int q : queues_of["a"]) EXPECT_EQ(queues_of["b"].count(q), 0u) << "queue " << q;
}

TEST(LitePullConsumer, SeekBackRedeliversFromThatOffset) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "SeekT", 1);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  const MessageQueue q = Queue(cluster, "SeekT", 0);
  SendN(p, q, 12, "m-");
  LitePullConsumer c(ConfigFor(cluster), Options("seek-g"));
  ASSERT_TRUE(c.Assign({q}).ok());
  ASSERT_TRUE(c.Start().ok());
  ASSERT_EQ(OffsetsByQueue(PollCount(c, 12))[0], Range(0, 12));
  ASSERT_TRUE(c.Seek(q, 3).ok());
  EXPECT_EQ(OffsetsByQueue(PollCount(c, 9))[0], Range(3, 12));
  ASSERT_TRUE(c.SeekToBegin(q).ok());
  std::vector<MessageExt> again = PollCount(c, 12);
  EXPECT_EQ(OffsetsByQueue(again)[0], Range(0, 12));
  EXPECT_EQ(again.front().body, "m-0");
}

TEST(LitePullConsumer, SeekToEndSkipsTheBacklog) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "EndT", 1);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  const MessageQueue q = Queue(cluster, "EndT", 0);
  SendN(p, q, 5, "first-");
  LitePullConsumer c(ConfigFor(cluster), Options("end-g"));
  ASSERT_TRUE(c.Assign({q}).ok());
  ASSERT_TRUE(c.Start().ok());
  ASSERT_EQ(PollCount(c, 5).size(), 5u);
  SendN(p, q, 7, "skipped-");
  cluster.WaitDispatched();  // the queue's max offset includes them
  ASSERT_TRUE(c.SeekToEnd(q).ok());
  SendN(p, q, 3, "after-");
  std::vector<MessageExt> got = PollCount(c, 3);
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].body, "after-" + std::to_string(i));
    EXPECT_EQ(got[i].queue_offset, static_cast<int64_t>(12 + i));
  }
}

TEST(LitePullConsumer, CommittedOffsetsAreWhereANewConsumerOfTheGroupResumes) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "CommitT", 1);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  const MessageQueue q = Queue(cluster, "CommitT", 0);
  SendN(p, q, 20, "m-");
  LitePullConsumerOptions o = Options("commit-g");
  o.auto_commit = false;
  int64_t consumed = 0;
  {
    LitePullConsumer c(ConfigFor(cluster), o);
    ASSERT_TRUE(c.Assign({q}).ok());
    ASSERT_TRUE(c.Start().ok());
    std::vector<MessageExt> got = PollCount(c, 7);
    ASSERT_GE(got.size(), 7u);
    consumed = got.back().queue_offset + 1;
    ASSERT_TRUE(c.CommitSync().ok());
    auto committed = c.Committed(q);
    ASSERT_TRUE(committed.ok()) << committed.status();
    EXPECT_EQ(*committed, consumed);
    // Polled after the commit and not committed: delivered again to the next consumer.
    (void)c.Poll(200ms);
    c.Shutdown();
  }
  LitePullConsumer next(ConfigFor(cluster), o);
  ASSERT_TRUE(next.Assign({q}).ok());
  ASSERT_TRUE(next.Start().ok());
  auto committed = next.Committed(q);
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_EQ(*committed, consumed);
  std::vector<MessageExt> rest = PollCount(next, static_cast<size_t>(20 - consumed));
  EXPECT_EQ(OffsetsByQueue(rest)[0], Range(consumed, 20));
}

TEST(LitePullConsumer, AutoCommitCommitsWhatWasPolledAtShutdown) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "AutoT", 2);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  const MessageQueue q0 = Queue(cluster, "AutoT", 0), q1 = Queue(cluster, "AutoT", 1);
  SendN(p, q0, 10, "a-");
  SendN(p, q1, 10, "b-");
  std::map<int, int64_t> consumed;
  {
    LitePullConsumer c(ConfigFor(cluster), Options("auto-g"));
    ASSERT_TRUE(c.Assign({q0, q1}).ok());
    ASSERT_TRUE(c.Start().ok());
    for (const MessageExt& m : PollCount(c, 5)) consumed[m.queue_id] = m.queue_offset + 1;
  }  // the destructor shuts down, committing
  LitePullConsumer next(ConfigFor(cluster), Options("auto-g"));
  ASSERT_TRUE(next.Assign({q0, q1}).ok());
  ASSERT_TRUE(next.Start().ok());
  const size_t left = 20 - static_cast<size_t>(consumed[0] + consumed[1]);
  auto offsets = OffsetsByQueue(PollCount(next, left));
  EXPECT_EQ(offsets[0], Range(consumed[0], 10));
  EXPECT_EQ(offsets[1], Range(consumed[1], 10));
}

TEST(LitePullConsumer, PausedQueuesDeliverNothingUntilResumed) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "PauseT", 2);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  const MessageQueue q0 = Queue(cluster, "PauseT", 0), q1 = Queue(cluster, "PauseT", 1);
  LitePullConsumer c(ConfigFor(cluster), Options("pause-g"));
  ASSERT_TRUE(c.Assign({q0, q1}).ok());
  ASSERT_TRUE(c.Start().ok());
  // One message each first: afterwards both queues have a long poll parked at the broker.
  SendN(p, q0, 1, "warm0-");
  SendN(p, q1, 1, "warm1-");
  ASSERT_EQ(PollCount(c, 2).size(), 2u);
  ASSERT_TRUE(c.Pause({q0}).ok());
  // q0's messages are stored (and reach the pull parked before the pause) before q1's.
  SendN(p, q0, 10, "paused-");
  cluster.WaitDispatched();
  SendN(p, q1, 10, "live-");
  std::vector<MessageExt> live = PollCount(c, 10);
  ASSERT_EQ(live.size(), 10u);
  for (const MessageExt& m : live) EXPECT_EQ(m.queue_id, 1) << m.body;
  ASSERT_TRUE(c.Resume({q0}).ok());
  std::vector<MessageExt> resumed = PollCount(c, 10);
  ASSERT_EQ(resumed.size(), 10u);
  EXPECT_EQ(OffsetsByQueue(resumed)[0], Range(1, 11));
}

TEST(LitePullConsumer, PollWithNothingToDeliverReturnsEmptyAfterItsTimeout) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "EmptyT", 1);
  LitePullConsumer c(ConfigFor(cluster), Options("empty-g"));
  ASSERT_TRUE(c.Assign({Queue(cluster, "EmptyT", 0)}).ok());
  ASSERT_TRUE(c.Start().ok());
  auto r = c.Poll(100ms);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->empty());
  auto zero = c.Poll(0ms);
  ASSERT_TRUE(zero.ok()) << zero.status();
  EXPECT_TRUE(zero->empty());
}

TEST(LitePullConsumer, BroadcastingMembersEachPollEveryMessage) {
  testing::BrokerTestCluster cluster;
  testing::TempDir offsets;
  CreateTopic(cluster, "BcastT", 2);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  LitePullConsumerOptions o = Options("bcast-g");
  o.model = MessageModel::kBroadcasting;
  o.offsets_dir = offsets.path();
  // Distinct instance names: each member keeps its own offsets file.
  ClientConfig ca = ConfigFor(cluster), cb = ConfigFor(cluster);
  ca.instance_name = "member-a";
  cb.instance_name = "member-b";
  LitePullConsumer a(ca, o), b(cb, o);
  for (LitePullConsumer* c : {&a, &b}) {
    ASSERT_TRUE(c->Subscribe("BcastT", "*").ok());
    ASSERT_TRUE(c->Start().ok());
  }
  SendN(p, Queue(cluster, "BcastT", 0), 15, "x-");
  SendN(p, Queue(cluster, "BcastT", 1), 15, "y-");
  for (LitePullConsumer* c : {&a, &b}) {
    std::vector<MessageExt> got = PollCount(*c, 30);
    std::set<std::string> bodies;
    for (const MessageExt& m : got) bodies.insert(m.body);
    EXPECT_EQ(got.size(), 30u);
    EXPECT_EQ(bodies.size(), 30u);
  }
  // Offsets are kept in member a's file: a restarted a resumes after what it polled.
  a.Shutdown();
  SendN(p, Queue(cluster, "BcastT", 0), 3, "later-");
  LitePullConsumer again(ca, o);
  ASSERT_TRUE(again.Subscribe("BcastT", "*").ok());
  ASSERT_TRUE(again.Start().ok());
  std::vector<MessageExt> later = PollCount(again, 3);
  ASSERT_EQ(later.size(), 3u);
  for (size_t i = 0; i < later.size(); ++i) EXPECT_EQ(later[i].body, fmt::format("later-{}", i));
}

TEST(LitePullConsumer, TagSubscriptionPollsOnlyMatchingTags) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "TagT", 1);
  Producer p(ConfigFor(cluster), ProducerOptions{.group = "pg"});
  ASSERT_TRUE(p.Start().ok());
  const MessageQueue q = Queue(cluster, "TagT", 0);
  for (int i = 0; i < 10; ++i) {
    SendN(p, q, 1, fmt::format("a{}-", i), "TagA");
    SendN(p, q, 1, fmt::format("b{}-", i), "TagB");
  }
  SendN(p, q, 1, "last-", "TagA");  // sent after every TagB: a wrong delivery comes first
  LitePullConsumer c(ConfigFor(cluster), Options("tag-g"));
  ASSERT_TRUE(c.Subscribe("TagT", "TagA").ok());
  ASSERT_TRUE(c.Start().ok());
  std::vector<MessageExt> got = PollUntil(c, [](const std::vector<MessageExt>& msgs) {
    return !msgs.empty() && msgs.back().body == "last-0";
  });
  ASSERT_EQ(got.size(), 11u);
  for (const MessageExt& m : got) EXPECT_EQ(m.tags(), "TagA") << m.body;
}

TEST(LitePullConsumer, MisuseIsReportedAsAStatus) {
  testing::BrokerTestCluster cluster;
  CreateTopic(cluster, "MisuseT", 2);
  const MessageQueue q0 = Queue(cluster, "MisuseT", 0), q1 = Queue(cluster, "MisuseT", 1);
  LitePullConsumer nameless(ConfigFor(cluster), LitePullConsumerOptions{});
  EXPECT_EQ(nameless.Start().code(), absl::StatusCode::kInvalidArgument);

  LitePullConsumer c(ConfigFor(cluster), Options("misuse-g"));
  EXPECT_EQ(c.Poll(10ms).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.CommitSync().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.FetchMessageQueues("MisuseT").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Assign({}).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(c.Assign({q0}).ok());
  EXPECT_EQ(c.Seek(q0, 0).code(), absl::StatusCode::kFailedPrecondition);  // not started
  EXPECT_EQ(c.Subscribe("MisuseT", "*").code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(c.Start().ok());
  EXPECT_EQ(c.Start().code(), absl::StatusCode::kFailedPrecondition);
  absl::Status unassigned = c.Seek(q1, 0);
  EXPECT_EQ(unassigned.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(unassigned.message().find("not assigned"), absl::string_view::npos) << unassigned;
  EXPECT_EQ(c.Seek(q0, 5).code(), absl::StatusCode::kOutOfRange);  // the queue is empty
  EXPECT_EQ(c.Pause({q1}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Resume({q1}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Poll(-1ms).status().code(), absl::StatusCode::kInvalidArgument);
  c.Shutdown();
  EXPECT_EQ(c.Poll(10ms).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Start().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tern::client
