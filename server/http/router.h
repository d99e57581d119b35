// router.h: what an HTTP handler sees and returns, and the table that maps a request to one.
//
// Plain values: HttpRequest (method, path, decoded query parameters, headers of interest,
// body) and HttpResponse (status, content type, body, extra headers). Routes match a method
// and an exact path, or a path prefix ending in '/'; the longest match wins. Unknown paths get
// 404, a known path with another method 405. Thread safety: routes are added before the
// server starts; Dispatch is then const and thread-safe. Handlers run on HTTP threads and may
// block them (never a broker I/O thread).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tern::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string, percent-decoded
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_address;

  // The query parameter, or `fallback`.
  std::string Param(const std::string& name, std::string fallback = {}) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(std::string body, int status = 200);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class Router {
 public:
  void Add(std::string method, std::string path, HttpHandler handler);
  HttpResponse Dispatch(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    HttpHandler handler;
  };
  std::vector<Route> routes_;
};

// Splits "path?a=1&b=x%20y" into a decoded path and parameters. Malformed percent escapes are
// kept verbatim.
void ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);
std::string PercentDecode(std::string_view in, bool plus_is_space);

}  // namespace tern::http
