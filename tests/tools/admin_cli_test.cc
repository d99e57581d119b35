// `tern admin ...` as a user runs it: the real binary against a `tern standalone` this test
// starts on free loopback ports. Every command runs at least once; the assertions read its
// text table, its --json document and its exit code (0 done, 1 refused with code and remark,
// 2 bad flags). An in-process C++ push consumer and producer make a group and a producer
// group online for the connection, progress and reset commands. `tern store export` of the
// live store and `tern admin import` of the result close the migration loop.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "client/producer.h"
#include "client/push_consumer.h"
#include "engine/metadata/fastjson.h"
#include "tests/util/temp_dir.h"

namespace tern::tools {
namespace {

namespace md = engine::metadata;
using ::testing::HasSubstr;
using ::testing::Not;

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

// A port nothing listens on now (bound to 0, read back, closed).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool PortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document doc;
  const absl::Status s = md::ParseStrictJson(text, doc);
  EXPECT_TRUE(s.ok()) << s << "\n" << text;
  return doc;
}

template <typename Fn>
bool WaitFor(Fn done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// One `tern standalone` for the whole suite.
class AdminCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ::tern::testing::TempDir();
    for (int attempt = 0; attempt < 20 && broker_port_ < 0; ++attempt) {
      const int ns = FreePort();
      const int b = FreePort();
      if (ns > 0 && b > 2 && ns != b && ns != b - 2 && PortFree(b - 2)) {
        namesrv_port_ = ns;
        broker_port_ = b;
      }
    }
    ASSERT_GT(broker_port_, 0) << "no free ports";
    log_ = dir_->Sub("standalone.log");
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      const std::string data = dir_->Sub("data");
      const std::string ns = std::to_string(namesrv_port_);
      const std::string port = std::to_string(broker_port_);
      // Small store files (16 MiB CommitLog files, a small index), no HTTP endpoint.
      execl(TERN_BINARY, TERN_BINARY, "standalone", "--data", data.c_str(), "--namesrv-port",
            ns.c_str(), "--listen-port", port.c_str(), "--http-addr", "off", "--set",
            "mappedFileSizeCommitLog=16777216", "--set", "maxIndexNum=400000", "--set",
            "maxHashSlotNum=100000", static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_GT(pid_, 0);
    ASSERT_TRUE(WaitFor([] {
      return ReadFile(log_).find("tern standalone ready") != std::string::npos;
    })) << ReadFile(log_);
  }

  static void TearDownTestSuite() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    delete dir_;
  }

  static std::string Ns() { return "127.0.0.1:" + std::to_string(namesrv_port_); }
  static std::string Broker() { return "127.0.0.1:" + std::to_string(broker_port_); }

  // `tern admin ARGS -n NS` (with_ns), stdout and stderr kept apart.
  static CliRun Admin(const std::string& args, bool with_ns = true) {
    static std::atomic<int> n{0};
    const std::string err_path = dir_->Sub("err-" + std::to_string(n++));
    const std::string cmd = "env -u NAMESRV_ADDR " + std::string(TERN_BINARY) + " admin " + args +
                            (with_ns ? " -n " + Ns() : "") + " 2>" + err_path;
    CliRun r;
    FILE* p = popen(cmd.c_str(), "r");  // NOLINT(cert-env33-c): the test runs the tool
    if (p == nullptr) return r;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, got);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = ReadFile(err_path);
    return r;
  }

  static client::ClientConfig ClientFor() {
    client::ClientConfig c;
    c.namesrv_addrs = {Ns()};
    c.persist_consumer_offset_interval = std::chrono::milliseconds(200);  // progress shows soon
    return c;
  }

  static ::tern::testing::TempDir* dir_;
  static std::string log_;
  static pid_t pid_;
  static int namesrv_port_;
  static int broker_port_;
};

::tern::testing::TempDir* AdminCli::dir_ = nullptr;
std::string AdminCli::log_;
pid_t AdminCli::pid_ = -1;
int AdminCli::namesrv_port_ = -1;
int AdminCli::broker_port_ = -1;

#define EXPECT_RUN_OK(r) EXPECT_EQ((r).code, 0) << (r).out << (r).err

TEST_F(AdminCli, HelpUsageAndMissingNameServer) {
  CliRun help = Admin("help updateTopic", false);
  EXPECT_RUN_OK(help);
  EXPECT_THAT(help.out, HasSubstr("-t,--topic"));
  EXPECT_THAT(help.out, HasSubstr("-c,--clusterName"));
  CliRun list = Admin("help", false);
  EXPECT_RUN_OK(list);
  for (const char* c : {"clusterList", "consumerProgress", "queryMsgByUniqueKey", "import"}) {
    EXPECT_THAT(list.out, HasSubstr(c));
  }
  EXPECT_EQ(Admin("help noSuchCommand", false).code, 2);
  CliRun neither = Admin("updateTopic -t X");
  EXPECT_EQ(neither.code, 2);
  EXPECT_THAT(neither.err, HasSubstr("-b or -c"));
  CliRun no_ns = Admin("topicList", false);
  EXPECT_EQ(no_ns.code, 1);
  EXPECT_THAT(no_ns.err, HasSubstr("NAMESRV_ADDR"));
  EXPECT_NE(Admin("updateTopic -c DefaultCluster").code, 0);  // -t is required
}

TEST_F(AdminCli, TopicCommands) {
  CliRun create = Admin("updateTopic -c DefaultCluster -t CliTopic -r 3 -w 3");
  EXPECT_RUN_OK(create);
  EXPECT_THAT(create.out, HasSubstr("create topic to " + Broker() + " success."));
  EXPECT_THAT(create.out, HasSubstr("TopicConfig [topicName=CliTopic, readQueueNums=3"));
  CliRun ordered = Admin("updateTopic -b " + Broker() + " -t CliOrdered -w 2 -r 2 -o true --json");
  EXPECT_RUN_OK(ordered);
  EXPECT_STREQ(Json(ordered.out)["orderConf"].GetString(), "broker-a:2");

  CliRun list = Admin("topicList");
  EXPECT_RUN_OK(list);
  EXPECT_THAT(list.out, HasSubstr("CliTopic\n"));
  CliRun list_json = Admin("topicList -c --json");
  EXPECT_RUN_OK(list_json);
  rapidjson::Document topics = Json(list_json.out);
  bool found = false;
  for (const auto& t : topics["topics"].GetArray()) {
    if (std::string(t["topic"].GetString()) == "CliTopic") {
      found = true;
      EXPECT_STREQ(t["cluster"].GetString(), "DefaultCluster");
    }
  }
  EXPECT_TRUE(found) << list_json.out;

  CliRun route = Admin("topicRoute -t CliTopic --json");
  EXPECT_RUN_OK(route);
  rapidjson::Document r = Json(route.out);
  EXPECT_EQ(r["queueDatas"][0]["writeQueueNums"].GetInt(), 3);
  EXPECT_EQ(r["queueDatas"][0]["perm"].GetInt(), 6);

  CliRun status = Admin("topicStatus -t CliTopic");
  EXPECT_RUN_OK(status);
  EXPECT_THAT(status.out, HasSubstr("#Broker Name"));
  EXPECT_THAT(status.out, HasSubstr("#Max Offset"));
  CliRun status_json = Admin("topicStatus -t CliTopic --json");
  EXPECT_EQ(Json(status_json.out)["queues"].Size(), 3u);

  CliRun clusters = Admin("topicClusterList -t CliTopic");
  EXPECT_RUN_OK(clusters);
  EXPECT_EQ(clusters.out, "DefaultCluster\n");

  CliRun perm = Admin("updateTopicPerm -t CliTopic -b " + Broker() + " -p 4");
  EXPECT_RUN_OK(perm);
  EXPECT_THAT(perm.out, HasSubstr("update topic perm from 6 to 4"));
  EXPECT_EQ(Json(Admin("topicRoute -t CliTopic --json").out)["queueDatas"][0]["perm"].GetInt(), 4);
  EXPECT_THAT(Admin("updateTopicPerm -t CliTopic -b " + Broker() + " -p 4").out,
              HasSubstr("new perm equals to the old one!"));
  EXPECT_RUN_OK(Admin("updateTopicPerm -t CliTopic -c DefaultCluster -p 6"));
  EXPECT_EQ(Json(Admin("topicRoute -t CliTopic --json").out)["queueDatas"][0]["perm"].GetInt(), 6);

  CliRun del = Admin("deleteTopic -c DefaultCluster -t CliOrdered");
  EXPECT_RUN_OK(del);
  EXPECT_THAT(del.out, HasSubstr("delete topic [CliOrdered] from NameServer success."));
  CliRun gone = Admin("topicRoute -t CliOrdered");
  EXPECT_EQ(gone.code, 1);
  EXPECT_THAT(gone.err, HasSubstr("code 17"));
  CliRun no_stats = Admin("topicStatus -t NoSuchTopic");
  EXPECT_EQ(no_stats.code, 1);
  EXPECT_THAT(no_stats.err, HasSubstr("GET_ROUTEINFO_BY_TOPIC (105)"));
}

TEST_F(AdminCli, ClusterBrokerAndNameServerCommands) {
  CliRun cl = Admin("clusterList");
  EXPECT_RUN_OK(cl);
  EXPECT_THAT(cl.out, HasSubstr("#Cluster Name"));
  EXPECT_THAT(cl.out, HasSubstr("DefaultCluster"));
  EXPECT_THAT(cl.out, HasSubstr(Broker()));
  EXPECT_THAT(cl.out, HasSubstr("V4_9_8"));
  CliRun more = Admin("clusterList -m");
  EXPECT_RUN_OK(more);
  EXPECT_THAT(more.out, HasSubstr("#InTotalToday"));
  CliRun cl_json = Admin("clusterList --json");
  rapidjson::Document c = Json(cl_json.out);
  ASSERT_EQ(c["brokers"].Size(), 1u);
  EXPECT_STREQ(c["brokers"][0]["brokerName"].GetString(), "broker-a");
  EXPECT_TRUE(c["brokers"][0]["runtime"].HasMember("msgPutTotalTodayNow"));

  CliRun status = Admin("brokerStatus -b " + Broker());
  EXPECT_RUN_OK(status);
  EXPECT_THAT(status.out, HasSubstr("brokerVersionDesc"));
  CliRun status_c = Admin("brokerStatus -c DefaultCluster");
  EXPECT_RUN_OK(status_c);
  EXPECT_THAT(status_c.out, HasSubstr(Broker()));
  EXPECT_EQ(Admin("brokerStatus").code, 2);

  EXPECT_RUN_OK(Admin("updateBrokerConfig -b " + Broker() + " -k maxMessageSize -v 4194000"));
  CliRun config = Admin("getBrokerConfig -b " + Broker() + " --json");
  EXPECT_RUN_OK(config);
  rapidjson::Document cfg = Json(config.out);
  EXPECT_STREQ(cfg["brokers"][0]["config"]["brokerName"].GetString(), "broker-a");
  EXPECT_STREQ(cfg["brokers"][0]["config"]["maxMessageSize"].GetString(), "4194000");
  CliRun config_c = Admin("getBrokerConfig -c DefaultCluster");
  EXPECT_RUN_OK(config_c);
  EXPECT_THAT(config_c.out, HasSubstr("============Master: " + Broker()));
  CliRun bad_key = Admin("updateBrokerConfig -b " + Broker() + " -k noSuchKey -v 1");
  EXPECT_EQ(bad_key.code, 1) << bad_key.out;
  EXPECT_THAT(bad_key.err, HasSubstr("UPDATE_BROKER_CONFIG (25) to broker " + Broker()));

  CliRun cq = Admin("cleanExpiredCQ -c DefaultCluster");
  EXPECT_RUN_OK(cq);
  EXPECT_EQ(cq.out, "success\n");

  CliRun ns = Admin("getNamesrvConfig --json");
  EXPECT_RUN_OK(ns);
  EXPECT_TRUE(Json(ns.out).HasMember(Ns().c_str()));
  EXPECT_RUN_OK(Admin("updateKvConfig -s CliNs -k k1 -v v1"));
  EXPECT_RUN_OK(Admin("deleteKvConfig -s CliNs -k k1"));

  EXPECT_RUN_OK(Admin("updateTopic -c DefaultCluster -t CliPermTopic"));
  CliRun wipe = Admin("wipeWritePerm -b broker-a");
  EXPECT_RUN_OK(wipe);
  EXPECT_THAT(wipe.out,
              HasSubstr("wipe write perm of broker[broker-a] in name server[" + Ns() + "] OK"));
  EXPECT_EQ(Json(Admin("topicRoute -t CliPermTopic --json").out)["queueDatas"][0]["perm"].GetInt(),
            4);
  CliRun add = Admin("addWritePerm -b broker-a");
  EXPECT_RUN_OK(add);
  EXPECT_EQ(Json(Admin("topicRoute -t CliPermTopic --json").out)["queueDatas"][0]["perm"].GetInt(),
            6);
}

TEST_F(AdminCli, MessageCommands) {
  EXPECT_RUN_OK(Admin("updateTopic -c DefaultCluster -t CliMsg -r 2 -w 2"));
  std::vector<std::string> offset_ids, uniq_ids;
  for (int i = 0; i < 4; ++i) {
    CliRun send = Admin("sendMessage -t CliMsg -p body-" + std::to_string(i) + " -k key-" +
                        std::to_string(i) + " -c " + (i % 2 ? "odd" : "even") + " -b broker-a -i " +
                        std::to_string(i % 2) + " --json");
    EXPECT_RUN_OK(send);
    rapidjson::Document d = Json(send.out);
    EXPECT_STREQ(d["sendStatus"].GetString(), "SEND_OK");
    EXPECT_EQ(d["queueId"].GetInt(), i % 2);
    offset_ids.push_back(d["offsetMsgId"].GetString());
    uniq_ids.push_back(d["msgId"].GetString());
  }
  CliRun text_send = Admin("sendMessage -t CliMsg -p hello");
  EXPECT_RUN_OK(text_send);
  EXPECT_THAT(text_send.out, HasSubstr("SEND_OK"));

  CliRun by_key;
  ASSERT_TRUE(WaitFor([&] {
    by_key = Admin("queryMsgByKey -t CliMsg -k key-2");
    return by_key.code == 0;
  })) << by_key.err;
  EXPECT_THAT(by_key.out, HasSubstr(uniq_ids[2]));
  EXPECT_EQ(Admin("queryMsgByKey -t CliMsg -k no-such-key").code, 1);

  const std::string bodies = dir_->Sub("bodies");
  CliRun by_id = Admin("queryMsgById -i " + offset_ids[1] + " --bodyDir " + bodies);
  EXPECT_RUN_OK(by_id);
  EXPECT_THAT(by_id.out, HasSubstr("OffsetID:            " + offset_ids[1]));
  EXPECT_THAT(by_id.out, HasSubstr("Keys:                [key-1]"));
  EXPECT_EQ(ReadFile(bodies + "/" + uniq_ids[1]), "body-1");
  CliRun bad_id = Admin("queryMsgById -i zz");
  EXPECT_EQ(bad_id.code, 1);
  EXPECT_THAT(bad_id.err, HasSubstr("not an offset message id"));

  CliRun by_uniq =
      Admin("queryMsgByUniqueKey -t CliMsg -i " + uniq_ids[3] + " --bodyDir " + bodies + " --json");
  EXPECT_RUN_OK(by_uniq);
  EXPECT_STREQ(Json(by_uniq.out)["message"]["body"].GetString(), "body-3");

  CliRun by_offset =
      Admin("queryMsgByOffset -t CliMsg -b broker-a -i 0 -o 1 --bodyDir " + bodies + " --json");
  EXPECT_RUN_OK(by_offset);
  EXPECT_STREQ(Json(by_offset.out)["message"]["body"].GetString(), "body-2");

  CliRun print = Admin("printMsg -t CliMsg -s even");
  EXPECT_RUN_OK(print);
  EXPECT_THAT(print.out, HasSubstr("BODY: body-0"));
  EXPECT_THAT(print.out, HasSubstr("BODY: body-2"));
  EXPECT_THAT(print.out, Not(HasSubstr("BODY: body-1")));
  CliRun by_queue = Admin("printMsgByQueue -t CliMsg -a broker-a -i 1 -p true -d true -f true");
  EXPECT_RUN_OK(by_queue);
  EXPECT_THAT(by_queue.out, HasSubstr("BODY: body-3"));
  EXPECT_THAT(by_queue.out, HasSubstr("Tag: odd"));
  CliRun consume = Admin("consumeMessage -t CliMsg -b broker-a -i 0 -c 2 --json");
  EXPECT_RUN_OK(consume);
  EXPECT_EQ(Json(consume.out)["messages"].Size(), 2u);
  EXPECT_EQ(Admin("consumeMessage -t CliMsg -i 0").code, 2);  // -i needs -b
}

TEST_F(AdminCli, GroupOffsetAndStatsCommands) {
  EXPECT_RUN_OK(Admin("updateTopic -c DefaultCluster -t CliGrp -r 2 -w 2"));
  CliRun sub = Admin("updateSubGroup -c DefaultCluster -g cli_group -r 3");
  EXPECT_RUN_OK(sub);
  EXPECT_THAT(sub.out, HasSubstr("SubscriptionGroupConfig [groupName=cli_group"));
  EXPECT_THAT(sub.out, HasSubstr("retryMaxTimes=3"));

  client::Producer producer(ClientFor(), client::ProducerOptions{.group = "cli_pg"});
  ASSERT_TRUE(producer.Start().ok());
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(producer.Send(client::Message("CliGrp", "t", "m" + std::to_string(i))).ok());
  }
  client::PushConsumerOptions po;
  po.group = "cli_group";
  po.consume_from = client::ConsumeFrom::kFirstOffset;
  client::PushConsumer consumer(ClientFor(), po);
  ASSERT_TRUE(consumer.Subscribe("CliGrp", "*").ok());
  std::atomic<int> consumed{0};
  consumer.RegisterListener([&](const std::vector<client::MessageExt>& m, client::ConsumeContext&) {
    consumed += static_cast<int>(m.size());
    return client::ConsumeResult::kSuccess;
  });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return consumed.load() >= 6; }));

  CliRun conn;
  ASSERT_TRUE(WaitFor([&] {
    conn = Admin("consumerConnection -g cli_group");
    return conn.code == 0;
  })) << conn.err;
  EXPECT_THAT(conn.out, HasSubstr("CPP"));
  EXPECT_THAT(conn.out, HasSubstr("Topic: CliGrp"));
  EXPECT_THAT(conn.out, HasSubstr("ConsumeType: CONSUME_PASSIVELY"));

  // Offsets are committed every few seconds: wait until the broker has them all.
  CliRun progress;
  ASSERT_TRUE(WaitFor([&] {
    progress = Admin("consumerProgress -g cli_group -s true --json");
    return progress.code == 0 && Json(progress.out)["diffTotal"].GetInt() == 0 &&
           Json(progress.out)["queues"].Size() >= 2;
  })) << progress.out
      << progress.err;
  CliRun progress_text = Admin("consumerProgress -g cli_group");
  EXPECT_THAT(progress_text.out, HasSubstr("#Consumer Offset"));
  EXPECT_THAT(progress_text.out, HasSubstr("Diff Total: 0"));
  CliRun all = Admin("consumerProgress");
  EXPECT_RUN_OK(all);
  EXPECT_THAT(all.out, HasSubstr("cli_group"));

  // The broker knows a producer from its heartbeats (every 30 s, as Java's client), so the
  // connection may take until the next one to show.
  CliRun prod;
  EXPECT_TRUE(WaitFor(
      [&] {
        prod = Admin("producerConnection -g cli_pg -t CliGrp");
        return prod.code == 0;
      },
      std::chrono::seconds(40)))
      << prod.err;
  EXPECT_THAT(prod.out, HasSubstr("0001  "));
  EXPECT_EQ(Admin("producerConnection -g nobody -t CliGrp").code, 1);

  // Online: the broker resets the group and pushes the offsets to the consumer.
  CliRun reset = Admin("resetOffsetByTime -g cli_group -t CliGrp -s 0");
  EXPECT_RUN_OK(reset);
  EXPECT_THAT(reset.out, HasSubstr("rollback consumer offset by specified group[cli_group]"));
  EXPECT_THAT(reset.out, HasSubstr("#offset"));
  CliRun skip = Admin("skipAccumulatedMessage -g cli_group -t CliGrp --json");
  EXPECT_RUN_OK(skip);
  EXPECT_TRUE(Json(skip.out)["consumerOnline"].GetBool());

  CliRun clone = Admin("cloneGroupOffset -s cli_group -d cli_clone -t CliGrp");
  EXPECT_RUN_OK(clone);
  EXPECT_THAT(clone.out, HasSubstr("clone group offset success."));
  // cli_clone has offsets but no consumer: the broker answers 206 and the command falls back
  // to committing the offsets itself, as mqadmin does.
  CliRun offline = Admin("resetOffsetByTime -g cli_clone -t CliGrp -s 0 --json");
  EXPECT_RUN_OK(offline);
  rapidjson::Document off = Json(offline.out);
  EXPECT_FALSE(off["consumerOnline"].GetBool());
  EXPECT_EQ(off["queues"].Size(), 2u);
  for (const auto& q : off["queues"].GetArray()) EXPECT_EQ(q["rollbackOffset"].GetInt(), 0);
  CliRun no_group = Admin("resetOffsetByTime -g cli_nobody -t CliGrp -s now");
  EXPECT_EQ(no_group.code, 1);
  EXPECT_THAT(no_group.err, HasSubstr("INVOKE_BROKER_TO_RESET_OFFSET (222)"));
  EXPECT_EQ(Admin("resetOffsetByTime -g cli_group -t CliGrp -s yesterday").code, 2);

  CliRun stats = Admin("statsAll -t CliGrp --json");
  EXPECT_RUN_OK(stats);
  rapidjson::Document st = Json(stats.out);
  ASSERT_GE(st["stats"].Size(), 1u);
  EXPECT_STREQ(st["stats"][0]["topic"].GetString(), "CliGrp");
  EXPECT_THAT(Admin("statsAll -t CliGrp").out, HasSubstr("#Accumulation"));

  consumer.Shutdown();
  producer.Shutdown();
  CliRun gone = Admin("consumerConnection -g cli_group");
  EXPECT_EQ(gone.code, 1);
  EXPECT_THAT(gone.err, HasSubstr("code 206"));
  CliRun del = Admin("deleteSubGroup -b " + Broker() + " -g cli_group");
  EXPECT_RUN_OK(del);
  EXPECT_THAT(del.out, HasSubstr("delete subscription group [cli_group] from broker"));
}

TEST_F(AdminCli, StoreExportThenImport) {
  EXPECT_RUN_OK(Admin("updateTopic -c DefaultCluster -t CliExp -r 1 -w 1"));
  client::Producer producer(ClientFor(), client::ProducerOptions{.group = "cli_exp"});
  ASSERT_TRUE(producer.Start().ok());
  for (int i = 0; i < 3; ++i) {
    client::Message m("CliExp", "tag" + std::to_string(i), std::string("\xff\x00 bin", 6));
    m.keys = {"ek" + std::to_string(i), "shared"};
    m.properties["color"] = "red";
    ASSERT_TRUE(producer.Send(m).ok());
  }
  producer.Shutdown();

  // The broker is live: export reads its store read-only, waiting for the third record.
  const std::string file = dir_->Sub("CliExp.jsonl");
  const std::string store = dir_->Sub("data") + "/store";
  ASSERT_TRUE(WaitFor([&] {
    const std::string cmd = std::string(TERN_BINARY) + " store export " + store +
                            " --topic CliExp --no-progress > " + file + " 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) return false;  // NOLINT(cert-env33-c)
    const std::string text = ReadFile(file);
    return std::count(text.begin(), text.end(), '\n') == 3;
  }));
  CliRun dry = Admin("import " + file + " --dry-run --json");
  EXPECT_RUN_OK(dry);
  EXPECT_EQ(Json(dry.out)["imported"].GetInt(), 3);
  CliRun imported = Admin("import " + file + " -t CliImported");
  EXPECT_RUN_OK(imported);
  EXPECT_THAT(imported.out, HasSubstr("imported 3 messages"));

  CliRun by_key;
  ASSERT_TRUE(WaitFor([&] {
    by_key = Admin("queryMsgByKey -t CliImported -k shared --json");
    return by_key.code == 0 && Json(by_key.out)["messages"].Size() == 3;
  })) << by_key.out
      << by_key.err;
  CliRun print = Admin("printMsg -t CliImported --json");
  EXPECT_RUN_OK(print);
  rapidjson::Document msgs = Json(print.out);
  ASSERT_EQ(msgs["messages"].Size(), 3u);
  for (const auto& m : msgs["messages"].GetArray()) {
    EXPECT_STREQ(m["properties"]["color"].GetString(), "red");
    EXPECT_STREQ(m["bodyEncoding"].GetString(), "base64");
    EXPECT_STREQ(m["body"].GetString(), "/wAgYmlu");  // "\xff\0 bin": not UTF-8
    EXPECT_THAT(std::string(m["tags"].GetString()), HasSubstr("tag"));
  }

  std::ofstream(dir_->Sub("bad.jsonl")) << R"({"topic":"CliImported","body":"x"})"
                                        << "\n"
                                        << "not json\n";
  CliRun bad = Admin("import " + dir_->Sub("bad.jsonl"));
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr("line 2"));
}

}  // namespace
}  // namespace tern::tools
