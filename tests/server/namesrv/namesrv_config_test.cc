#include "server/namesrv/namesrv_config.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tern::namesrv {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(NamesrvConfig, DefaultsFollowJava) {
  const NamesrvConfig c = NamesrvConfig::WithDefaults("/home/rmq");
  EXPECT_EQ(c.kv_config_path, "/home/rmq/namesrv/kvConfig.json");
  EXPECT_EQ(c.config_store_path, "/home/rmq/namesrv/namesrv.properties");
  EXPECT_EQ(c.listen_port, 9876);
  EXPECT_FALSE(c.order_message_enable);
  EXPECT_FALSE(c.admin_allow_remote);
  EXPECT_EQ(c.product_env_name, "center");
}

TEST(NamesrvConfig, ListsEveryKeyAsProperties) {
  NamesrvConfig c;
  c.listen_port = 19876;
  const protocol::PropertyEntries p = c.ToProperties();
  EXPECT_THAT(p, Contains(Pair("listenPort", "19876")));
  EXPECT_THAT(p, Contains(Pair("orderMessageEnable", "false")));
  EXPECT_THAT(p, Contains(Pair("kvConfigPath", "")));
  EXPECT_THAT(p, Contains(Pair("adminAllowRemote", "false")));
}

TEST(NamesrvConfig, SetsKnownKeysAndRejectsOthers) {
  NamesrvConfig c;
  ASSERT_TRUE(c.Set("listenPort", "9877").ok());
  ASSERT_TRUE(c.Set("kvConfigPath", "/x/kv.json").ok());
  ASSERT_TRUE(c.Set("adminAllowRemote", "true").ok());
  EXPECT_EQ(c.listen_port, 9877);
  EXPECT_EQ(c.kv_config_path, "/x/kv.json");
  EXPECT_TRUE(c.admin_allow_remote);
  EXPECT_FALSE(c.Set("listenPort", "70000").ok());
  EXPECT_FALSE(c.Set("orderMessageEnable", "yes").ok());
  EXPECT_FALSE(c.Set("nope", "1").ok());
}

TEST(RuntimeUpdate, ChangesOnlyAllowListedKeys) {
  NamesrvConfig c;
  ASSERT_TRUE(ApplyRuntimeUpdate("orderMessageEnable=true\nproductEnvName=test\n", c).ok());
  EXPECT_TRUE(c.order_message_enable);
  EXPECT_EQ(c.product_env_name, "test");
}

TEST(RuntimeUpdate, RefusesPathsAndUnknownKeysNamingThemAndChangesNothing) {
  for (const char* key : {"configStorePath", "kvConfigPath", "rocketmqHome", "listenPort",
                          "adminAllowRemote", "configBlackList", "serverWorkerThreads"}) {
    NamesrvConfig c;
    const absl::Status s =
        ApplyRuntimeUpdate(fmt::format("orderMessageEnable=true\n{}=/tmp/evil\n", key), c);
    EXPECT_TRUE(absl::IsPermissionDenied(s)) << key << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(key));
    EXPECT_FALSE(c.order_message_enable) << "all or nothing";
  }
}

TEST(RuntimeUpdate, RejectsBadValuesAndBadText) {
  NamesrvConfig c;
  EXPECT_TRUE(absl::IsInvalidArgument(ApplyRuntimeUpdate("orderMessageEnable=maybe\n", c)));
  EXPECT_TRUE(absl::IsInvalidArgument(ApplyRuntimeUpdate("productEnvName=\\u12\n", c)));
  EXPECT_TRUE(ApplyRuntimeUpdate("", c).ok());
}

TEST(RuntimeConfig, AppliesUpdatesToTheSharedCopy) {
  RuntimeConfig config(NamesrvConfig{});
  ASSERT_TRUE(config.ApplyUpdate("clusterTest=true").ok());
  EXPECT_TRUE(config.Get().cluster_test);
}

}  // namespace
}  // namespace tern::namesrv
