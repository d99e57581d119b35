#include "server/broker/broker_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>

#include "engine/file_system.h"

namespace tern::broker {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

absl::Status Bad(std::string_view key, std::string_view value, std::string_view want) {
  return absl::InvalidArgumentError(
      fmt::format("broker config: {}={} is not {}", key, value, want));
}

absl::Status ParseInt64(std::string_view key, std::string_view v, int64_t* out) {
  int64_t x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size()) return Bad(key, v, "an integer");
  *out = x;
  return absl::OkStatus();
}

absl::Status ParseBool(std::string_view key, std::string_view v, bool* out) {
  if (v == "true" || v == "TRUE" || v == "True") {
    *out = true;
  } else if (v == "false" || v == "FALSE" || v == "False") {
    *out = false;
  } else {
    return Bad(key, v, "true or false");
  }
  return absl::OkStatus();
}

struct Field {
  std::function<absl::Status(BrokerConfig&, std::string_view key, std::string_view)> set;
  std::function<std::string(const BrokerConfig&)> get;
  bool runtime_updatable = false;
};

template <typename T>
Field IntField(T BrokerConfig::*m, int64_t min, int64_t max, bool runtime = false) {
  return {[m, min, max](BrokerConfig& c, std::string_view k, std::string_view v) {
            int64_t x = 0;
            if (absl::Status s = ParseInt64(k, v, &x); !s.ok()) return s;
            if (x < min || x > max) {
              return Bad(k, v, fmt::format("in [{}, {}]", min, max));
            }
            c.*m = static_cast<T>(x);
            return absl::OkStatus();
          },
          [m](const BrokerConfig& c) { return std::to_string(c.*m); }, runtime};
}

Field BoolField(bool BrokerConfig::*m, bool runtime = false) {
  return {[m](BrokerConfig& c, std::string_view k, std::string_view v) {
            return ParseBool(k, v, &(c.*m));
          },
          [m](const BrokerConfig& c) { return std::string(c.*m ? "true" : "false"); }, runtime};
}

Field StringField(std::string BrokerConfig::*m) {
  return {[m](BrokerConfig& c, std::string_view, std::string_view v) {
            c.*m = std::string(v);
            return absl::OkStatus();
          },
          [m](const BrokerConfig& c) { return c.*m; }, false};
}

constexpr int64_t kMaxI32 = 2147483647;
constexpr int64_t kMaxI64 = INT64_MAX;

const std::map<std::string, Field, std::less<>>& Fields() {
  static const auto* fields = new std::map<std::string, Field, std::less<>>{
      {"brokerClusterName", StringField(&BrokerConfig::broker_cluster_name)},
      {"brokerName", StringField(&BrokerConfig::broker_name)},
      {"brokerId", IntField(&BrokerConfig::broker_id, 0, kMaxI64)},
      {"listenPort", IntField(&BrokerConfig::listen_port, 0, 65535)},
      {"vipChannelEnable", BoolField(&BrokerConfig::vip_channel_enable)},
      {"namesrvAddr", StringField(&BrokerConfig::namesrv_addr)},
      {"brokerIP1", StringField(&BrokerConfig::broker_ip1)},
      {"brokerIP2", StringField(&BrokerConfig::broker_ip2)},
      {"storePathRootDir", StringField(&BrokerConfig::store_path_root_dir)},
      {"storePathCommitLog", StringField(&BrokerConfig::store_path_commit_log)},
      {"flushDiskType",
       {[](BrokerConfig& c, std::string_view k, std::string_view v) {
          if (v == "SYNC_FLUSH") {
            c.sync_flush = true;
          } else if (v == "ASYNC_FLUSH") {
            c.sync_flush = false;
          } else {
            return Bad(k, v, "SYNC_FLUSH or ASYNC_FLUSH");
          }
          return absl::OkStatus();
        },
        [](const BrokerConfig& c) {
          return std::string(c.sync_flush ? "SYNC_FLUSH" : "ASYNC_FLUSH");
        }}},
      {"brokerRole",
       {[](BrokerConfig&, std::string_view k, std::string_view v) {
          if (v == "ASYNC_MASTER" || v == "SYNC_MASTER") return absl::OkStatus();
          return Bad(k, v, "a master role (slaves and replication are not implemented)");
        },
        [](const BrokerConfig&) { return std::string("ASYNC_MASTER"); }}},
      {"autoCreateTopicEnable", BoolField(&BrokerConfig::auto_create_topic_enable, true)},
      {"autoCreateSubscriptionGroup",
       BoolField(&BrokerConfig::auto_create_subscription_group, true)},
      {"defaultTopicQueueNums", IntField(&BrokerConfig::default_topic_queue_nums, 1, 1024, true)},
      {"clusterTopicEnable", BoolField(&BrokerConfig::cluster_topic_enable)},
      {"brokerTopicEnable", BoolField(&BrokerConfig::broker_topic_enable)},
      {"traceTopicEnable", BoolField(&BrokerConfig::trace_topic_enable)},
      {"brokerPermission", IntField(&BrokerConfig::broker_permission, 0, 7, true)},
      {"adminAllowRemote", BoolField(&BrokerConfig::admin_allow_remote)},
      {"longPollingEnable", BoolField(&BrokerConfig::long_polling_enable, true)},
      {"shortPollingTimeMills", IntField(&BrokerConfig::short_polling_time_mills, 0, 60000, true)},
      {"enablePropertyFilter", BoolField(&BrokerConfig::enable_property_filter)},
      {"flushConsumerOffsetInterval",
       IntField(&BrokerConfig::flush_consumer_offset_interval_ms, 100, 600000, true)},
      {"registerNameServerPeriod",
       IntField(&BrokerConfig::register_name_server_period_ms, 10000, 60000, true)},
      {"regionId", StringField(&BrokerConfig::region_id)},
      {"traceOn", BoolField(&BrokerConfig::trace_on, true)},
      {"mappedFileSizeCommitLog",
       IntField(&BrokerConfig::mapped_file_size_commit_log, 4096, 2147483647)},
      {"mapedFileSizeCommitLog",
       IntField(&BrokerConfig::mapped_file_size_commit_log, 4096, 2147483647)},
      {"mappedFileSizeConsumeQueue",
       IntField(&BrokerConfig::mapped_file_size_consume_queue, 20, kMaxI32)},
      {"mapedFileSizeConsumeQueue",
       IntField(&BrokerConfig::mapped_file_size_consume_queue, 20, kMaxI32)},
      {"maxMessageSize", IntField(&BrokerConfig::max_message_size, 1024, 1 << 30, true)},
      {"fileReservedTime", IntField(&BrokerConfig::file_reserved_time_hours, 0, 100000, true)},
      {"deleteWhen",
       {[](BrokerConfig& c, std::string_view k, std::string_view v) {
          // RocketMQ allows "04" or "04;05"; Tern takes the first hour.
          const std::string_view first = v.substr(0, v.find(';'));
          int64_t h = 0;
          if (!ParseInt64(k, first, &h).ok() || h < 0 || h > 23) {
            return Bad(k, v, "an hour 00-23");
          }
          c.delete_when_hour = static_cast<int>(h);
          return absl::OkStatus();
        },
        [](const BrokerConfig& c) { return fmt::format("{:02d}", c.delete_when_hour); }, true}},
      {"diskMaxUsedSpaceRatio", IntField(&BrokerConfig::disk_max_used_space_ratio, 10, 95, true)},
      {"flushIntervalCommitLog",
       IntField(&BrokerConfig::flush_interval_commit_log_ms, 1, 60000, true)},
      {"flushCommitLogLeastPages",
       IntField(&BrokerConfig::flush_commit_log_least_pages, 0, 1 << 20, true)},
      {"flushCommitLogThoroughInterval",
       IntField(&BrokerConfig::flush_commit_log_thorough_interval_ms, 1, 3600000, true)},
      {"syncFlushTimeout", IntField(&BrokerConfig::sync_flush_timeout_ms, 1, 60000)},
      {"messageIndexEnable", BoolField(&BrokerConfig::message_index_enable)},
      {"maxHashSlotNum", IntField(&BrokerConfig::max_hash_slot_num, 1, kMaxI32)},
      {"maxIndexNum", IntField(&BrokerConfig::max_index_num, 1, kMaxI32)},
      {"messageDelayLevel", StringField(&BrokerConfig::message_delay_level)},
      {"flushDelayOffsetInterval",
       IntField(&BrokerConfig::flush_delay_offset_interval_ms, 10, 3600000)},
      {"timerMaxDelaySec", IntField(&BrokerConfig::timer_max_delay_sec, 1, int64_t{1} << 40)},
      {"transactionTimeOut", IntField(&BrokerConfig::transaction_timeout_ms, 0, kMaxI64 / 2)},
      {"transactionCheckInterval",
       IntField(&BrokerConfig::transaction_check_interval_ms, 10, 86400000)},
      {"transactionCheckMax", IntField(&BrokerConfig::transaction_check_max, 1, 100000)},
      {"rejectTransactionMessage", BoolField(&BrokerConfig::reject_transaction_message)},
      {"maxTransferBytesOnMessageInMemory",
       IntField(&BrokerConfig::max_transfer_bytes_on_message_in_memory, 1, kMaxI32, true)},
      {"maxTransferCountOnMessageInMemory",
       IntField(&BrokerConfig::max_transfer_count_on_message_in_memory, 1, 100000, true)},
      {"maxTransferBytesOnMessageInDisk",
       IntField(&BrokerConfig::max_transfer_bytes_on_message_in_disk, 1, kMaxI32, true)},
      {"maxTransferCountOnMessageInDisk",
       IntField(&BrokerConfig::max_transfer_count_on_message_in_disk, 1, 100000, true)},
      {"accessMessageInMemoryMaxRatio",
       IntField(&BrokerConfig::access_message_in_memory_max_ratio, 0, 100, true)},
      {"serverMaxConnections", IntField(&BrokerConfig::server_max_connections, 1, 1000000)},
      {"serverChannelMaxIdleTimeSeconds",
       IntField(&BrokerConfig::server_channel_max_idle_time_seconds, 1, 86400)},
      {"frameMaxLength", IntField(&BrokerConfig::frame_max_length, 1024, 1 << 30)},
      {"ioThreads", IntField(&BrokerConfig::io_threads, 0, 256)},
      {"busyUnflushedBytes", IntField(&BrokerConfig::busy_unflushed_bytes, 1 << 20, kMaxI64)},
      {"httpAddr", StringField(&BrokerConfig::http_addr)},
      {"dashboardUsers", StringField(&BrokerConfig::dashboard_users)},
      {"dashboardSampleIntervalMs",
       IntField(&BrokerConfig::dashboard_sample_interval_ms, 10, 3600000)},
      {"metricsMaxSeriesPerFamily",
       IntField(&BrokerConfig::metrics_max_series_per_family, 1, 10000000)},
      {"adminCallClientTimeoutMillis",
       IntField(&BrokerConfig::admin_call_client_timeout_ms, 100, 600000)},
      {"storeReplyMessageEnable", BoolField(&BrokerConfig::store_reply_message_enable)},
  };
  return *fields;
}

// Java keys with no meaning for Tern: accepted with a warning, never an error.
bool IsIgnoredJavaKey(std::string_view key) {
  static const char* kIgnored[] = {"sendMessageThreadPoolNums",
                                   "pullMessageThreadPoolNums",
                                   "serverWorkerThreads",
                                   "serverSelectorThreads",
                                   "transientStorePoolEnable",
                                   "warmMapedFileEnable",
                                   "slaveReadEnable",
                                   "haListenPort",
                                   "rocketmqHome",
                                   "aclEnable",
                                   "useReentrantLockWhenPutMessage",
                                   "waitTimeMillsInSendQueue",
                                   "osPageCacheBusyTimeOutMills",
                                   "fetchNamesrvAddrByAddressServer",
                                   "enableDLegerCommitLog",
                                   "storePathIndex"};
  return std::any_of(std::begin(kIgnored), std::end(kIgnored),
                     [&](const char* k) { return key == k; });
}

}  // namespace

absl::Status SetBrokerConfigKey(BrokerConfig& config, std::string_view key,
                                std::string_view value) {
  const auto& fields = Fields();
  auto it = fields.find(key);
  if (it == fields.end()) {
    return absl::NotFoundError(fmt::format("unknown broker config key '{}'", key));
  }
  return it->second.set(config, key, value);
}

bool IsRuntimeUpdatableKey(std::string_view key) {
  const auto& fields = Fields();
  auto it = fields.find(key);
  return it != fields.end() && it->second.runtime_updatable;
}

absl::StatusOr<ParsedConfig> ParseBrokerConfig(std::string_view text, BrokerConfig base) {
  ParsedConfig out;
  out.config = std::move(base);
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) {
      return absl::InvalidArgumentError(
          fmt::format("broker config line {}: '{}' is not key=value", line_no, line));
    }
    const std::string_view key = Trim(line.substr(0, sep));
    const std::string_view value = Trim(line.substr(sep + 1));
    absl::Status s = SetBrokerConfigKey(out.config, key, value);
    if (absl::IsNotFound(s)) {
      out.warnings.push_back(IsIgnoredJavaKey(key)
                                 ? fmt::format("broker config: '{}' has no effect in Tern", key)
                                 : fmt::format("broker config: unknown key '{}' ignored", key));
      continue;
    }
    if (!s.ok()) return s;
  }
  return out;
}

std::vector<std::string> BrokerConfig::namesrv_list() const {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= namesrv_addr.size()) {
    size_t end = namesrv_addr.find(';', pos);
    if (end == std::string::npos) end = namesrv_addr.size();
    std::string_view a = Trim(std::string_view(namesrv_addr).substr(pos, end - pos));
    if (!a.empty()) out.emplace_back(a);
    pos = end + 1;
  }
  return out;
}

engine::StoreOptions BrokerConfig::ToStoreOptions() const {
  engine::StoreOptions o;
  o.root_dir = store_path_root_dir;
  o.commit_log_dir = store_path_commit_log;
  o.commit_log.file_size = static_cast<size_t>(mapped_file_size_commit_log);
  o.commit_log.max_message_size = static_cast<size_t>(max_message_size);
  o.flush.mode = sync_flush ? engine::FlushMode::kSync : engine::FlushMode::kAsync;
  o.flush.interval = std::chrono::milliseconds(flush_interval_commit_log_ms);
  o.flush.min_pages = flush_commit_log_least_pages;
  o.flush.thorough_interval = std::chrono::milliseconds(flush_commit_log_thorough_interval_ms);
  o.flush.sync_timeout = std::chrono::milliseconds(sync_flush_timeout_ms);
  o.consume_queue_units_per_file = static_cast<size_t>(mapped_file_size_consume_queue / 20);
  o.index_enable = message_index_enable;
  o.index_hash_slot_num = max_hash_slot_num;
  o.index_num = max_index_num;
  o.delay_levels = message_delay_level;
  o.retention.file_reserved_hours = file_reserved_time_hours;
  o.retention.delete_when_hour = delete_when_hour;
  o.retention.clean_ratio = disk_max_used_space_ratio / 100.0;
  o.read.max_transfer_bytes_in_memory = max_transfer_bytes_on_message_in_memory;
  o.read.max_transfer_count_in_memory = max_transfer_count_on_message_in_memory;
  o.read.max_transfer_bytes_on_disk = max_transfer_bytes_on_message_in_disk;
  o.read.max_transfer_count_on_disk = max_transfer_count_on_message_in_disk;
  o.read.access_message_in_memory_max_ratio = access_message_in_memory_max_ratio;
  return o;
}

std::map<std::string, std::string> BrokerConfig::ToMap() const {
  std::map<std::string, std::string> out;
  for (const auto& [key, field] : Fields()) {
    if (key.rfind("maped", 0) == 0) continue;  // old spellings: report the current one only
    out[key] = field.get(*this);
  }
  return out;
}

std::string BrokerConfig::ToProperties() const {
  std::string out;
  for (const auto& [k, v] : ToMap()) out += fmt::format("{}={}\n", k, v);
  return out;
}

}  // namespace tern::broker
