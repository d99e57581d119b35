// The dashboard's JSON API against a real name server + broker in this process (the broker's
// HTTP endpoint on an ephemeral port, the dashboard reading the cluster through the admin
// protocol): every /api endpoint's content with known traffic, the write actions, errors,
// and logins (admin and read-only roles, CSRF, cookies).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "client/producer.h"
#include "client/push_consumer.h"
#include "engine/base/clock.h"
#include "tests/server/broker/broker_test_cluster.h"
#include "tests/server/dashboard/dashboard_http.h"

namespace tern::testing {
namespace {

using ::testing::HasSubstr;

template <typename Fn>
bool WaitFor(Fn done, std::chrono::seconds limit = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::map<std::string, std::string> Settings(std::string users = {}) {
  std::map<std::string, std::string> s{{"httpAddr", "127.0.0.1:0"},
                                       {"dashboardSampleIntervalMs", "50"}};
  if (!users.empty()) s["dashboardUsers"] = std::move(users);
  return s;
}

const rapidjson::Value* FindItem(const DashResponse& r, std::string_view key,
                                 std::string_view value) {
  for (const rapidjson::Value& v : r.Items().GetArray()) {
    if (JStr(v, key) == value) return &v;
  }
  return nullptr;
}

bool Contains(const rapidjson::Value& array, std::string_view s) {
  for (const rapidjson::Value& v : array.GetArray()) {
    if (v.IsString() && std::string_view(v.GetString(), v.GetStringLength()) == s) return true;
  }
  return false;
}

TEST(DashboardApi, PagesAndAssetsAreServedFromTheBinary) {
  BrokerTestCluster cluster(Settings());
  const int port = cluster.broker().http_port();
  ASSERT_GT(port, 0);
  DashResponse index = DashCall(port, "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_THAT(index.content_type, HasSubstr("text/html"));
  EXPECT_THAT(index.body, HasSubstr("Tern dashboard"));
  for (const char* asset :
       {"/assets/core.js", "/assets/cluster.js", "/assets/topics.js", "/assets/consumers.js",
        "/assets/producers.js", "/assets/messages.js", "/assets/chart.js", "/assets/main.js"}) {
    DashResponse js = DashCall(port, "GET", asset);
    EXPECT_EQ(js.status, 200) << asset;
    EXPECT_THAT(js.content_type, HasSubstr("javascript")) << asset;
    EXPECT_THAT(js.body, HasSubstr("'use strict'")) << asset;
  }
  DashResponse css = DashCall(port, "GET", "/assets/app.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_THAT(css.content_type, HasSubstr("text/css"));
  EXPECT_EQ(DashCall(port, "GET", "/assets/nope.js").status, 404);
  // /metrics shares the port.
  EXPECT_EQ(DashCall(port, "GET", "/metrics").status, 200);
}

TEST(DashboardApi, ClusterTopicsConsumersProducersAndMessages) {
  BrokerTestCluster cluster(Settings());
  const int port = cluster.broker().http_port();
  DashSession web(port);
  DashResponse session = web.Get("/api/session");
  ASSERT_EQ(session.status, 200) << session.body;
  EXPECT_FALSE(JBool(*session.json, "authRequired"));
  EXPECT_TRUE(JBool(*session.json, "canWrite"));
  ASSERT_FALSE(web.csrf().empty());

  // Cluster: the one broker, its role, address and version; the TPS history fills.
  DashResponse c = web.Get("/api/cluster");
  ASSERT_EQ(c.status, 200) << c.body;
  const rapidjson::Value& brokers = JArr(*c.json, "brokers");
  ASSERT_EQ(brokers.Size(), 1u) << c.body;
  EXPECT_EQ(JStr(brokers[0], "brokerName"), "broker-a");
  EXPECT_EQ(JStr(brokers[0], "role"), "MASTER");
  EXPECT_EQ(JStr(brokers[0], "addr"), cluster.broker_addr());
  EXPECT_EQ(JStr(brokers[0], "cluster"), "DefaultCluster");
  EXPECT_FALSE(JStr(brokers[0], "version").empty()) << c.body;
  EXPECT_FALSE(JStr(brokers[0], "diskRatio").empty()) << c.body;
  EXPECT_TRUE(
      WaitFor([&] { return JArr(*web.Get("/api/cluster/tps").json, "points").Size() >= 2; }));

  // Create a topic through the API, then it is listed (the cache is invalidated by the write).
  DashResponse created =
      web.Post("/api/topic", R"({"topic":"DashT","readQueueNums":4,"writeQueueNums":4})");
  ASSERT_EQ(created.status, 200) << created.body;
  DashResponse topics = web.Get("/api/topics?kind=normal&filter=dasht");
  ASSERT_EQ(topics.status, 200) << topics.body;
  EXPECT_EQ(topics.Int("total"), 1) << topics.body;
  ASSERT_EQ(topics.Items().Size(), 1u);
  EXPECT_EQ(JStr(topics.Items()[0], "topic"), "DashT");
  EXPECT_EQ(JInt(topics.Items()[0], "readQueues"), 4);
  EXPECT_EQ(JInt(topics.Items()[0], "perm"), 6);
  DashResponse system = web.Get("/api/topics?kind=system&size=500");
  EXPECT_NE(FindItem(system, "topic", "TBW102"), nullptr) << system.body;
  EXPECT_EQ(FindItem(system, "topic", "DashT"), nullptr);
  DashResponse paged = web.Get("/api/topics?page=2&size=1");
  EXPECT_EQ(paged.Int("page"), 2);
  EXPECT_EQ(paged.Items().Size(), 1u);
  EXPECT_GE(paged.Int("total"), 2);

  // Traffic: a test message through the API, then a producer and a push consumer.
  DashResponse sent =
      web.Post("/api/topic/send", R"({"topic":"DashT","tag":"ui","keys":"uikey","body":"hi"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.Str("status"), "SEND_OK");
  const std::string ui_msg_id = sent.Str("msgId");
  client::ClientConfig config;
  config.namesrv_addrs = {cluster.namesrv_addr()};
  client::Producer producer(config, client::ProducerOptions{.group = "dash_pg"});
  ASSERT_TRUE(producer.Start().ok());
  std::vector<client::SendResult> results;
  for (int i = 0; i < 5; ++i) {
    client::Message m("DashT", "t" + std::to_string(i), "body-" + std::to_string(i));
    m.keys = {"k" + std::to_string(i)};
    absl::StatusOr<client::SendResult> r = producer.Send(m);
    ASSERT_TRUE(r.ok()) << r.status();
    results.push_back(*r);
  }
  client::PushConsumerOptions po;
  po.group = "dash_cg";
  po.consume_from = client::ConsumeFrom::kFirstOffset;
  auto consumer = std::make_unique<client::PushConsumer>(config, po);
  ASSERT_TRUE(consumer->Subscribe("DashT", "*").ok());
  std::atomic<int> consumed{0};
  consumer->RegisterListener(
      [&](const std::vector<client::MessageExt>& msgs, client::ConsumeContext&) {
        consumed += static_cast<int>(msgs.size());
        return client::ConsumeResult::kSuccess;
      });
  ASSERT_TRUE(consumer->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return consumed.load() >= 6; }));
  cluster.WaitDispatched();

  // One topic: route, per-queue min/max, its groups.
  DashResponse t = web.Get("/api/topic?topic=DashT");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.Str("kind"), "normal");
  EXPECT_EQ(JArr(*t.json, "queues").Size(), 4u);
  EXPECT_EQ(t.Int("totalMessages"), 6) << t.body;
  EXPECT_EQ(JArr(*t.Get("route"), "brokers").Size(), 1u);
  EXPECT_TRUE(WaitFor([&] {
    DashResponse again = web.Get("/api/topic?topic=DashT");
    return Contains(JArr(*again.json, "groups"), "dash_cg");
  }));
  EXPECT_EQ(web.Get("/api/topic?topic=NoSuchTopic").status, 404);
  EXPECT_EQ(web.Get("/api/topic").status, 400);

  // One group, online: clients with their subscriptions, every queue caught up.
  DashResponse g;
  ASSERT_TRUE(WaitFor([&] {
    g = web.Get("/api/consumer?group=dash_cg");
    if (g.status != 200 || !JBool(*g.json, "online") || g.Int("lag") != 0) return false;
    const rapidjson::Value& clients = JArr(*g.json, "clients");
    size_t topic_queues = 0;  // the others are the group's %RETRY% queue
    for (const rapidjson::Value& q : JArr(*g.json, "queues").GetArray()) {
      topic_queues += JStr(q, "topic") == "DashT" ? 1 : 0;
    }
    return topic_queues == 4 && clients.Size() == 1 &&
           JArr(clients[0], "subscriptions").Size() == 1;
  })) << g.body;
  EXPECT_FALSE(JBool(*g.json, "inconsistent"));
  EXPECT_EQ(JStr(JArr(*g.json, "clients")[0], "language"), "CPP");
  EXPECT_EQ(JStr(JArr(JArr(*g.json, "clients")[0], "subscriptions")[0], "topic"), "DashT");

  // Producers: the producer group's connection.
  DashResponse p = web.Get("/api/producers?topic=DashT&group=dash_pg");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(JArr(*p.json, "connections").Size(), 1u) << p.body;

  // Messages by time range, paginated server-side.
  const int64_t now = NowMillis() + 1000;
  DashResponse page1 =
      web.Get("/api/messages?topic=DashT&begin=0&end=" + std::to_string(now) + "&size=4");
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(page1.Int("total"), 6);
  EXPECT_EQ(page1.Items().Size(), 4u);
  DashResponse page2 =
      web.Get("/api/messages?topic=DashT&begin=0&end=" + std::to_string(now) + "&size=4&page=2");
  EXPECT_EQ(page2.Items().Size(), 2u) << page2.body;
  std::set<std::string> ids;
  for (const DashResponse* r : {&page1, &page2}) {
    for (const rapidjson::Value& m : r->Items().GetArray()) ids.insert(JStr(m, "msgId"));
  }
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(ids.count(ui_msg_id), 1u);
  // A range before the messages is empty.
  DashResponse none = web.Get("/api/messages?topic=DashT&begin=0&end=1000");
  EXPECT_EQ(none.Int("total"), 0) << none.body;
  // By key and by id.
  DashResponse by_key = web.Get("/api/messages?topic=DashT&key=k3");
  ASSERT_EQ(by_key.status, 200) << by_key.body;
  ASSERT_EQ(by_key.Items().Size(), 1u) << by_key.body;
  EXPECT_EQ(JStr(by_key.Items()[0], "msgId"), results[3].msg_id);
  DashResponse by_id = web.Get("/api/messages?topic=DashT&msgId=" + results[1].msg_id);
  ASSERT_EQ(by_id.Items().Size(), 1u) << by_id.body;
  EXPECT_EQ(JStr(by_id.Items()[0], "tags"), "t1");
  DashResponse by_offset_id = web.Get("/api/messages?msgId=" + results[1].offset_msg_id);
  ASSERT_EQ(by_offset_id.Items().Size(), 1u) << by_offset_id.body;

  // Detail: body, properties, per-group consume status.
  DashResponse detail = web.Get("/api/message?topic=DashT&msgId=" + results[2].msg_id);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const rapidjson::Value& msg = *detail.Get("message");
  EXPECT_EQ(JStr(msg, "body"), "body-2");
  EXPECT_EQ(JStr(msg, "brokerName"), "broker-a");
  EXPECT_EQ(JStr(*engine::metadata::FindMember(msg, "properties"), "KEYS"), "k2") << detail.body;
  const rapidjson::Value& tracks = JArr(*detail.json, "tracks");
  ASSERT_EQ(tracks.Size(), 1u) << detail.body;
  EXPECT_EQ(JStr(tracks[0], "group"), "dash_cg");
  EXPECT_TRUE(WaitFor([&] {
    DashResponse d = web.Get("/api/message?topic=DashT&msgId=" + results[2].msg_id);
    return JStr(JArr(*d.json, "tracks")[0], "trackType") == "CONSUMED";
  })) << web.Get("/api/message?topic=DashT&msgId=" + results[2].msg_id).body;

  // Resend to the online group (CONSUME_MESSAGE_DIRECTLY) and as a retry copy.
  DashResponse direct =
      web.Post("/api/message/resend", R"({"topic":"DashT","msgId":")" + results[0].msg_id +
                                          R"(","group":"dash_cg","mode":"direct"})");
  ASSERT_EQ(direct.status, 200) << direct.body;
  EXPECT_EQ(direct.Str("consumeResult"), "CR_SUCCESS");
  const int before = consumed.load();
  DashResponse retry =
      web.Post("/api/message/resend", R"({"topic":"DashT","msgId":")" + results[0].msg_id +
                                          R"(","group":"dash_cg","mode":"retry"})");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Str("topic"), "%RETRY%dash_cg");
  EXPECT_EQ(retry.Str("originTopic"), "DashT");
  EXPECT_TRUE(WaitFor([&] { return consumed.load() > before; }));

  // Offline with lag: stop the consumer, send 3 more; the group leads the list by lag.
  consumer->Shutdown();
  consumer.reset();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(producer.Send(client::Message("DashT", "late")).ok());
  cluster.WaitDispatched();
  DashResponse groups;
  ASSERT_TRUE(WaitFor([&] {
    groups = web.Get("/api/consumers");
    const rapidjson::Value* row = FindItem(groups, "group", "dash_cg");
    return row != nullptr && JInt(*row, "lag") == 3 && JInt(*row, "online") == 0 &&
           JInt(*row, "lagTimeMs") > 0;
  })) << groups.body;
  EXPECT_EQ(JStr(groups.Items()[0], "group"), "dash_cg") << "sorted by lag: " << groups.body;
  DashResponse lagging = web.Get("/api/consumer?group=dash_cg");
  ASSERT_EQ(lagging.status, 200) << lagging.body;
  EXPECT_EQ(lagging.Int("lag"), 3);
  EXPECT_GT(lagging.Int("lagTimeMs"), 0) << lagging.body;
  int64_t queue_lag = 0;
  for (const rapidjson::Value& q : JArr(*lagging.json, "queues").GetArray()) {
    queue_lag += JInt(q, "lag");
    if (JInt(q, "lag") > 0) {
      EXPECT_GT(JInt(q, "lagTimeMs"), 0) << lagging.body;
    }
  }
  EXPECT_EQ(queue_lag, 3);
  EXPECT_EQ(web.Get("/api/consumers?sort=bogus").status, 400);
  EXPECT_EQ(FindItem(web.Get("/api/consumers?kind=system&size=500"), "group", "dash_cg"), nullptr);

  // Reset the offline group to the beginning: everything is lag again.
  DashResponse reset =
      web.Post("/api/consumer/reset", R"({"group":"dash_cg","topic":"DashT","timestamp":0})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(reset.Str("mode"), "offline");
  ASSERT_TRUE(WaitFor([&] { return web.Get("/api/consumer?group=dash_cg").Int("lag") == 9; }))
      << web.Get("/api/consumer?group=dash_cg").body;

  // The retry topic is listed as such (once the 5 s list cache has expired).
  EXPECT_TRUE(WaitFor([&] {
    return FindItem(web.Get("/api/topics?kind=retry"), "topic", "%RETRY%dash_cg") != nullptr;
  })) << web.Get("/api/topics?kind=retry").body;

  // Delete the topic.
  DashResponse deleted = web.Post("/api/topic/delete", R"({"topic":"DashT"})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(web.Get("/api/topics?filter=DashT&kind=normal").Int("total"), 0);
  producer.Shutdown();
}

TEST(DashboardApi, MessageTraceFromTheTraceTopic) {
  std::map<std::string, std::string> settings = Settings();
  settings["traceTopicEnable"] = "true";  // the broker creates RMQ_SYS_TRACE_TOPIC
  BrokerTestCluster cluster(settings);
  DashSession web(cluster.broker().http_port());
  // A Java client's trace records for message M: Pub, then SubBefore + SubAfter of group G.
  const std::string id = "0A0B0C0D00002A9F0000000000000001";
  const char f = 1;
  const char r = 2;
  auto rec = [&](std::vector<std::string> fields) {
    std::string s;
    for (size_t i = 0; i < fields.size(); ++i) s += (i ? std::string(1, f) : "") + fields[i];
    return s + r;
  };
  const std::string body =
      rec({"Pub", "1700000000000", "DefaultRegion", "PG", "TraceT", id, "tagA", "keyA",
           "127.0.0.1:10911", "12", "3", "0", "OFFSETID", "true", "10.0.0.1"}) +
      rec({"SubBefore", "1700000000100", "DefaultRegion", "G", "req-1", id, "0", "keyA"}) +
      rec({"SubAfter", "req-1", id, "7", "true", "keyA", "0", "1700000000107"});
  client::ClientConfig config;
  config.namesrv_addrs = {cluster.namesrv_addr()};
  client::Producer producer(config, client::ProducerOptions{.group = "trace_pg"});
  ASSERT_TRUE(producer.Start().ok());
  client::Message m("RMQ_SYS_TRACE_TOPIC", body);
  m.keys = {id, "keyA"};
  ASSERT_TRUE(producer.Send(m).ok());
  cluster.WaitDispatched();
  DashResponse trace;
  ASSERT_TRUE(WaitFor([&] {
    trace = web.Get("/api/trace?msgId=" + id);
    return trace.status == 200 && JArr(*trace.json, "records").Size() == 3;
  })) << trace.body;
  EXPECT_EQ(JStr(*trace.Get("pub"), "groupName"), "PG");
  EXPECT_EQ(JInt(*trace.Get("pub"), "costTime"), 3);
  const rapidjson::Value& groups = JArr(*trace.json, "groups");
  ASSERT_EQ(groups.Size(), 1u);
  EXPECT_EQ(JStr(groups[0], "group"), "G");
  const rapidjson::Value& consumes = JArr(groups[0], "consumes");
  ASSERT_EQ(consumes.Size(), 1u);
  EXPECT_EQ(JStr(consumes[0], "status"), "success");
  EXPECT_EQ(JInt(consumes[0], "costTime"), 7);
  // No trace: an empty answer, not an error.
  DashResponse empty = web.Get("/api/trace?msgId=FFFF");
  EXPECT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(JArr(*empty.json, "records").Size(), 0u);
  producer.Shutdown();
}

TEST(DashboardApi, RefusesWritesWithoutCsrfAndForeignHostNames) {
  BrokerTestCluster cluster(Settings());
  const int port = cluster.broker().http_port();
  DashSession web(port);
  DashResponse no_token = web.Post("/api/topic", R"({"topic":"NoCsrf"})", /*with_csrf=*/false);
  EXPECT_EQ(no_token.status, 403);
  EXPECT_THAT(no_token.Str("error"), HasSubstr("CSRF"));
  // Without users, a request addressed to a host name is refused (DNS rebinding).
  DashResponse rebound = DashCall(port, "GET", "/api/cluster", {}, {}, "evil.example:8080");
  EXPECT_EQ(rebound.status, 403);
  EXPECT_EQ(DashCall(port, "GET", "/api/cluster", {}, {}, "localhost:8080").status, 200);
  EXPECT_EQ(web.Get("/api/topics?kind=bogus").status, 400);
  EXPECT_EQ(web.Post("/api/topic", R"({"topic":"bad name!"})").status, 400);
  EXPECT_EQ(web.Post("/api/topic", "not json").status, 400);
  EXPECT_EQ(web.Get("/api/messages?topic=NoSuchTopic").status, 404);
}

TEST(DashboardApi, LoginsRolesAndSessions) {
  BrokerTestCluster cluster(Settings("admin:secret:admin,viewer:pw:read"));
  const int port = cluster.broker().http_port();
  DashSession anonymous(port);
  DashResponse s = anonymous.Get("/api/session");
  EXPECT_TRUE(JBool(*s.json, "authRequired"));
  EXPECT_FALSE(JBool(*s.json, "loggedIn"));
  EXPECT_EQ(anonymous.Get("/api/cluster").status, 401);
  DashResponse refused = anonymous.Post("/api/topic", R"({"topic":"AnonT"})");
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_FALSE(anonymous.Login("admin", "wrong"));
  EXPECT_FALSE(anonymous.Login("nobody", "secret"));
  // Host names are fine once users are configured.
  EXPECT_EQ(DashCall(port, "GET", "/api/session", {}, {}, "mq.example.com").status, 200);

  DashSession viewer(port);
  ASSERT_TRUE(viewer.Login("viewer", "pw"));
  EXPECT_EQ(viewer.Get("/api/cluster").status, 200);
  EXPECT_EQ(viewer.Get("/api/topics").status, 200);
  DashResponse vs = viewer.Get("/api/session");
  EXPECT_EQ(vs.Str("user"), "viewer");
  EXPECT_EQ(vs.Str("role"), "read");
  EXPECT_FALSE(JBool(*vs.json, "canWrite"));
  DashResponse ro = viewer.Post("/api/topic", R"({"topic":"ViewerT"})");
  EXPECT_EQ(ro.status, 403);
  EXPECT_THAT(ro.Str("error"), HasSubstr("read-only"));

  DashSession admin(port);
  DashResponse login = admin.Post("/api/login", R"({"user":"admin","password":"secret"})");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_THAT(login.set_cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(login.set_cookie, HasSubstr("SameSite=Strict"));
  ASSERT_TRUE(admin.Login("admin", "secret"));
  // A session's writes need its own token, not the anonymous one.
  EXPECT_EQ(admin.Post("/api/topic", R"({"topic":"AdminT"})").status, 200);
  EXPECT_NE(admin.csrf(), anonymous.csrf());
  // After logout the old cookie is dead on the server too.
  const std::string cookie = admin.cookie();
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(DashCall(port, "GET", "/api/cluster", {}, {{"Cookie", cookie}}).status, 200);
  EXPECT_EQ(admin.Post("/api/logout", "").status, 200);
  EXPECT_EQ(DashCall(port, "GET", "/api/cluster", {}, {{"Cookie", cookie}}).status, 401);
}

}  // namespace
}  // namespace tern::testing
