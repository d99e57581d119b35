#include "server/broker/lock_processor.h"

#include <fmt/format.h>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/json_writer.h"
#include "server/remoting/codes.h"

namespace tern::broker {

namespace code = remoting::response;
using remoting::ChannelPtr;
using remoting::RemotingCommand;
namespace md = engine::metadata;

absl::StatusOr<LockBatchBody> DecodeLockBatchBody(std::string_view body) {
  rapidjson::Document doc;
  if (absl::Status s = md::ParseFastjson(body, doc); !s.ok()) return s;
  if (absl::Status s = md::ExpectObject(doc, "$"); !s.ok()) return s;
  LockBatchBody out;
  if (const rapidjson::Value* v = md::FindMember(doc, "consumerGroup")) {
    absl::StatusOr<std::string> s = md::ToString(*v, "$.consumerGroup");
    if (!s.ok()) return s.status();
    out.consumer_group = *std::move(s);
  }
  if (const rapidjson::Value* v = md::FindMember(doc, "clientId")) {
    absl::StatusOr<std::string> s = md::ToString(*v, "$.clientId");
    if (!s.ok()) return s.status();
    out.client_id = *std::move(s);
  }
  if (out.consumer_group.empty() || out.client_id.empty()) {
    return absl::InvalidArgumentError("consumerGroup and clientId are required");
  }
  const rapidjson::Value* set = md::FindMember(doc, "mqSet");
  if (set == nullptr || set->IsNull()) return out;
  if (!set->IsArray()) return absl::InvalidArgumentError("$.mqSet is not an array");
  for (const rapidjson::Value& mq : set->GetArray()) {
    if (absl::Status s = md::ExpectObject(mq, "$.mqSet[]"); !s.ok()) return s;
    LockedQueue q;
    const rapidjson::Value* topic = md::FindMember(mq, "topic");
    const rapidjson::Value* broker = md::FindMember(mq, "brokerName");
    const rapidjson::Value* id = md::FindMember(mq, "queueId");
    if (topic == nullptr || broker == nullptr || id == nullptr) {
      return absl::InvalidArgumentError("$.mqSet[]: topic, brokerName and queueId are required");
    }
    absl::StatusOr<std::string> t = md::ToString(*topic, "$.mqSet[].topic");
    absl::StatusOr<std::string> b = md::ToString(*broker, "$.mqSet[].brokerName");
    absl::StatusOr<int32_t> i = md::ToInt32(*id, "$.mqSet[].queueId");
    if (!t.ok()) return t.status();
    if (!b.ok()) return b.status();
    if (!i.ok()) return i.status();
    q.topic = *std::move(t);
    q.broker_name = *std::move(b);
    q.queue_id = *i;
    out.queues.push_back(std::move(q));
  }
  return out;
}

std::string EncodeLockBatchResponse(const std::vector<LockedQueue>& queues) {
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("lockOKMQSet");
  w.BeginArray();
  for (const LockedQueue& q : queues) {
    w.BeginObject();
    w.Key("brokerName");
    w.String(q.broker_name);
    w.Key("queueId");
    w.Int(q.queue_id);
    w.Key("topic");
    w.String(q.topic);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

void LockProcessor::Register(remoting::HandlerTable& table) {
  table.Register(remoting::request::kLockBatchMq,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string b) { Lock(c, r, b); });
  table.Register(remoting::request::kUnlockBatchMq, [this](const ChannelPtr& c, RemotingCommand r,
                                                           std::string b) { Unlock(c, r, b); });
}

void LockProcessor::Lock(const ChannelPtr& channel, const RemotingCommand& request,
                         const std::string& body) {
  absl::StatusOr<LockBatchBody> b = DecodeLockBatchBody(body);
  if (!b.ok()) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("bad LockBatchRequestBody: {}", MessageOf(b.status())));
  }
  // Only this broker's queues: a client sends one request per master broker.
  std::vector<LockedQueue> mine;
  for (LockedQueue& q : b->queues) {
    if (q.broker_name == ctx_->config->broker_name) mine.push_back(std::move(q));
  }
  const std::vector<LockedQueue> granted =
      locks_->TryLockBatch(b->consumer_group, mine, b->client_id, NowMillis());
  if (request.is_oneway()) return;
  RemotingCommand response = RemotingCommand::ResponseTo(request, code::kSuccess);
  channel->Send(std::move(response), EncodeLockBatchResponse(granted));
}

void LockProcessor::Unlock(const ChannelPtr& channel, const RemotingCommand& request,
                           const std::string& body) {
  absl::StatusOr<LockBatchBody> b = DecodeLockBatchBody(body);
  if (!b.ok()) {
    if (request.is_oneway()) return;
    return Reply(channel, request, code::kSystemError,
                 fmt::format("bad UnlockBatchRequestBody: {}", MessageOf(b.status())));
  }
  if (locks_->UnlockBatch(b->consumer_group, b->queues, b->client_id) && notify_group_) {
    notify_group_(b->consumer_group);
  }
  if (request.is_oneway()) return;
  Reply(channel, request, code::kSuccess, "");
}

}  // namespace tern::broker
