#include "server/http/http_server.h"

#include <gtest/gtest.h>

#include "tests/server/http/http_test_client.h"

namespace tern::http {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/hello", [](const HttpRequest& r) {
      return HttpResponse::Text(200, "hi " + r.Param("name", "nobody") + "\n");
    });
    router_.Add("POST", "/echo", [](const HttpRequest& r) { return HttpResponse::Json(r.body); });
    router_.Add("GET", "/static/",
                [](const HttpRequest& r) { return HttpResponse::Text(200, "asset " + r.path); });
    router_.Add("GET", "/boom", [](const HttpRequest&) -> HttpResponse {
      throw std::runtime_error("handler failure");
    });
    HttpServerOptions o;
    o.port = 0;
    auto s = HttpServer::Start(o, &router_);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }
  int port() const { return server_->port(); }

  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, RoutesByMethodAndPathWithDecodedQueries) {
  auto r = testing::HttpCall(port(), "GET", "/hello?name=a%20b+c");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hi a b c\n");
  r = testing::HttpCall(port(), "POST", "/echo", R"({"x":1})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"x":1})");
  EXPECT_EQ(testing::HttpCall(port(), "GET", "/static/app.js").body, "asset /static/app.js");
  EXPECT_EQ(testing::HttpCall(port(), "GET", "/nope").status, 404);
  EXPECT_EQ(testing::HttpCall(port(), "POST", "/hello").status, 405);
}

TEST_F(HttpServerTest, BadRequestsGetErrorsNotCrashes) {
  EXPECT_EQ(testing::HttpCall(port(), "POST", "/echo", std::string(2 * 1024 * 1024, 'x')).status,
            413);
  EXPECT_EQ(testing::HttpCall(port(), "GET", "/hello", "", {{"X-Big", std::string(32 * 1024, 'h')}})
                .status,
            431);
  EXPECT_EQ(testing::HttpCall(port(), "GET", "/boom").status, 500);
  // The server still answers afterwards.
  EXPECT_EQ(testing::HttpCall(port(), "GET", "/hello").status, 200);
}

TEST(HttpAddr, ParsesHostPortForms) {
  auto a = ParseHttpAddr("0.0.0.0:9090");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->address, "0.0.0.0");
  EXPECT_EQ(a->port, 9090);
  auto b = ParseHttpAddr(":8081");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->address, "127.0.0.1");
  EXPECT_EQ(ParseHttpAddr("8082")->port, 8082);
  EXPECT_FALSE(ParseHttpAddr("host:port").ok());
  EXPECT_FALSE(ParseHttpAddr("1.2.3.4:70000").ok());
}

}  // namespace
}  // namespace tern::http
