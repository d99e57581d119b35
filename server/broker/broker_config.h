// broker_config.h: the broker's settings, read from a RocketMQ-style broker.conf (Java
// properties: `key=value` lines, `#` comments) with RocketMQ's key names.
//
// Every field has RocketMQ's default unless noted. Unknown keys are collected as warnings (the
// broker logs them and starts); a known key with a bad value is an InvalidArgument error
// naming the key and the value, and the broker refuses to start. Store-related keys map onto
// engine::StoreOptions (ToStoreOptions). Plain value type; not shared between threads after
// startup except read-only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/store_options.h"

namespace tern::broker {

struct BrokerConfig {
  std::string broker_cluster_name = "DefaultCluster";
  std::string broker_name = "broker-a";
  int64_t broker_id = 0;
  int listen_port = 10911;
  // Also listen on listenPort - 2 (RocketMQ's "VIP" port; Java clients <= 4.4 use it).
  bool vip_channel_enable = true;
  // Name servers, "ip:port;ip:port".
  std::string namesrv_addr;
  // Address registered with name servers and embedded in message ids. Java picks a
  // non-loopback address; Tern defaults to 127.0.0.1 (tests and standalone never leave it).
  std::string broker_ip1 = "127.0.0.1";
  std::string broker_ip2 = "127.0.0.1";
  std::string store_path_root_dir = "./data/store";
  std::string store_path_commit_log;  // empty: <root>/commitlog
  bool sync_flush = false;            // flushDiskType
  bool auto_create_topic_enable = true;
  bool auto_create_subscription_group = true;
  int default_topic_queue_nums = 8;
  bool cluster_topic_enable = true;
  bool broker_topic_enable = true;
  bool trace_topic_enable = false;
  int broker_permission = 6;
  // Admin write codes (create/delete topic or group, update config) only from loopback.
  bool admin_allow_remote = false;
  bool long_polling_enable = true;
  int64_t short_polling_time_mills = 1000;
  // SQL92 subscriptions (property filtering). Java defaults to false; Tern to true.
  bool enable_property_filter = true;
  int64_t flush_consumer_offset_interval_ms = 5000;
  int64_t register_name_server_period_ms = 30000;
  std::string region_id = "DefaultRegion";
  bool trace_on = true;
  // Store.
  int64_t mapped_file_size_commit_log = int64_t{1} << 30;
  int64_t mapped_file_size_consume_queue = 300000 * 20;
  int64_t max_message_size = 4 * 1024 * 1024;
  int file_reserved_time_hours = 72;
  int delete_when_hour = 4;
  int disk_max_used_space_ratio = 75;
  int64_t flush_interval_commit_log_ms = 500;
  int flush_commit_log_least_pages = 4;
  int64_t flush_commit_log_thorough_interval_ms = 10000;
  int64_t sync_flush_timeout_ms = 2500;
  bool message_index_enable = true;
  int max_hash_slot_num = 5000000;
  int max_index_num = 20000000;
  std::string message_delay_level = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";
  // Delays, timers, transactions (reroute_services.h). Progress files (delayOffset.json,
  // timerProgress.json) are written this often.
  int64_t flush_delay_offset_interval_ms = 10000;
  // Farthest delivery time a timer message (TIMER_DELAY_SEC, TIMER_DELIVER_MS,
  // __STARTDELIVERTIME) may ask for; further is refused (RocketMQ 5's timerMaxDelaySec).
  int64_t timer_max_delay_sec = 3 * 24 * 3600;
  int64_t transaction_timeout_ms = 6000;          // transactionTimeOut
  int64_t transaction_check_interval_ms = 60000;  // transactionCheckInterval
  int transaction_check_max = 15;                 // transactionCheckMax
  bool reject_transaction_message = false;
  int64_t max_transfer_bytes_on_message_in_memory = 256 * 1024;
  int max_transfer_count_on_message_in_memory = 32;
  int64_t max_transfer_bytes_on_message_in_disk = 64 * 1024;
  int max_transfer_count_on_message_in_disk = 8;
  int access_message_in_memory_max_ratio = 40;
  // Network.
  int server_max_connections = 10000;
  int64_t server_channel_max_idle_time_seconds = 120;
  int64_t frame_max_length = 16 * 1024 * 1024;
  int io_threads = 0;  // 0: one per core
  // Back-pressure: SEND answers SYSTEM_BUSY when this many bytes are published but not yet
  // flushed under SYNC_FLUSH, or not yet dispatched.
  int64_t busy_unflushed_bytes = int64_t{512} << 20;
  // HTTP endpoint (/metrics, dashboard): "host:port"; "" disables it. `tern standalone` and
  // `tern broker` default to 127.0.0.1:8080 (--http-addr).
  std::string http_addr;
  // Set by the CLI when http_addr is its default: failing to bind is then a warning (not a
  // broker.conf key).
  bool http_addr_optional = false;
  // Dashboard logins (server/dashboard/auth.h): "name:password:role,..." (role admin or read;
  // a password may be given as sha256:<hex>). Empty: no login.
  std::string dashboard_users;
  // How often the dashboard samples each broker's counters for its TPS charts.
  int64_t dashboard_sample_interval_ms = 5000;
  // Cardinality cap of each /metrics family (series beyond it are dropped and counted).
  int64_t metrics_max_series_per_family = 10000;
  // Admin codes forwarded to a client (GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY)
  // wait this long for its answer (Java: 10 s), then answer 207.
  int64_t admin_call_client_timeout_ms = 10000;
  // Request-reply: SEND_REPLY_MESSAGE(_V2) also stores the reply in its topic (Java's
  // storeReplyMessageEnable, default true).
  bool store_reply_message_enable = true;
  // The broker.conf this config was read from ("" if none): UPDATE_BROKER_CONFIG persists
  // accepted keys there. Not a broker.conf key.
  std::string config_file_path;

  std::string broker_addr() const { return broker_ip1 + ":" + std::to_string(listen_port); }
  std::vector<std::string> namesrv_list() const;
  engine::StoreOptions ToStoreOptions() const;
  // Java-properties text of every setting (GET_BROKER_CONFIG).
  std::string ToProperties() const;
  std::map<std::string, std::string> ToMap() const;
};

struct ParsedConfig {
  BrokerConfig config;
  std::vector<std::string> warnings;  // unknown or ignored keys
};

// Parses broker.conf text on top of `base` (defaults).
absl::StatusOr<ParsedConfig> ParseBrokerConfig(std::string_view text, BrokerConfig base = {});
// Sets one key (used by the parser, by command-line overrides, and by UPDATE_BROKER_CONFIG
// for allow-listed keys). NotFound for unknown keys.
absl::Status SetBrokerConfigKey(BrokerConfig& config, std::string_view key, std::string_view value);
// Keys UPDATE_BROKER_CONFIG may change at run time: never a path, never anything that can
// write files or run commands (CVE-2023-33246 / CVE-2023-37582).
bool IsRuntimeUpdatableKey(std::string_view key);

}  // namespace tern::broker
