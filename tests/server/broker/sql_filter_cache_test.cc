// SqlFilterCache (compile once, errors remembered, bounded) and the CHECK_CLIENT_CONFIG body.
#include "server/broker/sql_filter_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "engine/base/strings.h"
#include "server/broker/client_config_check.h"

namespace tern::broker {
namespace {

TEST(SqlFilterCache, CompilesEachExpressionOnce) {
  SqlFilterCache cache;
  auto a = cache.Get("a > 5");
  ASSERT_TRUE(a.ok());
  auto again = cache.Get("a > 5");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(a->get(), again->get());
  EXPECT_EQ(cache.compilations(), 1);
  EXPECT_TRUE((*a)->MatchByTagsCode(42));
  EXPECT_TRUE(
      (*a)->MatchByProperties("a\x01"
                              "6\x02"));
  EXPECT_FALSE(
      (*a)->MatchByProperties("a\x01"
                              "5\x02"));
}

TEST(SqlFilterCache, RemembersErrors) {
  SqlFilterCache cache;
  auto bad = cache.Get("a >");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MessageOf(bad.status()),
            "SQL92 expression: expected an operand, found end of expression at line 1, column 4");
  EXPECT_FALSE(cache.Get("a >").ok());
  EXPECT_EQ(cache.compilations(), 1);
}

TEST(SqlFilterCache, PrepareCompilesOnlySql92Subscriptions) {
  SqlFilterCache cache;
  std::vector<protocol::SubscriptionData> subs(3);
  subs[0].expression_type = "TAG";
  subs[0].sub_string = "a > 1";
  subs[1].expression_type = "SQL92";
  subs[1].sub_string = "b = 'x'";
  subs[2].expression_type = "SQL92";
  subs[2].sub_string = "b = 'x'";
  cache.Prepare(subs);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.compilations(), 1);
  EXPECT_TRUE(cache.Get("b = 'x'").ok());
  EXPECT_EQ(cache.compilations(), 1);
}

TEST(SqlFilterCache, EvictsTheLeastRecentlyUsedBeyondCapacity) {
  SqlFilterCache cache(2);
  ASSERT_TRUE(cache.Get("a = 1").ok());
  ASSERT_TRUE(cache.Get("a = 2").ok());
  ASSERT_TRUE(cache.Get("a = 1").ok());  // a = 2 is now the oldest
  auto kept = cache.Get("a = 1");
  ASSERT_TRUE(cache.Get("a = 3").ok());
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.compilations(), 3);
  ASSERT_TRUE(cache.Get("a = 1").ok());
  EXPECT_EQ(cache.compilations(), 3);
  ASSERT_TRUE(cache.Get("a = 2").ok());  // compiled again
  EXPECT_EQ(cache.compilations(), 4);
  // A filter handed out stays valid after its entry is gone.
  EXPECT_TRUE(
      (*kept)->MatchByProperties("a\x01"
                                 "1\x02"));
}

TEST(SqlFilterCache, ConcurrentLookupsShareOneFilter) {
  SqlFilterCache cache(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 200; ++i) {
        auto f = cache.Get("n = " + std::to_string((i + t) % 12));
        ASSERT_TRUE(f.ok());
        ASSERT_TRUE((*f)->MatchByProperties("n\x01" + std::to_string((i + t) % 12) + "\x02"));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_LE(cache.size(), 8u);
}

TEST(CheckClientRequest, DecodesJavasBody) {
  absl::StatusOr<CheckClientRequest> r = DecodeCheckClientRequest(
      R"({"clientId":"10.0.0.1@123","group":"g","subscriptionData":{"classFilterMode":false,)"
      R"("codeSet":[],"expressionType":"SQL92","subString":"a > 1","subVersion":17,)"
      R"("tagsSet":[],"topic":"T"}})");
  ASSERT_TRUE(r.ok()) << MessageOf(r.status());
  EXPECT_EQ(r->client_id, "10.0.0.1@123");
  EXPECT_EQ(r->group, "g");
  ASSERT_TRUE(r->subscription.has_value());
  EXPECT_EQ(r->subscription->topic, "T");
  EXPECT_EQ(r->subscription->expression_type, "SQL92");
  EXPECT_EQ(r->subscription->sub_string, "a > 1");
  r = DecodeCheckClientRequest(R"({"clientId":"c","subscriptionData":null})");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->subscription.has_value());
  EXPECT_TRUE(DecodeCheckClientRequest("null").ok());
  EXPECT_FALSE(DecodeCheckClientRequest("").ok());
  EXPECT_FALSE(DecodeCheckClientRequest("[1]").ok());
  EXPECT_FALSE(DecodeCheckClientRequest(R"({"subscriptionData":5})").ok());
}

}  // namespace
}  // namespace tern::broker
