#include "server/dashboard/dashboard.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "client/status_codes.h"
#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "server/dashboard/web_assets.h"

namespace tern::dashboard {

using http::HttpRequest;
using http::HttpResponse;

namespace {

constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

HttpResponse JsonError(int status, std::string_view message) {
  return HttpResponse::Json(ErrorJson(message), status);
}

int HttpStatusOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    default:
      return 502;
  }
}

void AddSecurityHeaders(HttpResponse& r) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Content-Security-Policy", std::string(kCsp));
}

std::string Header(const HttpRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

bool IsLoopbackAddress(std::string_view a) {
  return a == "127.0.0.1" || a == "::1" || a == "localhost" || a.starts_with("127.");
}

}  // namespace

bool IsIpOrLocalhost(std::string_view host) {
  if (host.empty()) return false;
  std::string_view h = host;
  if (h.front() == '[') {  // [v6]:port
    const size_t close = h.find(']');
    if (close == std::string_view::npos) return false;
    h = h.substr(1, close - 1);
    return !h.empty() && h.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos;
  }
  if (const size_t colon = h.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = h.substr(colon + 1);
    if (port.find_first_not_of("0123456789") != std::string_view::npos) return false;
    h = h.substr(0, colon);
  }
  if (h == "localhost") return true;
  int dots = 0;
  for (char c : h) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

Dashboard::Dashboard(DashboardOptions options, std::vector<DashboardUser> users)
    : options_(std::move(options)),
      auth_(std::move(users), options_.session_ttl),
      history_(options_.history_points) {}

absl::StatusOr<std::unique_ptr<Dashboard>> Dashboard::Create(DashboardOptions options) {
  absl::StatusOr<std::vector<DashboardUser>> users = ParseDashboardUsers(options.users);
  if (!users.ok()) return users.status();
  std::unique_ptr<Dashboard> d(new Dashboard(std::move(options), *std::move(users)));
  if (d->options_.namesrv_addrs.empty()) {
    d->admin_error_ = "the dashboard has no name server to read the cluster from (namesrvAddr)";
  } else {
    client::admin::AdminOptions ao;
    ao.namesrv_addrs = d->options_.namesrv_addrs;
    ao.timeout = d->options_.admin_timeout;
    ao.instance_name = "tern-dashboard-admin";
    absl::StatusOr<std::unique_ptr<client::admin::AdminClient>> admin =
        client::admin::AdminClient::Create(std::move(ao));
    if (admin.ok()) {
      d->admin_ = *std::move(admin);
      ApiOptions api = d->options_.api;
      api.namesrv_addrs = d->options_.namesrv_addrs;
      d->api_ = std::make_unique<DashboardApi>(d->admin_.get(), std::move(api), &d->history_);
      d->sampler_ = std::thread([p = d.get()] { p->RunSampler(); });
    } else {
      d->admin_error_ =
          fmt::format("the dashboard's admin client did not start: {}", MessageOf(admin.status()));
    }
  }
  return d;
}

Dashboard::~Dashboard() {
  Stop();
  api_.reset();
  admin_.reset();
}

void Dashboard::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  if (sampler_.joinable()) sampler_.join();
}

void Dashboard::RunSampler() {
  SetThreadName("tern-dash-tps");
  MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.Unlock();
    absl::StatusOr<std::vector<BrokerCounterSample>> samples = api_->SampleCounters();
    if (samples.ok()) history_.Record(NowMillis(), *samples);
    mu_.Lock();
    if (stopping_) break;
    cv_.WaitFor(&mu_, options_.sample_interval);
  }
}

std::optional<HttpResponse> Dashboard::Check(const HttpRequest& request, Access access,
                                             Session* session) {
  if (!auth_.auth_required() && !IsIpOrLocalhost(Header(request, "host"))) {
    return JsonError(403,
                     "without dashboardUsers the dashboard answers only requests addressed to an "
                     "IP address or localhost (DNS-rebinding guard); configure users to use a "
                     "host name");
  }
  std::optional<Session> s = auth_.Resolve(Header(request, "cookie"));
  if (s) *session = *s;
  // Without a session the answer is "log in" (the page shows its login form), CSRF or not.
  if (access != Access::kOpen && !s) return JsonError(401, "login required");
  if (request.method == "POST") {
    const std::string token = Header(request, std::string(kCsrfHeader));
    bool csrf_ok = s.has_value() && ConstantTimeEqual(token, s->csrf);
    if (!csrf_ok && access == Access::kOpen) {
      csrf_ok = ConstantTimeEqual(token, auth_.anonymous_csrf());
    }
    if (!csrf_ok) {
      return JsonError(403,
                       "missing or stale CSRF token (X-Tern-Csrf): reload the page and try again");
    }
  }
  if (access == Access::kOpen) return std::nullopt;
  if (!s) return JsonError(401, "login required");
  if (access == Access::kWrite && s->role != Role::kAdmin) {
    return JsonError(403, fmt::format("user '{}' has the read-only role: this action needs the "
                                      "admin role",
                                      s->user));
  }
  return std::nullopt;
}

HttpResponse Dashboard::Serve(const HttpRequest& request, Access access, ApiMethod method) {
  Session session;
  if (std::optional<HttpResponse> refused = Check(request, access, &session)) return *refused;
  if (!api_) return JsonError(503, admin_error_);
  absl::StatusOr<Params> params = request.method == "POST" ? ParseJsonParams(request.body)
                                                           : absl::StatusOr<Params>(request.query);
  if (!params.ok()) return JsonError(400, MessageOf(params.status()));
  absl::StatusOr<std::string> body = ((*api_).*method)(*params);
  if (!body.ok()) {
    if (access == Access::kWrite) {
      spdlog::warn("dashboard: {} {} by {} failed: {}", request.method, request.path, session.user,
                   MessageOf(body.status()));
    }
    return JsonError(HttpStatusOf(body.status()), MessageOf(body.status()));
  }
  if (access == Access::kWrite) {
    spdlog::info("dashboard: {} {} by {} from {}", request.method, request.path, session.user,
                 request.remote_address);
  }
  return HttpResponse::Json(*std::move(body));
}

HttpResponse Dashboard::SessionInfo(const HttpRequest& request) {
  Session session;
  if (std::optional<HttpResponse> refused = Check(request, Access::kOpen, &session)) {
    return *refused;
  }
  std::optional<Session> s = auth_.Resolve(Header(request, "cookie"));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("authRequired");
  w.Bool(auth_.auth_required());
  w.Key("loggedIn");
  w.Bool(s.has_value() && auth_.auth_required());
  w.Key("user");
  w.String(s ? s->user : "");
  w.Key("role");
  w.String(s ? RoleName(s->role) : "");
  w.Key("canWrite");
  w.Bool(s.has_value() && s->role == Role::kAdmin);
  w.Key("csrf");
  w.String(s ? s->csrf : auth_.anonymous_csrf());
  w.Key("adminError");
  w.String(api_ ? "" : admin_error_);
  w.Key("namesrv");
  w.BeginArray();
  for (const std::string& a : options_.namesrv_addrs) w.String(a);
  w.EndArray();
  w.EndObject();
  return HttpResponse::Json(std::move(w).Finish());
}

HttpResponse Dashboard::Login(const HttpRequest& request) {
  Session unused;
  if (std::optional<HttpResponse> refused = Check(request, Access::kOpen, &unused)) {
    return *refused;
  }
  absl::StatusOr<Params> params = ParseJsonParams(request.body);
  if (!params.ok()) return JsonError(400, MessageOf(params.status()));
  if (!auth_.auth_required()) return JsonError(400, "no users are configured: nothing to log in");
  std::optional<Session> s = auth_.Login(Param(*params, "user"), Param(*params, "password"));
  if (!s) {
    spdlog::warn("dashboard: failed login for '{}' from {}", Param(*params, "user"),
                 request.remote_address);
    return JsonError(401, "wrong user name or password");
  }
  spdlog::info("dashboard: {} logged in from {} (role {})", s->user, request.remote_address,
               RoleName(s->role));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("user");
  w.String(s->user);
  w.Key("role");
  w.String(RoleName(s->role));
  w.Key("csrf");
  w.String(s->csrf);
  w.EndObject();
  HttpResponse r = HttpResponse::Json(std::move(w).Finish());
  r.headers.emplace_back("Set-Cookie", auth_.CookieFor(s->token));
  return r;
}

HttpResponse Dashboard::Logout(const HttpRequest& request) {
  Session session;
  if (std::optional<HttpResponse> refused = Check(request, Access::kOpen, &session)) {
    return *refused;
  }
  if (!session.token.empty()) auth_.Logout(session.token);
  HttpResponse r = HttpResponse::Json(R"({"ok":true})");
  r.headers.emplace_back("Set-Cookie", auth_.CookieFor(""));
  return r;
}

void Dashboard::AddRoutes(http::Router& router) {
  auto page = [](std::string_view path) {
    const WebAsset* a = FindWebAsset(path);
    if (a == nullptr) return HttpResponse::Text(404, "not found\n");
    HttpResponse r;
    r.content_type = std::string(a->content_type);
    r.body = std::string(a->body);
    AddSecurityHeaders(r);
    return r;
  };
  router.Add("GET", "/", [page](const HttpRequest&) { return page("/index.html"); });
  router.Add("GET", "/index.html", [page](const HttpRequest&) { return page("/index.html"); });
  router.Add("GET", "/assets/", [page](const HttpRequest& r) { return page(r.path); });
  router.Add("GET", "/api/session", [this](const HttpRequest& r) { return SessionInfo(r); });
  router.Add("POST", "/api/login", [this](const HttpRequest& r) { return Login(r); });
  router.Add("POST", "/api/logout", [this](const HttpRequest& r) { return Logout(r); });
  struct Route {
    const char* method;
    const char* path;
    Access access;
    ApiMethod fn;
  };
  static const Route kRoutes[] = {
      {"GET", "/api/cluster", Access::kRead, &DashboardApi::Cluster},
      {"GET", "/api/cluster/tps", Access::kRead, &DashboardApi::ClusterTps},
      {"GET", "/api/topics", Access::kRead, &DashboardApi::Topics},
      {"GET", "/api/topic", Access::kRead, &DashboardApi::Topic},
      {"POST", "/api/topic", Access::kWrite, &DashboardApi::SaveTopic},
      {"POST", "/api/topic/delete", Access::kWrite, &DashboardApi::DeleteTopic},
      {"POST", "/api/topic/send", Access::kWrite, &DashboardApi::SendMessage},
      {"GET", "/api/consumers", Access::kRead, &DashboardApi::Consumers},
      {"GET", "/api/consumer", Access::kRead, &DashboardApi::Consumer},
      {"POST", "/api/consumer/reset", Access::kWrite, &DashboardApi::ResetOffset},
      {"GET", "/api/producers", Access::kRead, &DashboardApi::Producers},
      {"GET", "/api/messages", Access::kRead, &DashboardApi::Messages},
      {"GET", "/api/message", Access::kRead, &DashboardApi::Message},
      {"POST", "/api/message/resend", Access::kWrite, &DashboardApi::Resend},
      {"GET", "/api/trace", Access::kRead, &DashboardApi::Trace},
  };
  for (const Route& route : kRoutes) {
    router.Add(route.method, route.path,
               [this, route](const HttpRequest& r) { return Serve(r, route.access, route.fn); });
  }
}

absl::StatusOr<std::unique_ptr<Dashboard>> AddRoutes(http::Router& router,
                                                     DashboardOptions options) {
  const std::string address = options.http_address;
  absl::StatusOr<std::unique_ptr<Dashboard>> d = Dashboard::Create(std::move(options));
  if (!d.ok()) return d.status();
  (*d)->AddRoutes(router);
  if (!(*d)->auth_required() && !IsLoopbackAddress(address)) {
    spdlog::warn(
        "!!! dashboard: the HTTP endpoint listens on {} WITHOUT dashboardUsers: anyone who can "
        "reach it can create and delete topics, reset offsets and send messages. Set "
        "dashboardUsers=name:password:admin,... or bind it to 127.0.0.1 (--http-addr). !!!",
        address);
  }
  return d;
}

}  // namespace tern::dashboard
