// KV config, write perm, topic deletion and configuration commands, and the loopback-only
// rule for admin writes (adminAllowRemote=false, the CVE-2023-33246 lesson).
#include "server/namesrv/admin_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/protocol/java_properties.h"
#include "server/protocol/route_data.h"
#include "tests/server/namesrv/namesrv_fixture.h"
#include "tests/util/temp_dir.h"

namespace tern::namesrv {
namespace {

namespace code = remoting::request;
namespace rc = remoting::response;
using testing::BodyWithTopics;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::MakeRequest;
using ::testing::Pair;
using testing::SentCommand;

class AdminHandlersTest : public testing::NamesrvFixture {
 protected:
  SentCommand Put(const std::shared_ptr<testing::FakeChannel>& ch, const std::string& ns,
                  const std::string& key, const std::string& value) {
    return Call(
        ch, MakeRequest(code::kPutKvConfig, {{"namespace", ns}, {"key", key}, {"value", value}}));
  }
  SentCommand Get(const std::string& ns, const std::string& key) {
    return Call(remote_, MakeRequest(code::kGetKvConfig, {{"namespace", ns}, {"key", key}}));
  }
  int32_t RouteCode(const std::string& topic) {
    return Call(remote_, MakeRequest(code::kGetRouteinfoByTopic, {{"topic", topic}})).command.code;
  }
  protocol::TopicRouteData RouteOf(const std::string& topic) {
    return protocol::TopicRouteData::Decode(
               Call(remote_, MakeRequest(code::kGetRouteinfoByTopic, {{"topic", topic}})).body)
        .value();
  }
};

TEST_F(AdminHandlersTest, PutGetDeleteKvConfig) {
  const SentCommand put = Put(admin_, "ns", "k", "v");
  EXPECT_EQ(put.command.code, rc::kSuccess);
  EXPECT_FALSE(put.command.ext_fields.has_value());

  const SentCommand got = Get("ns", "k");
  EXPECT_EQ(got.command.code, rc::kSuccess);
  ASSERT_NE(got.command.Field("value"), nullptr);
  EXPECT_EQ(*got.command.Field("value"), "v");

  EXPECT_EQ(Call(admin_, MakeRequest(code::kDeleteKvConfig, {{"namespace", "ns"}, {"key", "k"}}))
                .command.code,
            rc::kSuccess);
  const SentCommand missing = Get("ns", "k");
  EXPECT_EQ(missing.command.code, rc::kQueryNotFound);
  EXPECT_EQ(missing.command.remark, "No config item, Namespace: ns Key: k");
  ASSERT_TRUE(missing.command.ext_fields.has_value());
  EXPECT_TRUE(missing.command.ext_fields->empty());
}

TEST_F(AdminHandlersTest, ListsANamespaceOrAnswersQueryNotFound) {
  Put(admin_, "ns", "b", "2");
  Put(admin_, "ns", "a", "1");
  const SentCommand list =
      Call(remote_, MakeRequest(code::kGetKvlistByNamespace, {{"namespace", "ns"}}));
  EXPECT_EQ(list.command.code, rc::kSuccess);
  EXPECT_EQ(list.body, R"({"table":{"a":"1","b":"2"}})");
  const SentCommand none =
      Call(remote_, MakeRequest(code::kGetKvlistByNamespace, {{"namespace", "none"}}));
  EXPECT_EQ(none.command.code, rc::kQueryNotFound);
  EXPECT_EQ(none.command.remark, "No config item, Namespace: none");
}

TEST_F(AdminHandlersTest, KvHeaderFieldsAreRequired) {
  for (const char* field : {"namespace", "key", "value"}) {
    remoting::RemotingCommand req =
        MakeRequest(code::kPutKvConfig, {{"namespace", "n"}, {"key", "k"}, {"value", "v"}});
    req.MutableFields().Erase(field);
    const SentCommand r = Call(admin_, req);
    EXPECT_EQ(r.command.code, rc::kSystemError);
    EXPECT_THAT(r.command.remark.value_or(""), HasSubstr(std::string("'") + field + "'"));
  }
  EXPECT_THAT(Call(remote_, MakeRequest(code::kGetKvConfig, {{"namespace", "n"}}))
                  .command.remark.value_or(""),
              HasSubstr("'key'"));
}

TEST_F(AdminHandlersTest, AdminWritesFromARemotePeerAreRefusedWithNoPermission) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}));
  Put(admin_, "ns", "k", "v");
  const std::vector<remoting::RemotingCommand> writes = {
      MakeRequest(code::kPutKvConfig, {{"namespace", "ns"}, {"key", "k"}, {"value", "evil"}}),
      MakeRequest(code::kDeleteKvConfig, {{"namespace", "ns"}, {"key", "k"}}),
      MakeRequest(code::kWipeWritePermOfBroker, {{"brokerName", "broker-a"}}),
      MakeRequest(code::kAddWritePermOfBroker, {{"brokerName", "broker-a"}}),
      MakeRequest(code::kDeleteTopicInNamesrv, {{"topic", "T"}}),
      MakeRequest(code::kUpdateNamesrvConfig),
  };
  for (const remoting::RemotingCommand& req : writes) {
    EXPECT_TRUE(IsAdminWriteCode(req.code));
    const SentCommand r = Call(remote_, req, "orderMessageEnable=true\n");
    EXPECT_EQ(r.command.code, rc::kNoPermission) << req.code;
    EXPECT_THAT(r.command.remark.value_or(""), HasSubstr("loopback"));
    EXPECT_THAT(r.command.remark.value_or(""), HasSubstr(remote_->remote_address()));
  }
  EXPECT_EQ(*Get("ns", "k").command.Field("value"), "v");
  EXPECT_EQ(RouteOf("T").queue_datas[0].perm, 6);
  EXPECT_FALSE(processor_.config().order_message_enable);
  // Reads stay open to remote peers.
  EXPECT_FALSE(IsAdminWriteCode(code::kGetKvConfig));
  EXPECT_EQ(Call(remote_, MakeRequest(code::kGetNamesrvConfig)).command.code, rc::kSuccess);
}

class AdminAllowRemoteTest : public testing::NamesrvFixture {
 protected:
  AdminAllowRemoteTest() : NamesrvFixture(AllowRemote()) {}
  static NamesrvConfig AllowRemote() {
    NamesrvConfig c;
    c.admin_allow_remote = true;
    return c;
  }
};

TEST_F(AdminAllowRemoteTest, AdminAllowRemoteAcceptsRemoteWrites) {
  EXPECT_EQ(Call(remote_, MakeRequest(code::kPutKvConfig,
                                      {{"namespace", "ns"}, {"key", "k"}, {"value", "v"}}))
                .command.code,
            rc::kSuccess);
}

TEST_F(AdminHandlersTest, WipeAndAddWritePermReportTopicCounts) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}, {"U", 4}}));
  const SentCommand wipe =
      Call(admin_, MakeRequest(code::kWipeWritePermOfBroker, {{"brokerName", "broker-a"}}));
  EXPECT_EQ(wipe.command.code, rc::kSuccess);
  EXPECT_EQ(*wipe.command.Field("wipeTopicCount"), "2");
  EXPECT_EQ(RouteOf("T").queue_datas[0].perm, 4);
  const SentCommand add =
      Call(admin_, MakeRequest(code::kAddWritePermOfBroker, {{"brokerName", "broker-a"}}));
  EXPECT_EQ(*add.command.Field("addTopicCount"), "2");
  EXPECT_EQ(RouteOf("T").queue_datas[0].perm, 6);
  const SentCommand none =
      Call(admin_, MakeRequest(code::kWipeWritePermOfBroker, {{"brokerName", "nobody"}}));
  EXPECT_EQ(*none.command.Field("wipeTopicCount"), "0");
  EXPECT_THAT(Call(admin_, MakeRequest(code::kAddWritePermOfBroker)).command.remark.value_or(""),
              HasSubstr("brokerName"));
}

TEST_F(AdminHandlersTest, DeletesATopicEverywhereOrInOneCluster) {
  RegisterBroker("broker-a", "a:1", BodyWithTopics(0, {{"T", 4}}), 0, "C1");
  RegisterBroker("broker-b", "b:1", BodyWithTopics(0, {{"T", 2}}), 0, "C2");
  EXPECT_EQ(Call(admin_,
                 MakeRequest(code::kDeleteTopicInNamesrv, {{"topic", "T"}, {"clusterName", "C1"}}))
                .command.code,
            rc::kSuccess);
  EXPECT_EQ(RouteOf("T").queue_datas.size(), 1u);
  EXPECT_EQ(RouteOf("T").queue_datas[0].broker_name, "broker-b");
  Call(admin_, MakeRequest(code::kDeleteTopicInNamesrv, {{"topic", "T"}, {"clusterName", ""}}));
  EXPECT_EQ(RouteCode("T"), rc::kTopicNotExist);
  EXPECT_EQ(Call(admin_, MakeRequest(code::kDeleteTopicInNamesrv)).command.code, rc::kSystemError);
}

TEST_F(AdminHandlersTest, GetNamesrvConfigAnswersPropertiesText) {
  const SentCommand r = Call(remote_, MakeRequest(code::kGetNamesrvConfig));
  EXPECT_EQ(r.command.code, rc::kSuccess);
  ASSERT_FALSE(r.body.empty());
  EXPECT_EQ(r.body.back(), '\n');
  auto props = protocol::ParseJavaProperties(r.body);
  ASSERT_TRUE(props.ok());
  EXPECT_THAT(*props, Contains(Pair("listenPort", "9876")));
  EXPECT_THAT(*props, Contains(Pair("orderMessageEnable", "false")));
}

TEST_F(AdminHandlersTest, UpdateNamesrvConfigChangesAllowListedKeys) {
  const SentCommand r = Call(admin_, MakeRequest(code::kUpdateNamesrvConfig),
                             "orderMessageEnable=true\nproductEnvName=test\n");
  EXPECT_EQ(r.command.code, rc::kSuccess);
  EXPECT_TRUE(processor_.config().order_message_enable);
  EXPECT_EQ(processor_.config().product_env_name, "test");
  EXPECT_EQ(Call(admin_, MakeRequest(code::kUpdateNamesrvConfig), "").command.code, rc::kSuccess);
}

TEST_F(AdminHandlersTest, UpdateNamesrvConfigRefusesForbiddenKeysNamingThem) {
  for (const char* key : {"configStorePath", "kvConfigPath", "rocketmqHome", "listenPort",
                          "adminAllowRemote", "unknownKey"}) {
    const SentCommand r = Call(admin_, MakeRequest(code::kUpdateNamesrvConfig),
                               std::string(key) + "=/tmp/x\norderMessageEnable=true\n");
    EXPECT_EQ(r.command.code, rc::kNoPermission) << key;
    EXPECT_THAT(r.command.remark.value_or(""), HasSubstr(key));
  }
  EXPECT_FALSE(processor_.config().order_message_enable);
  EXPECT_EQ(processor_.config().kv_config_path, "");
  const SentCommand bad =
      Call(admin_, MakeRequest(code::kUpdateNamesrvConfig), "orderMessageEnable=sometimes\n");
  EXPECT_EQ(bad.command.code, rc::kSystemError);
  EXPECT_THAT(bad.command.remark.value_or(""), HasSubstr("orderMessageEnable"));
}

TEST(AdminHandlersPersistence, KvWritesSurviveARestart) {
  tern::testing::TempDir dir;
  const std::string path = dir.Sub("namesrv/kvConfig.json");
  engine::FileSystem* fs = engine::DefaultFileSystem();
  auto admin = testing::FakeChannel::Loopback(1);
  {
    RouteTable routes;
    KvConfigManager kv(fs, path);
    ASSERT_TRUE(kv.Load(nullptr).ok());
    NamesrvProcessor processor(NamesrvConfig{}, &routes, &kv);
    remoting::HandlerTable table;
    processor.RegisterHandlers(table);
    table.Dispatch(
        admin,
        MakeRequest(code::kPutKvConfig,
                    {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}, {"value", "a:4"}}),
        "");
    ASSERT_EQ(admin->last().command.code, rc::kSuccess);
  }
  RouteTable routes;
  KvConfigManager kv(fs, path);
  ASSERT_TRUE(kv.Load(nullptr).ok());
  NamesrvProcessor processor(NamesrvConfig{}, &routes, &kv);
  remoting::HandlerTable table;
  processor.RegisterHandlers(table);
  table.Dispatch(
      admin, MakeRequest(code::kGetKvConfig, {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}}),
      "");
  ASSERT_EQ(admin->last().command.code, rc::kSuccess);
  EXPECT_EQ(*admin->last().command.Field("value"), "a:4");
}

}  // namespace
}  // namespace tern::namesrv
