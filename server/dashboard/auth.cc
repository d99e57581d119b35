#include "server/dashboard/auth.h"

#include <fmt/format.h>
#include <sys/random.h>

#include "engine/base/check.h"
#include "engine/base/clock.h"

namespace tern::dashboard {

std::string_view RoleName(Role role) { return role == Role::kAdmin ? "admin" : "read"; }

namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    const size_t end = s.find(sep, pos);
    out.push_back(s.substr(pos, end == std::string_view::npos ? s.size() - pos : end - pos));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

absl::StatusOr<std::vector<DashboardUser>> ParseDashboardUsers(std::string_view spec) {
  std::vector<DashboardUser> users;
  if (Trim(spec).empty()) return users;
  int index = 0;
  for (std::string_view entry : Split(spec, ',')) {
    ++index;
    entry = Trim(entry);
    const std::vector<std::string_view> parts = Split(entry, ':');
    DashboardUser u;
    std::string_view role;
    if (parts.size() == 3) {
      u.password_sha256 = Sha256(parts[1]);
      role = parts[2];
    } else if (parts.size() == 4 && parts[1] == "sha256") {
      if (!ParseHexDigest(parts[2], &u.password_sha256)) {
        return absl::InvalidArgumentError(fmt::format(
            "dashboardUsers entry {} ('{}'): sha256 needs 64 hex digits", index, parts[0]));
      }
      role = parts[3];
    } else {
      return absl::InvalidArgumentError(fmt::format(
          "dashboardUsers entry {} is not name:password:role or name:sha256:<hex>:role (roles: "
          "admin, read)",
          index));
    }
    u.name = std::string(parts[0]);
    if (u.name.empty()) {
      return absl::InvalidArgumentError(fmt::format("dashboardUsers entry {}: empty name", index));
    }
    if (role == "admin") {
      u.role = Role::kAdmin;
    } else if (role == "read") {
      u.role = Role::kRead;
    } else {
      return absl::InvalidArgumentError(fmt::format(
          "dashboardUsers entry {} ('{}'): role '{}' is not admin or read", index, u.name, role));
    }
    for (const DashboardUser& other : users) {
      if (other.name == u.name) {
        return absl::InvalidArgumentError(
            fmt::format("dashboardUsers: user '{}' is listed twice", u.name));
      }
    }
    users.push_back(std::move(u));
  }
  return users;
}

std::string RandomToken() {
  uint8_t bytes[32];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    const ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
    TERN_CHECK_MSG(n > 0 || errno == EINTR, "getrandom failed");
    if (n > 0) got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  for (std::string_view part : Split(header, ';')) {
    part = Trim(part);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    if (part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
  }
  return "";
}

Authenticator::Authenticator(std::vector<DashboardUser> users, std::chrono::seconds ttl)
    : users_(std::move(users)),
      ttl_(ttl),
      anonymous_{"", RandomToken(), "anonymous", Role::kAdmin} {}

std::optional<Session> Authenticator::Login(std::string_view user, std::string_view password) {
  if (users_.empty()) return anonymous_;
  const Sha256Digest typed = Sha256(password);
  const Sha256Digest typed_name = Sha256(user);
  const DashboardUser* match = nullptr;
  for (const DashboardUser& u : users_) {  // every user, no early exit
    const bool name_ok = ConstantTimeEqual(Sha256(u.name), typed_name);
    const bool pw_ok = ConstantTimeEqual(u.password_sha256, typed);
    if (name_ok & pw_ok) match = &u;
  }
  if (match == nullptr) return std::nullopt;
  Session s{RandomToken(), RandomToken(), match->name, match->role};
  const int64_t now = NowMillis();
  MutexLock lock(&mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires_ms < now ? sessions_.erase(it) : std::next(it);
  }
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.created_ms < oldest->second.created_ms) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[s.token] = Entry{s, now + ttl_.count() * 1000, now};
  return s;
}

void Authenticator::Logout(std::string_view token) {
  MutexLock lock(&mu_);
  sessions_.erase(std::string(token));
}

std::optional<Session> Authenticator::Resolve(std::string_view cookie_header) {
  if (users_.empty()) return anonymous_;
  const std::string token = CookieValue(cookie_header, kSessionCookie);
  if (token.empty()) return std::nullopt;
  const int64_t now = NowMillis();
  MutexLock lock(&mu_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_ms < now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.expires_ms = now + ttl_.count() * 1000;
  return it->second.session;
}

std::string Authenticator::CookieFor(std::string_view token) const {
  if (token.empty()) {
    return fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", kSessionCookie);
  }
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}", kSessionCookie, token,
                     ttl_.count());
}

}  // namespace tern::dashboard
