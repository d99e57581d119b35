#include "bench/load/topic_setup.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/admin.h"

namespace tern::load {

absl::Status EnsureTopic(client::ClientInstance& instance, const std::string& topic, int queues) {
  absl::StatusOr<std::shared_ptr<const client::TopicRoute>> route =
      instance.Route(topic, /*refresh=*/true);
  if (route.ok() && !(*route)->publish_queues.empty()) return absl::OkStatus();
  if (!route.ok() && !absl::IsNotFound(route.status())) return route.status();
  absl::StatusOr<std::shared_ptr<const client::TopicRoute>> tmpl = instance.Route("TBW102");
  if (!tmpl.ok()) {
    return absl::NotFoundError(fmt::format(
        "topic {} does not exist and no broker auto-creates topics (no TBW102 route: {}); "
        "create it first",
        topic, MessageOf(tmpl.status())));
  }
  for (const auto& [broker, addr] : (*tmpl)->master_addrs) {
    remoting::CreateTopicRequestHeader h;
    h.topic = topic;
    h.default_topic = "TBW102";
    h.read_queue_nums = queues;
    h.write_queue_nums = queues;
    h.perm = 6;
    h.topic_filter_type = "SINGLE_TAG";
    h.topic_sys_flag = 0;
    remoting::RemotingCommand cmd =
        remoting::RemotingCommand::Request(remoting::request::kUpdateAndCreateTopic, 0);
    h.WriteTo(cmd.MutableFields());
    absl::StatusOr<net::Response> r =
        instance.InvokeSync(addr, std::move(cmd), "", std::chrono::milliseconds(5000));
    if (!r.ok()) return r.status();
    if (r->command.code != remoting::response::kSuccess) {
      return absl::FailedPreconditionError(fmt::format("creating topic {} on {} ({}): code {} {}",
                                                       topic, broker, addr, r->command.code,
                                                       r->command.remark.value_or("")));
    }
  }
  // The brokers register the new topic with the name servers asynchronously.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (true) {
    route = instance.Route(topic, /*refresh=*/true);
    if (route.ok() && !(*route)->publish_queues.empty()) return absl::OkStatus();
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError(fmt::format(
          "topic {} was created but has no route after 15 s: {}", topic,
          route.ok() ? std::string_view("no writable queue") : MessageOf(route.status())));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling, bounded above
  }
}

}  // namespace tern::load
