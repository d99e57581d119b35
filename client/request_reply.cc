#include "client/request_reply.h"

#include <fmt/format.h>

#include <random>
#include <vector>

#include "client/body_codec.h"
#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/properties.h"
#include "server/remoting/headers/reply.h"

namespace tern::client {

namespace prop = engine::property;

RequestFutureTable& RequestFutureTable::Global() {
  static RequestFutureTable* table = new RequestFutureTable();  // never destroyed
  return *table;
}

void RequestFutureTable::Add(const std::string& correlation_id, const void* owner,
                             std::string topic, std::chrono::milliseconds timeout,
                             RequestCallback done) {
  MutexLock lock(&mu_);
  entries_[correlation_id] = Entry{owner, std::move(topic), timeout, false, std::move(done)};
}

void RequestFutureTable::MarkSent(const std::string& correlation_id) {
  MutexLock lock(&mu_);
  auto it = entries_.find(correlation_id);
  if (it != entries_.end()) it->second.sent = true;
}

bool RequestFutureTable::Complete(MessageExt reply) {
  RequestCallback done;
  {
    MutexLock lock(&mu_);
    auto it = entries_.find(std::string(reply.Property(prop::kCorrelationId)));
    if (it == entries_.end()) return false;
    done = std::move(it->second.done);
    entries_.erase(it);
  }
  done(std::move(reply));
  return true;
}

bool RequestFutureTable::Fail(const std::string& correlation_id, absl::Status status) {
  RequestCallback done;
  {
    MutexLock lock(&mu_);
    auto it = entries_.find(correlation_id);
    if (it == entries_.end()) return false;
    done = std::move(it->second.done);
    entries_.erase(it);
  }
  done(std::move(status));
  return true;
}

bool RequestFutureTable::Expire(const std::string& correlation_id) {
  RequestCallback done;
  absl::Status status;
  {
    MutexLock lock(&mu_);
    auto it = entries_.find(correlation_id);
    if (it == entries_.end()) return false;
    const Entry& e = it->second;
    status = absl::DeadlineExceededError(
        e.sent ? fmt::format("send request message to <{}> OK, but wait reply message timeout, "
                             "{} ms.",
                             e.topic, e.timeout.count())
               : fmt::format("request to <{}> timed out after {} ms before the request message "
                             "was sent",
                             e.topic, e.timeout.count()));
    done = std::move(it->second.done);
    entries_.erase(it);
  }
  done(std::move(status));
  return true;
}

void RequestFutureTable::FailAll(const void* owner, const absl::Status& status) {
  std::vector<RequestCallback> dones;
  {
    MutexLock lock(&mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.owner == owner) {
        dones.push_back(std::move(it->second.done));
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (RequestCallback& d : dones) d(status);
}

size_t RequestFutureTable::size() const {
  MutexLock lock(&mu_);
  return entries_.size();
}

std::string NewCorrelationId() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(NowMillis())
                                                                << 20);
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & ~uint64_t{0xF000}) | 0x4000;                      // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

absl::StatusOr<Message> CreateReplyMessage(const MessageExt& request, std::string body) {
  const std::string_view cluster = request.Property(prop::kCluster);
  if (cluster.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "create reply message fail, requestMessage error, property[{}] is null.", prop::kCluster));
  }
  Message reply;
  reply.topic = fmt::format("{}_REPLY_TOPIC", cluster);
  reply.body = std::move(body);
  reply.properties[std::string(prop::kMessageType)] = std::string(prop::kReplyMessageFlag);
  for (std::string_view name : {prop::kCorrelationId, prop::kReplyToClient, prop::kMessageTtl}) {
    // Java copies each with putProperty; a missing one (null) is not written.
    const std::string_view v = request.Property(name);
    if (!v.empty()) reply.properties[std::string(name)] = std::string(v);
  }
  return reply;
}

bool IsReplyMessage(const Message& msg) {
  auto it = msg.properties.find(std::string(prop::kMessageType));
  return it != msg.properties.end() && it->second == prop::kReplyMessageFlag;
}

namespace {

// "/1.2.3.4:5" (Java's InetSocketAddress.toString) or "1.2.3.4:5" -> "1.2.3.4:5".
std::string HostOf(const std::string& java_addr) {
  const size_t slash = java_addr.find('/');
  return slash == std::string::npos ? java_addr : java_addr.substr(slash + 1);
}

}  // namespace

absl::StatusOr<MessageExt> DecodePushedReply(const remoting::RemotingCommand& cmd,
                                             std::string body) {
  const int64_t arrive = NowMillis();
  absl::StatusOr<remoting::ReplyMessageRequestHeader> h =
      remoting::ReplyMessageRequestHeader::Parse(cmd);
  if (!h.ok()) return h.status();
  MessageExt m;
  m.topic = h->topic;
  m.queue_id = h->queue_id;
  m.store_timestamp = h->store_timestamp;
  m.born_host = HostOf(h->born_host);
  m.store_host = HostOf(h->store_host);
  m.sys_flag = h->sys_flag;
  m.flag = h->flag;
  m.born_timestamp = h->born_timestamp;
  m.reconsume_times = h->reconsume_times.value_or(0);
  if ((h->sys_flag & 0x1) != 0) {
    absl::StatusOr<std::string> inflated = Inflate(AsBytes(body), h->sys_flag);
    if (!inflated.ok())
      return absl::InvalidArgumentError(std::string(MessageOf(inflated.status())));
    m.body = *std::move(inflated);
  } else {
    m.body = std::move(body);
  }
  if (h->properties) {
    engine::ForEachProperty(*h->properties, [&](std::string_view k, std::string_view v) {
      m.properties[std::string(k)] = std::string(v);
    });
  }
  m.properties[std::string(prop::kReplyMessageArriveTime)] = std::to_string(arrive);
  m.msg_id = std::string(m.Property(prop::kUniqueClientMessageIdKey));
  return m;
}

}  // namespace tern::client
