// auth.h: who may use the dashboard — configured users, login sessions and CSRF tokens.
//
// Users come from the broker key `dashboardUsers` (or `tern dashboard --users`):
//   name:password:role[,name:password:role...]          role: admin | read
//   name:sha256:<64 hex digits of SHA-256(password)>:role  (keeps the password out of the file)
// Names and plain passwords cannot contain ':' or ','. Passwords are kept only as SHA-256
// digests and compared in constant time against every user (no early exit).
//
// Without users, nobody logs in: every caller acts as "anonymous" with the admin role (the
// HTTP endpoint is bound to 127.0.0.1 by default). Either way a write (POST) must carry the
// header X-Tern-Csrf with the token that GET /api/session handed to a same-origin page — the
// session's token after a login, the process-wide anonymous token otherwise — so a page of
// another origin cannot make a browser write (it can neither read the token nor send the
// header without a CORS preflight, which is never granted).
//
// Sessions: 256-bit random tokens from getrandom(2), kept in memory (a restart logs everyone
// out), sliding expiry `ttl`, at most kMaxSessions (the oldest is dropped). The cookie is
// HttpOnly, SameSite=Strict, Path=/.
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "server/dashboard/sha256.h"

namespace tern::dashboard {

enum class Role { kRead, kAdmin };
std::string_view RoleName(Role role);

struct DashboardUser {
  std::string name;
  Sha256Digest password_sha256{};
  Role role = Role::kRead;
};

// Parses the `dashboardUsers` value; an empty value means no users. InvalidArgument names the
// bad entry (without its password).
absl::StatusOr<std::vector<DashboardUser>> ParseDashboardUsers(std::string_view spec);

struct Session {
  std::string token;  // the cookie value
  std::string csrf;   // the X-Tern-Csrf value
  std::string user;   // "anonymous" without users
  Role role = Role::kAdmin;
};

inline constexpr std::string_view kSessionCookie = "tern_session";
inline constexpr std::string_view kCsrfHeader = "x-tern-csrf";

class Authenticator {
 public:
  static constexpr size_t kMaxSessions = 1024;

  Authenticator(std::vector<DashboardUser> users, std::chrono::seconds ttl);

  bool auth_required() const { return !users_.empty(); }

  // A new session when `user` and `password` match a configured user.
  std::optional<Session> Login(std::string_view user, std::string_view password);
  void Logout(std::string_view token);
  // The session of `cookie_header` (the Cookie request header), or the anonymous one when no
  // users are configured; nullopt when a login is required and there is no live session.
  std::optional<Session> Resolve(std::string_view cookie_header);

  // The CSRF token of callers without a session: the login form's, and everyone's when no
  // users are configured.
  const std::string& anonymous_csrf() const { return anonymous_.csrf; }

  // The Set-Cookie value for a session (Max-Age 0 when `token` is empty: a logout).
  std::string CookieFor(std::string_view token) const;

 private:
  struct Entry {
    Session session;
    int64_t expires_ms = 0;
    int64_t created_ms = 0;
  };

  const std::vector<DashboardUser> users_;
  const std::chrono::seconds ttl_;
  const Session anonymous_;
  Mutex mu_;
  std::map<std::string, Entry> sessions_ ABSL_GUARDED_BY(mu_);
};

// 32 random bytes as 64 hex digits (getrandom(2)).
std::string RandomToken();
// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace tern::dashboard
