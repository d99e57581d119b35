// dashboard_http.h: what the dashboard tests need on top of a plain HTTP call — the response's
// Set-Cookie header, a chosen Host header, JSON bodies parsed strictly, and a session that
// keeps the cookie and CSRF token as a browser page would. Header-only, for tests.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/metadata/fastjson.h"
#include "rapidjson/document.h"

namespace tern::testing {

struct DashResponse {
  int status = 0;
  std::string content_type;
  std::string set_cookie;
  std::string body;
  std::shared_ptr<rapidjson::Document> json;  // null unless the body is valid JSON

  // A member of the top-level object, or null.
  const rapidjson::Value* Get(std::string_view name) const {
    if (!json || !json->IsObject()) return nullptr;
    return engine::metadata::FindMember(*json, name);
  }
  std::string Str(std::string_view name) const {
    const rapidjson::Value* v = Get(name);
    return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : "";
  }
  int64_t Int(std::string_view name) const {
    const rapidjson::Value* v = Get(name);
    return v != nullptr && v->IsInt64() ? v->GetInt64() : -999;
  }
  const rapidjson::Value& Items() const {
    static const rapidjson::Value kEmpty(rapidjson::kArrayType);
    const rapidjson::Value* v = Get("items");
    return v != nullptr && v->IsArray() ? *v : kEmpty;
  }
};

inline std::string JStr(const rapidjson::Value& obj, std::string_view name) {
  const rapidjson::Value* v = obj.IsObject() ? engine::metadata::FindMember(obj, name) : nullptr;
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : "";
}
inline int64_t JInt(const rapidjson::Value& obj, std::string_view name) {
  const rapidjson::Value* v = obj.IsObject() ? engine::metadata::FindMember(obj, name) : nullptr;
  return v != nullptr && v->IsInt64() ? v->GetInt64() : -999;
}
inline bool JBool(const rapidjson::Value& obj, std::string_view name) {
  const rapidjson::Value* v = obj.IsObject() ? engine::metadata::FindMember(obj, name) : nullptr;
  return v != nullptr && v->IsBool() && v->GetBool();
}
inline const rapidjson::Value& JArr(const rapidjson::Value& obj, std::string_view name) {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  const rapidjson::Value* v = obj.IsObject() ? engine::metadata::FindMember(obj, name) : nullptr;
  return v != nullptr && v->IsArray() ? *v : kEmpty;
}

inline DashResponse DashCall(int port, const std::string& method, const std::string& target,
                             const std::string& body = {},
                             const std::vector<std::pair<std::string, std::string>>& headers = {},
                             const std::string& host = "127.0.0.1") {
  namespace beast = boost::beast;
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                static_cast<uint16_t>(port)));
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, host);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  beast::error_code ec;
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  DashResponse r;
  if (ec) return r;
  r.status = static_cast<int>(parser.get().result_int());
  r.content_type = std::string(parser.get()[http::field::content_type]);
  r.set_cookie = std::string(parser.get()[http::field::set_cookie]);
  r.body = parser.get().body();
  auto doc = std::make_shared<rapidjson::Document>();
  if (engine::metadata::ParseStrictJson(r.body, *doc).ok()) r.json = std::move(doc);
  return r;
}

// A browser-like client: keeps the session cookie and the CSRF token of /api/session.
class DashSession {
 public:
  explicit DashSession(int port) : port_(port) { Refresh(); }

  void Refresh() {
    DashResponse s = Get("/api/session");
    csrf_ = s.Str("csrf");
  }
  DashResponse Get(const std::string& target) {
    return DashCall(port_, "GET", target, {}, Headers(false));
  }
  DashResponse Post(const std::string& path, const std::string& json_body, bool with_csrf = true) {
    DashResponse r =
        DashCall(port_, "POST", path, json_body.empty() ? "{}" : json_body, Headers(with_csrf));
    if (!r.set_cookie.empty()) {
      const size_t eq = r.set_cookie.find('=');
      const size_t semi = r.set_cookie.find(';');
      cookie_ = r.set_cookie.substr(0, semi);
      if (eq + 1 == semi) cookie_.clear();  // a logout
    }
    return r;
  }
  bool Login(const std::string& user, const std::string& password) {
    DashResponse r =
        Post("/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
    if (r.status != 200) return false;
    csrf_ = r.Str("csrf");
    return true;
  }
  const std::string& csrf() const { return csrf_; }
  const std::string& cookie() const { return cookie_; }

 private:
  std::vector<std::pair<std::string, std::string>> Headers(bool with_csrf) const {
    std::vector<std::pair<std::string, std::string>> h;
    if (!cookie_.empty()) h.emplace_back("Cookie", cookie_);
    if (with_csrf) h.emplace_back("X-Tern-Csrf", csrf_);
    return h;
  }

  const int port_;
  std::string cookie_;
  std::string csrf_;
};

}  // namespace tern::testing
