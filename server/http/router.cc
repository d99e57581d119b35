#include "server/http/router.h"

namespace tern::http {

std::string HttpRequest::Param(const std::string& name, std::string fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Json(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

void Router::Add(std::string method, std::string path, HttpHandler handler) {
  routes_.push_back({std::move(method), std::move(path), std::move(handler)});
}

HttpResponse Router::Dispatch(const HttpRequest& request) const {
  const Route* best = nullptr;
  bool path_known = false;
  for (const Route& r : routes_) {
    const bool prefix = !r.path.empty() && r.path.back() == '/' && r.path.size() > 1;
    const bool match = prefix ? request.path.starts_with(r.path) : request.path == r.path;
    if (!match) continue;
    path_known = true;
    if (r.method != request.method) continue;
    if (best == nullptr || r.path.size() > best->path.size()) best = &r;
  }
  if (best != nullptr) return best->handler(request);
  if (path_known) return HttpResponse::Text(405, "method not allowed\n");
  return HttpResponse::Text(404, "not found\n");
}

std::string PercentDecode(std::string_view in, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      const int h = hex(in[i + 1]);
      const int l = hex(in[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  const size_t q = target.find('?');
  *path = PercentDecode(target.substr(0, q), /*plus_is_space=*/false);
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t eq = pair.find('=');
    const std::string key = PercentDecode(pair.substr(0, eq), true);
    const std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    if (!key.empty()) (*query)[key] = value;
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

}  // namespace tern::http
