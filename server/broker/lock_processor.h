// lock_processor.h: LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42), the queue locks of orderly
// consumers (protocol.md 2.5, 8), over QueueLockManager.
//
// Bodies are Java's LockBatchRequestBody / UnlockBatchRequestBody JSON; the lock answer is
// {"lockOKMQSet":[...]}. When an unlock releases a lock, the group is notified
// (NOTIFY_CONSUMER_IDS_CHANGED) so the queue's new owner locks it at once.
//
// Thread safety: handlers run on I/O threads; state lives in the lock manager.
#pragma once

#include <functional>
#include <string>

#include "server/broker/broker_context.h"
#include "server/broker/queue_lock_manager.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class LockProcessor {
 public:
  LockProcessor(BrokerContext* ctx, QueueLockManager* locks,
                std::function<void(const std::string& group)> notify_group)
      : ctx_(ctx), locks_(locks), notify_group_(std::move(notify_group)) {}
  void Register(remoting::HandlerTable& table);

 private:
  void Lock(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
            const std::string& body);
  void Unlock(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
              const std::string& body);

  BrokerContext* const ctx_;
  QueueLockManager* const locks_;
  const std::function<void(const std::string&)> notify_group_;
};

struct LockBatchBody {
  std::string consumer_group;
  std::string client_id;
  std::vector<LockedQueue> queues;
};
// Parses a LockBatchRequestBody / UnlockBatchRequestBody (fastjson leniency).
absl::StatusOr<LockBatchBody> DecodeLockBatchBody(std::string_view body);
// {"lockOKMQSet":[{"brokerName":..,"queueId":..,"topic":..},...]}
std::string EncodeLockBatchResponse(const std::vector<LockedQueue>& queues);

}  // namespace tern::broker
