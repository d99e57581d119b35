// SQL92 property filtering through the broker over loopback: raw PULL_MESSAGE with the
// SUBSCRIPTION bit, pulls using a heartbeat's SQL92 subscription, CHECK_CLIENT_CONFIG, long
// polling that only a matching message wakes, and enablePropertyFilter=false.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/clock.h"
#include "engine/commit_log_codec.h"
#include "engine/properties.h"
#include "server/remoting/codes.h"
#include "tests/server/broker/broker_test_cluster.h"

namespace tern::broker {
namespace {

namespace code = remoting::response;
namespace req = remoting::request;
using testing::BrokerTestCluster;

constexpr int kPullCommit = 0x1;
constexpr int kPullSuspend = 0x2;
constexpr int kPullSubscription = 0x4;

std::string Field(const net::Response& r, const std::string& name) {
  const std::string* v = r.command.Field(name);
  return v == nullptr ? "<absent>" : *v;
}

std::string Props(const std::map<std::string, std::string>& user, const std::string& tag = "") {
  std::string p;
  if (!tag.empty()) engine::AppendProperty(&p, "TAGS", tag);
  for (const auto& [k, v] : user) engine::AppendProperty(&p, k, v);
  engine::AppendProperty(&p, "WAIT", "true");
  return p;
}

std::map<std::string, std::string> SqlPull(const std::string& topic, int64_t offset,
                                           const std::string& sql, int sys_flag,
                                           const std::string& group = "SqlCG") {
  std::map<std::string, std::string> f = {
      {"consumerGroup", group}, {"topic", topic},
      {"queueId", "0"},         {"queueOffset", std::to_string(offset)},
      {"maxMsgNums", "32"},     {"sysFlag", std::to_string(sys_flag)},
      {"commitOffset", "0"},    {"suspendTimeoutMillis", "0"},
      {"subVersion", "100"},    {"expressionType", "SQL92"}};
  if (sys_flag & kPullSubscription) f["subscription"] = sql;
  return f;
}

// The bodies of the records in a PULL_MESSAGE response.
std::vector<std::string> Bodies(const net::Response& r) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < r.body.size()) {
    const engine::DecodeResult d = engine::DecodeRecord(
        AsBytes(std::string_view(r.body).substr(pos)), engine::CrcCheck::kVerify);
    EXPECT_EQ(d.status, engine::DecodeStatus::kRecord);
    if (d.status != engine::DecodeStatus::kRecord) break;
    out.emplace_back(AsChars(d.record.body));
    pos += d.record.raw.size();
  }
  return out;
}

// Ten messages m0..m9 in queue 0: a = i, TAGS TagA for even i, TagB for odd; m3 also has
// b = 'x'.
void SendTen(BrokerTestCluster& c, const std::string& topic) {
  for (int i = 0; i < 10; ++i) {
    std::map<std::string, std::string> user = {{"a", std::to_string(i)}};
    if (i == 3) user["b"] = "x";
    ASSERT_EQ(c.Send(topic, "m" + std::to_string(i), Props(user, i % 2 == 0 ? "TagA" : "TagB"), 0)
                  .command.code,
              code::kSuccess);
  }
  c.WaitDispatched();
}

std::string SqlHeartbeat(const std::string& client_id, const std::string& group,
                         const std::string& topic, const std::string& sql, int64_t version) {
  std::string escaped;
  for (char ch : sql) {
    if (ch == '"' || ch == '\\') escaped.push_back('\\');
    escaped.push_back(ch);
  }
  return "{\"clientID\":\"" + client_id + "\",\"consumerDataSet\":[{\"consumeFromWhere\":" +
         "\"CONSUME_FROM_LAST_OFFSET\",\"consumeType\":\"CONSUME_PASSIVELY\",\"groupName\":\"" +
         group + "\",\"messageModel\":\"CLUSTERING\",\"subscriptionDataSet\":[{" +
         "\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"SQL92\",\"subString\":\"" +
         escaped + "\",\"subVersion\":" + std::to_string(version) + ",\"tagsSet\":[],\"topic\":\"" +
         topic + "\"}],\"unitMode\":false}],\"producerDataSet\":[]}";
}

std::string CheckBody(const std::string& type, const std::string& sql) {
  std::string escaped;
  for (char ch : sql) {
    if (ch == '"' || ch == '\\') escaped.push_back('\\');
    escaped.push_back(ch);
  }
  return "{\"clientId\":\"10.0.0.9@9\",\"group\":\"CheckG\",\"subscriptionData\":{"
         "\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"" +
         type + "\",\"subString\":\"" + escaped +
         "\",\"subVersion\":1,\"tagsSet\":[],\"topic\":\"T\"}}";
}

TEST(SqlFilterE2E, PullWithTheSubscriptionBitReturnsOnlyMatchingMessages) {
  BrokerTestCluster c;
  SendTen(c, "SqlT");
  net::Response r =
      c.CallBroker(req::kPullMessage,
                   SqlPull("SqlT", 0, "a BETWEEN 3 AND 6 AND TAGS = 'TagA'", kPullSubscription));
  ASSERT_EQ(r.command.code, code::kSuccess) << r.command.remark.value_or("");
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"m4", "m6"}));
  EXPECT_EQ(Field(r, "nextBeginOffset"), "10");
  EXPECT_EQ(Field(r, "maxOffset"), "10");

  // The Java example's expression; lower-case keywords.
  r = c.CallBroker(req::kPullMessage,
                   SqlPull("SqlT", 0,
                           "(TAGS is not null and TAGS in ('TagA', 'TagB')) and (a is not null "
                           "and a between 0 and 3)",
                           kPullSubscription));
  ASSERT_EQ(r.command.code, code::kSuccess);
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"m0", "m1", "m2", "m3"}));

  // Missing properties are unknown, never a match; b exists only on m3.
  r = c.CallBroker(req::kPullMessage, SqlPull("SqlT", 0, "b = 'x' OR a = 9", kPullSubscription));
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"m3", "m9"}));
  r = c.CallBroker(req::kPullMessage, SqlPull("SqlT", 0, "b IS NULL AND a < 2", kPullSubscription));
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"m0", "m1"}));

  // Starting mid-queue; nothing matching is PULL_RETRY_IMMEDIATELY past the scanned entries.
  r = c.CallBroker(req::kPullMessage, SqlPull("SqlT", 5, "a > 2", kPullSubscription));
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"m5", "m6", "m7", "m8", "m9"}));
  r = c.CallBroker(req::kPullMessage, SqlPull("SqlT", 0, "a > 100", kPullSubscription));
  EXPECT_EQ(r.command.code, code::kPullRetryImmediately);
  EXPECT_EQ(Field(r, "nextBeginOffset"), "10");
  r = c.CallBroker(req::kPullMessage, SqlPull("SqlT", 10, "a > 100", kPullSubscription));
  EXPECT_EQ(r.command.code, code::kPullNotFound);
}

TEST(SqlFilterE2E, ABadExpressionIsSubscriptionParseFailed) {
  BrokerTestCluster c;
  SendTen(c, "SqlBad");
  for (const std::string& bad : {std::string("a >"), std::string("a > 'x'"), std::string(""),
                                 std::string("a = 1 b = 2"), std::string("NOT a > 5")}) {
    SCOPED_TRACE(bad);
    net::Response r = c.CallBroker(req::kPullMessage, SqlPull("SqlBad", 0, bad, kPullSubscription));
    EXPECT_EQ(r.command.code, code::kSubscriptionParseFailed);
    EXPECT_NE(r.command.remark.value_or("").find("column"), std::string::npos)
        << r.command.remark.value_or("");
  }
  auto unknown = SqlPull("SqlBad", 0, "a > 1", kPullSubscription);
  unknown["expressionType"] = "XPATH";
  EXPECT_EQ(c.CallBroker(req::kPullMessage, unknown).command.code, code::kSubscriptionParseFailed);
}

TEST(SqlFilterE2E, PullsUseTheHeartbeatsSqlSubscription) {
  BrokerTestCluster c;
  SendTen(c, "SqlHb");
  net::Response hb =
      c.CallBroker(req::kHeartBeat, {}, SqlHeartbeat("10.0.0.1@1", "HbG", "SqlHb", "a >= 8", 100));
  ASSERT_EQ(hb.command.code, code::kSuccess);
  // No SUBSCRIPTION bit (Java's push consumer): the group's subscription decides.
  auto f = SqlPull("SqlHb", 0, "", kPullCommit, "HbG");
  net::Response r = c.CallBroker(req::kPullMessage, f);
  ASSERT_EQ(r.command.code, code::kSuccess) << r.command.remark.value_or("");
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"m8", "m9"}));
  // A newer subscription version replaces the expression.
  hb = c.CallBroker(req::kHeartBeat, {},
                    SqlHeartbeat("10.0.0.1@1", "HbG", "SqlHb", "a < 1 OR b = 'x'", 200));
  ASSERT_EQ(hb.command.code, code::kSuccess);
  f["subVersion"] = "200";
  r = c.CallBroker(req::kPullMessage, f);
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"m0", "m3"}));
  // A heartbeat with an expression that does not compile is accepted (Java too); its pulls
  // are refused with the parse error.
  hb =
      c.CallBroker(req::kHeartBeat, {}, SqlHeartbeat("10.0.0.1@1", "HbG", "SqlHb", "a >>> 1", 300));
  ASSERT_EQ(hb.command.code, code::kSuccess);
  f["subVersion"] = "300";
  r = c.CallBroker(req::kPullMessage, f);
  EXPECT_EQ(r.command.code, code::kSubscriptionParseFailed);
  EXPECT_NE(r.command.remark.value_or("").find("line 1, column"), std::string::npos);
}

TEST(SqlFilterE2E, CheckClientConfigAnswers) {
  BrokerTestCluster c;
  auto check = [&](const std::string& body) {
    return c.CallBroker(req::kCheckClientConfig, {}, body);
  };
  EXPECT_EQ(check(CheckBody("TAG", "TagA || TagB")).command.code, code::kSuccess);
  EXPECT_EQ(check(CheckBody("", "*")).command.code, code::kSuccess);
  EXPECT_EQ(check("{\"clientId\":\"x\",\"group\":\"g\"}").command.code, code::kSuccess);
  EXPECT_EQ(check(CheckBody("SQL92", "a > 5 AND TAGS IN ('x')")).command.code, code::kSuccess);
  net::Response bad = check(CheckBody("SQL92", "a > > 5"));
  EXPECT_EQ(bad.command.code, code::kSubscriptionParseFailed);
  EXPECT_EQ(bad.command.remark.value_or(""),
            "SQL92 expression: expected an operand, found '>' at line 1, column 5");
  EXPECT_EQ(check(CheckBody("XPATH", "/a")).command.code, code::kSubscriptionParseFailed);
  net::Response garbage = check("{not json");
  EXPECT_EQ(garbage.command.code, code::kSystemError);
  EXPECT_EQ(check("").command.code, code::kSystemError);
}

TEST(SqlFilterE2E, PropertyFilterDisabledRefusesSql92) {
  BrokerTestCluster c(std::map<std::string, std::string>{{"enablePropertyFilter", "false"}});
  SendTen(c, "SqlOff");
  net::Response check = c.CallBroker(req::kCheckClientConfig, {}, CheckBody("SQL92", "a > 1"));
  EXPECT_EQ(check.command.code, code::kSystemError);
  EXPECT_EQ(check.command.remark.value_or(""),
            "The broker does not support consumer to filter message by SQL92");
  EXPECT_EQ(c.CallBroker(req::kCheckClientConfig, {}, CheckBody("TAG", "*")).command.code,
            code::kSuccess);
  net::Response r =
      c.CallBroker(req::kPullMessage, SqlPull("SqlOff", 0, "a > 1", kPullSubscription));
  EXPECT_EQ(r.command.code, code::kSystemError);
  EXPECT_EQ(r.command.remark.value_or(""),
            "The broker does not support consumer to filter message by SQL92");
}

// Parked long-polling pulls, read from GET_BROKER_RUNTIME_INFO.
int Parked(BrokerTestCluster& c) {
  net::Response r = c.CallBroker(req::kGetBrokerRuntimeInfo, {});
  const std::string key = "\"longPollingParked\":\"";
  const size_t at = r.body.find(key);
  if (at == std::string::npos) return -1;
  return std::stoi(r.body.substr(at + key.size()));
}

TEST(SqlFilterE2E, OnlyAMatchingMessageWakesAParkedSqlPull) {
  BrokerTestCluster c;
  SendTen(c, "SqlLp");
  std::mutex mu;
  std::condition_variable cv;
  std::optional<absl::StatusOr<net::Response>> result;
  remoting::RemotingCommand pull = remoting::RemotingCommand::Request(req::kPullMessage, 0);
  auto fields = SqlPull("SqlLp", 10, "a = 'wanted'", kPullSubscription | kPullSuspend);
  fields["suspendTimeoutMillis"] = "20000";
  for (const auto& [k, v] : fields) pull.MutableFields().Set(k, v);
  c.client().Invoke(c.broker_addr(), pull, "", std::chrono::milliseconds(30000),
                    [&](absl::StatusOr<net::Response> r) {
                      std::lock_guard<std::mutex> lock(mu);
                      result = std::move(r);
                      cv.notify_all();
                    });
  const auto deadline = MonoClock::now() + std::chrono::seconds(10);
  while (Parked(c) != 1) ASSERT_LT(MonoClock::now(), deadline) << "the pull was not parked";
  // Messages it does not want arrive (same tag code, other properties): still parked.
  // Arrival listeners run before WaitDispatched returns, so a wake would show here.
  ASSERT_EQ(c.Send("SqlLp", "no1", Props({{"a", "unwanted"}}), 0).command.code, code::kSuccess);
  ASSERT_EQ(c.Send("SqlLp", "no2", Props({}), 0).command.code, code::kSuccess);
  c.WaitDispatched();
  EXPECT_EQ(Parked(c), 1);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_FALSE(result.has_value()) << "answered without a matching message";
  }
  // The one it wants answers it, and the reply skips the unwanted ones.
  ASSERT_EQ(c.Send("SqlLp", "yes", Props({{"a", "wanted"}}), 0).command.code, code::kSuccess);
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(15), [&] { return result.has_value(); }));
  ASSERT_TRUE(result->ok());
  EXPECT_EQ((*result)->command.code, code::kSuccess);
  EXPECT_EQ(Bodies(**result), (std::vector<std::string>{"yes"}));
  EXPECT_EQ(Field(**result, "nextBeginOffset"), "13");
}

}  // namespace
}  // namespace tern::broker
