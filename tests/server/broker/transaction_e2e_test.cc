// Transactional messages through a real broker, with a raw producer connection: half messages
// stay invisible; END_TRANSACTION commits or rolls back once (validated like Java); the
// check-back asks a live producer about undecided ones, again after "unknown", gives up after
// transactionCheckMax, and picks up pending halves after a restart.
#include <gtest/gtest.h>

#include "engine/base/clock.h"
#include "engine/base/mutex.h"
#include "engine/commit_log_format.h"
#include "server/broker/reroute_services.h"
#include "server/broker/transaction_service.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/transaction.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/server/broker/reroute_test_util.h"

namespace tern::broker {
namespace {

namespace code = remoting::response;
namespace req = remoting::request;
using namespace std::chrono_literals;
using testing::BrokerTestCluster;
using testing::PhysicalOffsetOf;
using testing::Props;
using testing::QueueSize;
using testing::ReadQueue;
using testing::StoredMessage;
using testing::WaitUntil;

struct Check {
  remoting::CheckTransactionStateRequestHeader header;
  StoredMessage message;
};

struct Half {
  int64_t queue_offset = 0;
  int64_t commit_log_offset = 0;
  std::string uniq;
};

// A producer of group `group` on its own connection: heartbeats, sends halves, ends them and
// records the broker's CHECK_TRANSACTION_STATE requests.
class RawProducer {
 public:
  RawProducer(BrokerTestCluster& c, std::string group) : c_(c), group_(std::move(group)) {
    handlers_.Register(
        req::kCheckTransactionState,
        [this](const remoting::ChannelPtr&, remoting::RemotingCommand r, std::string body) {
          absl::StatusOr<remoting::CheckTransactionStateRequestHeader> h =
              remoting::CheckTransactionStateRequestHeader::Parse(r);
          EXPECT_TRUE(h.ok()) << h.status();
          engine::DecodeResult d = engine::DecodeRecord(AsBytes(body), engine::CrcCheck::kVerify);
          EXPECT_EQ(d.status, engine::DecodeStatus::kRecord);
          if (!h.ok() || d.status != engine::DecodeStatus::kRecord) return;
          MutexLock lock(&mu_);
          checks_.push_back({*h, testing::CopyOut(d.record)});
        });
    client_ = std::make_unique<net::RemotingClient>(&c.pool(), &handlers_);
  }
  ~RawProducer() { client_.reset(); }

  net::Response Call(remoting::RemotingCommand cmd, std::string body = {},
                     std::chrono::milliseconds timeout = 5s) {
    cmd.version = 373;
    absl::StatusOr<net::Response> r =
        client_->InvokeSync(c_.broker_addr(), std::move(cmd), std::move(body), timeout);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : net::Response{};
  }

  void Heartbeat() {
    net::Response r = Call(remoting::RemotingCommand::Request(req::kHeartBeat, 0),
                           R"({"clientID":"127.0.0.1@raw","consumerDataSet":[],)"
                           R"("producerDataSet":[{"groupName":")" +
                               group_ + R"("}]})");
    ASSERT_EQ(r.command.code, code::kSuccess);
  }

  Half SendHalf(const std::string& topic, const std::string& body, const std::string& uniq,
                int queue = 2) {
    remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kSendMessageV2, 0);
    for (const auto& [k, v] :
         std::map<std::string, std::string>{{"a", group_},
                                            {"b", topic},
                                            {"c", "TBW102"},
                                            {"d", "4"},
                                            {"e", std::to_string(queue)},
                                            {"f", "4"},
                                            {"g", std::to_string(NowMillis())},
                                            {"h", "0"},
                                            {"i", Props({{"TRAN_MSG", "true"},
                                                         {"PGROUP", group_},
                                                         {"UNIQ_KEY", uniq},
                                                         {"TAGS", "T"},
                                                         {"WAIT", "true"}})}}) {
      cmd.MutableFields().Set(k, v);
    }
    net::Response r = Call(std::move(cmd), body);
    EXPECT_EQ(r.command.code, code::kSuccess) << r.command.remark.value_or("");
    const std::string* qo = r.command.Field("queueOffset");
    const std::string* id = r.command.Field("msgId");
    const std::string* qid = r.command.Field("queueId");
    EXPECT_TRUE(qo && id && qid);
    if (qid) {
      EXPECT_EQ(*qid, std::to_string(queue));
    }
    Half h;
    h.uniq = uniq;
    if (qo) h.queue_offset = std::stoll(*qo);
    if (id) h.commit_log_offset = PhysicalOffsetOf(*id);
    return h;
  }

  // END_TRANSACTION, answered (not oneway) so the test sees the outcome.
  net::Response End(int64_t queue_offset, int64_t commit_log_offset, const std::string& uniq,
                    int32_t type, bool from_check = false, const std::string& group = "") {
    remoting::EndTransactionRequestHeader h;
    h.producer_group = group.empty() ? group_ : group;
    h.tran_state_table_offset = queue_offset;
    h.commit_log_offset = commit_log_offset;
    h.commit_or_rollback = type;
    h.from_transaction_check = from_check;
    h.msg_id = uniq;
    h.transaction_id = uniq;
    remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kEndTransaction, 0);
    h.WriteTo(cmd.MutableFields());
    if (type == remoting::kTransactionNotType) {
      // Java answers nothing: the request times out.
      cmd.version = 373;
      absl::StatusOr<net::Response> r =
          client_->InvokeSync(c_.broker_addr(), std::move(cmd), {}, 300ms);
      EXPECT_TRUE(absl::IsDeadlineExceeded(r.status())) << r.status();
      return net::Response{};
    }
    return Call(std::move(cmd));
  }
  net::Response End(const Half& h, int32_t type) {
    return End(h.queue_offset, h.commit_log_offset, h.uniq, type);
  }
  net::Response Answer(const Check& k, int32_t type) {
    return End(k.header.tran_state_table_offset, k.header.commit_log_offset,
               k.header.msg_id.value_or(""), type, /*from_check=*/true);
  }

  // Waits until at least `n` checks arrived; returns them all.
  std::vector<Check> WaitChecks(size_t n, std::chrono::milliseconds timeout = 20s) {
    EXPECT_TRUE(WaitUntil(
        [&] {
          MutexLock lock(&mu_);
          return checks_.size() >= n;
        },
        timeout))
        << "expected " << n << " checks";
    MutexLock lock(&mu_);
    return checks_;
  }
  size_t checks() {
    MutexLock lock(&mu_);
    return checks_.size();
  }

 private:
  BrokerTestCluster& c_;
  const std::string group_;
  remoting::HandlerTable handlers_;
  std::unique_ptr<net::RemotingClient> client_;
  Mutex mu_;
  std::vector<Check> checks_ ABSL_GUARDED_BY(mu_);
};

constexpr int32_t kCommit = remoting::kTransactionCommitType;
constexpr int32_t kRollback = remoting::kTransactionRollbackType;
constexpr int32_t kUnknown = remoting::kTransactionNotType;

std::map<std::string, std::string> FastChecks(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> s = {{"transactionCheckInterval", "100"},
                                          {"transactionTimeOut", "300"}};
  s.insert(extra.begin(), extra.end());
  return s;
}

// Waits for `rounds` more check rounds to complete.
void WaitRounds(BrokerTestCluster& c, int rounds);

TEST(TransactionE2E, CommitAndRollbackAreDecidedOnceAndValidatedLikeJava) {
  BrokerTestCluster c;
  engine::MessageStore& store = c.broker().store();
  RawProducer p(c, "PG");
  const Half a = p.SendHalf("TxT", "body-a", "UA");
  const Half b = p.SendHalf("TxT", "body-b", "UB");
  EXPECT_EQ(a.queue_offset, 0);
  EXPECT_EQ(b.queue_offset, 1);
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(store, "TxT", 2), 0);
  std::vector<StoredMessage> halves = ReadQueue(store, "RMQ_SYS_TRANS_HALF_TOPIC", 0);
  ASSERT_EQ(halves.size(), 2u);
  EXPECT_EQ(halves[0].physical_offset, a.commit_log_offset);
  EXPECT_EQ(halves[0].sys_flag & engine::format::kTransactionTypeMask, 0);
  EXPECT_EQ(halves[0].Property("REAL_TOPIC"), "TxT");
  EXPECT_EQ(halves[0].Property("REAL_QID"), "2");

  // Refusals first: nothing is decided by them.
  struct Case {
    net::Response r;
    std::string remark;
  };
  const Case refusals[] = {
      {p.End(a.queue_offset, a.commit_log_offset, "UA", kCommit, false, "OtherGroup"),
       "The producer group wrong"},
      {p.End(a.queue_offset + 5, a.commit_log_offset, "UA", kCommit), "state table offset wrong"},
      {p.End(a.queue_offset, 99999999, "UA", kCommit), "Find prepared transaction message failed"},
  };
  for (const Case& k : refusals) {
    EXPECT_EQ(k.r.command.code, code::kSystemError);
    EXPECT_NE(k.r.command.remark.value_or("").find(k.remark), std::string::npos)
        << k.r.command.remark.value_or("");
  }
  net::Response plain = c.Send("TxT", "plain", "", 0);
  ASSERT_EQ(plain.command.code, code::kSuccess);
  net::Response not_half = p.End(0, PhysicalOffsetOf(*plain.command.Field("msgId")), "x", kCommit);
  EXPECT_EQ(not_half.command.code, code::kSystemError);
  EXPECT_NE(not_half.command.remark.value_or("").find("not a half message"), std::string::npos);

  ASSERT_EQ(p.End(a, kCommit).command.code, code::kSuccess);
  ASSERT_EQ(p.End(b, kRollback).command.code, code::kSuccess);
  c.WaitDispatched();
  std::vector<StoredMessage> visible = ReadQueue(store, "TxT", 2);
  ASSERT_EQ(visible.size(), 1u);
  const StoredMessage& m = visible[0];
  EXPECT_EQ(m.body, "body-a");
  EXPECT_EQ(m.sys_flag & engine::format::kTransactionTypeMask,
            engine::format::kTransactionCommitType);
  EXPECT_EQ(m.prepared_transaction_offset, a.commit_log_offset);
  EXPECT_EQ(m.Property("TRAN_MSG"), "true");
  EXPECT_EQ(m.Property("PGROUP"), "PG");
  EXPECT_EQ(m.Property("UNIQ_KEY"), "UA");
  EXPECT_EQ(m.Property("TAGS"), "T");
  // Op records, Java's format.
  std::vector<StoredMessage> ops = ReadQueue(store, "RMQ_SYS_TRANS_OP_HALF_TOPIC", 0);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].body, "0");
  EXPECT_EQ(ops[1].body, "1");
  EXPECT_EQ(ops[0].properties, Props({{"WAIT", "true"}, {"TAGS", "d"}}));

  // The first decision wins.
  for (const net::Response& r : {p.End(a, kRollback), p.End(b, kCommit), p.End(a, kCommit)}) {
    EXPECT_EQ(r.command.code, code::kSystemError);
    EXPECT_NE(r.command.remark.value_or("").find("first decision wins"), std::string::npos)
        << r.command.remark.value_or("");
  }
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(store, "TxT", 2), 1);
  // Unknown: Java answers nothing (End checks the request times out).
  p.End(b, kUnknown);
}

TEST(TransactionE2E, BrokersCanRefuseTransactionalMessages) {
  BrokerTestCluster c(std::map<std::string, std::string>{{"rejectTransactionMessage", "true"}});
  RawProducer p(c, "PG");
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kSendMessageV2, 0);
  for (const auto& [k, v] :
       std::map<std::string, std::string>{{"a", "PG"},
                                          {"b", "TxT"},
                                          {"c", "TBW102"},
                                          {"d", "4"},
                                          {"e", "0"},
                                          {"f", "4"},
                                          {"g", "1"},
                                          {"h", "0"},
                                          {"i", Props({{"TRAN_MSG", "true"}, {"PGROUP", "PG"}})}}) {
    cmd.MutableFields().Set(k, v);
  }
  net::Response r = p.Call(std::move(cmd), "x");
  EXPECT_EQ(r.command.code, code::kNoPermission);
  EXPECT_NE(r.command.remark.value_or("").find("transaction message is forbidden"),
            std::string::npos);
}

TEST(TransactionE2E, CheckBackAsksTheProducerAgainAfterUnknownAndCommitsOnce) {
  BrokerTestCluster c(FastChecks());
  engine::MessageStore& store = c.broker().store();
  RawProducer p(c, "PG");
  p.Heartbeat();
  const Half h = p.SendHalf("TxT", "checked", "UC");
  p.End(h, kUnknown);  // no response

  std::vector<Check> checks = p.WaitChecks(1);
  ASSERT_GE(checks.size(), 1u);
  const Check first = checks[0];
  EXPECT_EQ(first.header.msg_id, "UC");
  EXPECT_EQ(first.header.transaction_id, "UC");
  EXPECT_GT(first.header.tran_state_table_offset, h.queue_offset);  // the put-back copy
  EXPECT_NE(first.header.commit_log_offset, h.commit_log_offset);
  EXPECT_EQ(first.message.topic, "TxT");
  EXPECT_EQ(first.message.queue_id, 2);
  EXPECT_EQ(first.message.body, "checked");
  EXPECT_EQ(first.message.queue_offset, first.header.tran_state_table_offset);
  EXPECT_EQ(first.message.physical_offset, first.header.commit_log_offset);
  EXPECT_EQ(first.message.Property("TRANSACTION_CHECK_TIMES"), "1");
  EXPECT_EQ(first.message.Property("PGROUP"), "PG");
  ASSERT_TRUE(first.header.offset_msg_id.has_value());
  EXPECT_EQ(PhysicalOffsetOf(*first.header.offset_msg_id), first.header.commit_log_offset);

  // "Unknown" again: asked again later.
  p.Answer(first, kUnknown);
  checks = p.WaitChecks(2);
  ASSERT_GE(checks.size(), 2u);
  const Check second = checks[1];
  EXPECT_EQ(second.message.Property("TRANSACTION_CHECK_TIMES"), "2");
  ASSERT_EQ(p.Answer(second, kCommit).command.code, code::kSuccess);
  c.WaitDispatched();
  ASSERT_EQ(QueueSize(store, "TxT", 2), 1);
  EXPECT_EQ(ReadQueue(store, "TxT", 2)[0].body, "checked");
  // A late answer for the older copy, or the producer's own late decision: refused.
  EXPECT_EQ(p.Answer(first, kRollback).command.code, code::kSystemError);
  EXPECT_EQ(p.End(h, kRollback).command.code, code::kSystemError);
  // No more checks for it (once a check sent just before the commit has arrived).
  WaitRounds(c, 2);
  const size_t asked = p.checks();
  WaitRounds(c, 3);
  EXPECT_EQ(p.checks(), asked);
  EXPECT_EQ(QueueSize(store, "TxT", 2), 1);
}

TEST(TransactionE2E, NeverAnsweredHalvesAreDiscardedAfterTransactionCheckMax) {
  BrokerTestCluster c(FastChecks({{"transactionCheckMax", "2"}}));
  engine::MessageStore& store = c.broker().store();
  RawProducer p(c, "PG");
  p.Heartbeat();
  const Half h = p.SendHalf("TxT", "forgotten", "UF");
  p.WaitChecks(2);
  ASSERT_TRUE(WaitUntil([&] { return QueueSize(store, "TRANS_CHECK_MAX_TIME_TOPIC", 0) == 1; }));
  EXPECT_EQ(ReadQueue(store, "TRANS_CHECK_MAX_TIME_TOPIC", 0)[0].body, "forgotten");
  WaitRounds(c, 3);
  EXPECT_EQ(p.checks(), 2u);
  net::Response late = p.End(h, kCommit);
  EXPECT_EQ(late.command.code, code::kSystemError);
  EXPECT_NE(late.command.remark.value_or("").find("discarded"), std::string::npos)
      << late.command.remark.value_or("");
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(store, "TxT", 2), 0);
}

TEST(TransactionE2E, PendingHalvesAreCheckedAfterARestartAndDecidedOnesAreNot) {
  BrokerTestCluster c(FastChecks());
  {
    RawProducer p(c, "PG");
    const Half decided = p.SendHalf("TxT", "decided", "UD");
    ASSERT_EQ(p.End(decided, kCommit).command.code, code::kSuccess);
    p.SendHalf("TxT", "pending", "UP");
  }
  // After a restart the pending half is asked about, the decided one never.
  c.RestartBroker();
  engine::MessageStore& store = c.broker().store();
  RawProducer p(c, "PG");
  p.Heartbeat();
  std::vector<Check> checks = p.WaitChecks(1);
  ASSERT_GE(checks.size(), 1u);
  EXPECT_EQ(checks[0].header.msg_id, "UP");
  ASSERT_EQ(p.Answer(checks[0], kRollback).command.code, code::kSuccess);
  WaitRounds(c, 3);
  // Only the pending one was asked about (more than once if a round ran before the answer).
  for (const Check& k : p.WaitChecks(1)) EXPECT_EQ(k.header.msg_id, "UP");
  c.WaitDispatched();
  std::vector<StoredMessage> visible = ReadQueue(store, "TxT", 2);
  ASSERT_EQ(visible.size(), 1u);
  EXPECT_EQ(visible[0].body, "decided");
  // The decision made before the restart still stands.
  std::vector<StoredMessage> halves = ReadQueue(store, "RMQ_SYS_TRANS_HALF_TOPIC", 0);
  ASSERT_GE(halves.size(), 1u);
  net::Response again = p.End(halves[0].queue_offset, halves[0].physical_offset, "UD", kCommit);
  EXPECT_EQ(again.command.code, code::kSystemError);
  c.RestartBroker();
  c.WaitDispatched();
  EXPECT_EQ(QueueSize(c.broker().store(), "TxT", 2), 1);
  net::Response after = p.End(halves[0].queue_offset, halves[0].physical_offset, "UD", kRollback);
  EXPECT_EQ(after.command.code, code::kSystemError);
}

void WaitRounds(BrokerTestCluster& c, int rounds) {
  RerouteServices& r = c.broker().reroute();
  const int64_t target = r.transaction_check_rounds() + rounds;
  ASSERT_TRUE(WaitUntil([&] { return r.transaction_check_rounds() >= target; }));
}

}  // namespace
}  // namespace tern::broker
