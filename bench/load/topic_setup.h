// topic_setup.h: EnsureTopic, which makes sure the bench topic exists before a run, so the
// first timed sends do not pay for (or race on) auto-creation.
//
// If the name server has no route for the topic, the topic is created with `queues` read and
// write queues on every master that serves the auto-create template TBW102 (the brokers that
// would auto-create it), with UPDATE_AND_CREATE_TOPIC (17; admin writes are accepted from
// loopback), then the route is polled until the brokers have registered it (deadline 15 s).
// An existing topic is left as it is. Blocking; thread-safe as ClientInstance is.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "client/client_instance.h"

namespace tern::load {

absl::Status EnsureTopic(client::ClientInstance& instance, const std::string& topic, int queues);

}  // namespace tern::load
