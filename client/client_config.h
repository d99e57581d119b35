// client_config.h: settings shared by producers and consumers of one client instance (the
// Java ClientConfig), with RocketMQ's defaults.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace tern::client {

struct ClientConfig {
  // Name servers; tried in order, the next on failure ("ip:port;ip:port" also accepted by
  // ParseNamesrvList).
  std::vector<std::string> namesrv_addrs;
  // Namespace: resources are named "ns%topic", "ns%group" on the wire (as the Java client).
  std::string name_space;
  // The "instanceName" part of the client id (ip@instance); "DEFAULT" becomes "pid#nanos"
  // (as the 4.9 Java client), so that two instances in one process are distinct members.
  std::string instance_name = "DEFAULT";
  // Address clients announce in their id; detected from the name server connection if empty.
  std::string client_ip;
  std::chrono::milliseconds poll_name_server_interval{30000};
  std::chrono::milliseconds heartbeat_broker_interval{30000};
  std::chrono::milliseconds persist_consumer_offset_interval{5000};
  std::chrono::milliseconds request_timeout{3000};
  // I/O threads of the instance (0: one).
  int io_threads = 1;
};

std::vector<std::string> ParseNamesrvList(std::string_view list);

}  // namespace tern::client
