// request_reply.h: the client half of RocketMQ request-reply (Java 4.6+; protocol.md 2.1, 10).
//
// A requester (Producer::Request) sends an ordinary message carrying CORRELATION_ID (a fresh
// UUID), REPLY_TO_CLIENT (its client id) and TTL (its timeout, ms) and waits in the
// process-wide RequestFutureTable (Java's static RequestFutureTable). A responder builds the
// answer with CreateReplyMessage and sends it with a Producer, which uses
// SEND_REPLY_MESSAGE_V2 (325) for a MSG_TYPE=reply message. The broker pushes it to the
// requester with PUSH_REPLY_MESSAGE_TO_CLIENT (326); the client decodes it (DecodePushedReply)
// and completes the request whose CORRELATION_ID it carries.
//
// Every pending request completes exactly once: with the reply, with the send's error, with
// DeadlineExceeded when its timeout passes (its entry is removed then), or with Cancelled when
// its producer shuts down. Callbacks run outside the table's lock, on the thread that
// completed them (an I/O thread for replies, send failures and timeouts).
//
// Thread safety: all functions and RequestFutureTable methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "client/message.h"
#include "engine/base/mutex.h"
#include "server/remoting/command.h"

namespace tern::client {

using RequestCallback = std::function<void(absl::StatusOr<MessageExt>)>;

class RequestFutureTable {
 public:
  static RequestFutureTable& Global();

  // Registers a pending request of `owner` (any tag; Producer uses itself) to `topic`.
  void Add(const std::string& correlation_id, const void* owner, std::string topic,
           std::chrono::milliseconds timeout, RequestCallback done);
  // The request message was stored (the send succeeded): a timeout now says so.
  void MarkSent(const std::string& correlation_id);
  // Completes the request named by the reply's CORRELATION_ID. False when none is pending
  // (unknown, already timed out, or answered before).
  bool Complete(MessageExt reply);
  // Fails one pending request with `status`; false when it is no longer pending.
  bool Fail(const std::string& correlation_id, absl::Status status);
  // Fails it with DeadlineExceeded (Java's wording); false when it is no longer pending.
  bool Expire(const std::string& correlation_id);
  // Fails every pending request of `owner` with `status`.
  void FailAll(const void* owner, const absl::Status& status);
  size_t size() const;

 private:
  struct Entry {
    const void* owner = nullptr;
    std::string topic;
    std::chrono::milliseconds timeout{0};
    bool sent = false;
    RequestCallback done;
  };
  mutable Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// A random (version 4) UUID in its 36-character text form, as Java's CorrelationIdUtil.
std::string NewCorrelationId();

// The reply to `request` (Java's MessageUtil.createReplyMessage): topic
// "<CLUSTER>_REPLY_TOPIC" from the request's CLUSTER property (added by the broker),
// MSG_TYPE=reply, and the request's CORRELATION_ID, REPLY_TO_CLIENT and TTL. InvalidArgument
// when the request has no CLUSTER property.
absl::StatusOr<Message> CreateReplyMessage(const MessageExt& request, std::string body);

// True when `msg` is a reply (MSG_TYPE=reply): the producer sends it with 325.
bool IsReplyMessage(const Message& msg);

// Decodes PUSH_REPLY_MESSAGE_TO_CLIENT (326): header fields, the body (inflated when sysFlag
// has the compressed bit) and the properties plus ARRIVE_TIME (now). InvalidArgument on a
// malformed header or body.
absl::StatusOr<MessageExt> DecodePushedReply(const remoting::RemotingCommand& cmd,
                                             std::string body);

}  // namespace tern::client
