// allocate.h: how a clustering consumer group splits a topic's queues among its members
// (RocketMQ's AllocateMessageQueueAveragely), so Tern and Java consumers in one group agree.
//
// Queues and client ids are sorted first; member i of n gets a contiguous block, the first
// (queues % n) members one queue more. A client id not in `client_ids` gets nothing. Pure.
#pragma once

#include <string>
#include <vector>

#include "client/message.h"

namespace tern::client {

std::vector<MessageQueue> AllocateAveragely(const std::string& client_id,
                                            std::vector<MessageQueue> queues,
                                            std::vector<std::string> client_ids);

}  // namespace tern::client
