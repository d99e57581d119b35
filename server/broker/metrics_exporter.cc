#include "server/broker/metrics_exporter.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/base/clock.h"
#include "engine/commit_log_codec.h"
#include "engine/flusher.h"
#include "server/http/prometheus_writer.h"

namespace tern::broker {

using http::Labels;
using http::PrometheusWriter;

int64_t ResidentBytes(const void* data, size_t size) {
  if (data == nullptr || size == 0) return 0;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<uintptr_t>(data) & ~(page - 1);
  const size_t len = reinterpret_cast<uintptr_t>(data) + size - start;
  std::vector<unsigned char> vec((len + page - 1) / page);
  if (::mincore(reinterpret_cast<void*>(start), len, vec.data()) != 0) return 0;
  int64_t resident = 0;
  for (unsigned char v : vec) resident += (v & 1) != 0 ? 1 : 0;
  return resident * static_cast<int64_t>(page);
}

namespace {

bool IsSystemTopic(const std::string& t) {
  return t == "TBW102" || t == "SELF_TEST_TOPIC" || t == "OFFSET_MOVED_EVENT" ||
         t.starts_with("rmq_sys_") || t.starts_with("RMQ_SYS_") || t == "SCHEDULE_TOPIC_XXXX" ||
         t == "TRANS_CHECK_MAX_TIME_TOPIC" || t == "BenchmarkTest";
}

void ProcessMetrics(PrometheusWriter& w) {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  w.Family("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.");
  w.Sample({}, cpu);
  int64_t pages_total = 0;
  int64_t pages_resident = 0;
  if (std::ifstream statm("/proc/self/statm"); statm) statm >> pages_total >> pages_resident;
  const int64_t page = ::sysconf(_SC_PAGESIZE);
  w.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  w.Sample({}, static_cast<double>(pages_resident * page));
  w.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  w.Sample({}, static_cast<double>(pages_total * page));
  int64_t anon_kb = 0;
  if (std::ifstream status("/proc/self/status"); status) {
    std::string line;
    while (std::getline(status, line)) {
      if (line.starts_with("RssAnon:")) anon_kb = std::strtoll(line.c_str() + 8, nullptr, 10);
    }
  }
  w.Family("tern_process_anonymous_memory_bytes", "gauge",
           "Anonymous resident memory (RssAnon): the process's own memory, page cache excluded.");
  w.Sample({}, static_cast<double>(anon_kb * 1024));
  std::error_code ec;
  int64_t fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  w.Family("process_open_fds", "gauge", "Number of open file descriptors.");
  w.Sample({}, static_cast<double>(fds));
}

}  // namespace

std::string MetricsExporter::Render() const {
  const BrokerConfig& cfg = *ctx_->config;
  PrometheusWriter w(static_cast<size_t>(std::max<int64_t>(1, cfg.metrics_max_series_per_family)));
  const std::string& cluster = cfg.broker_cluster_name;
  const std::string& node = cfg.broker_name;
  const Labels base = {{"cluster", cluster}, {"node_id", node}};
  engine::MessageStore& store = *ctx_->store;
  const engine::StoreStats st = store.stats();
  const engine::MessageReader& reader = store.reader();
  const int64_t now = NowMillis();

  // ---- Per topic: messages in (ConsumeQueue max offsets: persistent across restarts).
  const engine::metadata::TopicConfigFile topics = ctx_->topics->Snapshot();
  w.Family("rocketmq_messages_in_total", "counter",
           "Messages stored, per topic (the sum of its queues' max offsets).");
  std::map<std::string, std::map<int32_t, int64_t>> max_offsets;
  for (const auto& [name, tc] : topics.topic_config_table) {
    int64_t total = 0;
    const int32_t queues = std::max(tc.read_queue_nums, tc.write_queue_nums);
    for (int32_t q = 0; q < queues; ++q) {
      const int64_t max = reader.MaxOffsetInQueue(name, q);
      max_offsets[name][q] = max;
      total += max;
    }
    Labels l = base;
    l.emplace_back("topic", name);
    l.emplace_back("topic_kind", name.starts_with("%RETRY%") ? "retry"
                                 : name.starts_with("%DLQ%") ? "dlq"
                                 : IsSystemTopic(name)       ? "system"
                                                             : "normal");
    w.Sample(l, static_cast<double>(total));
  }
  w.Family("rocketmq_throughput_in_total", "counter", "Message bytes stored by this broker.");
  w.Sample(base, static_cast<double>(ctx_->counters->put_bytes.load()));
  w.Family("rocketmq_messages_out_total", "counter", "Messages delivered by pulls.");
  w.Sample(base, static_cast<double>(ctx_->counters->get_messages.load()));
  w.Family("rocketmq_throughput_out_total", "counter", "Message bytes delivered by pulls.");
  w.Sample(base, static_cast<double>(ctx_->counters->get_bytes.load()));

  // ---- Consumer lag, per group and topic and per queue.
  struct Lag {
    int64_t messages = 0;
    int64_t latency_ms = 0;
  };
  std::vector<std::tuple<std::string, std::string, int32_t, Lag>> per_queue;
  std::map<std::pair<std::string, std::string>, Lag> per_group;
  for (const auto& [topic, queues] : max_offsets) {
    for (const std::string& group : ctx_->offsets->GroupsOf(topic)) {
      Lag& g = per_group[{group, topic}];
      for (const auto& [q, committed] : ctx_->offsets->QueryAll(group, topic)) {
        auto it = queues.find(q);
        if (it == queues.end()) continue;
        Lag lag;
        lag.messages = std::max<int64_t>(0, it->second - std::max<int64_t>(committed, 0));
        if (lag.messages > 0) {
          const int64_t ts = reader.MessageStoreTimestamp(
              topic, q, std::max(committed, reader.MinOffsetInQueue(topic, q)));
          if (ts > 0) lag.latency_ms = std::max<int64_t>(0, now - ts);
        }
        g.messages += lag.messages;
        g.latency_ms = std::max(g.latency_ms, lag.latency_ms);
        per_queue.emplace_back(group, topic, q, lag);
      }
    }
  }
  w.Family("rocketmq_consumer_lag_messages", "gauge",
           "Messages stored but not yet consumed (committed) by the group.");
  for (const auto& [key, lag] : per_group) {
    Labels l = base;
    l.emplace_back("topic", key.second);
    l.emplace_back("consumer_group", key.first);
    w.Sample(l, static_cast<double>(lag.messages));
  }
  w.Family("rocketmq_consumer_lag_latency", "gauge",
           "Age in milliseconds of the oldest message the group has not consumed yet.");
  for (const auto& [key, lag] : per_group) {
    Labels l = base;
    l.emplace_back("topic", key.second);
    l.emplace_back("consumer_group", key.first);
    w.Sample(l, static_cast<double>(lag.latency_ms));
  }
  w.Family("tern_consumer_queue_lag_messages", "gauge", "Consumer lag per queue.");
  for (const auto& [group, topic, q, lag] : per_queue) {
    Labels l = base;
    const std::string qid = std::to_string(q);
    l.emplace_back("topic", topic);
    l.emplace_back("consumer_group", group);
    l.emplace_back("queue_id", qid);
    w.Sample(l, static_cast<double>(lag.messages));
  }
  w.Family("tern_consumer_queue_lag_latency", "gauge",
           "Age in milliseconds of the oldest unconsumed message, per queue.");
  for (const auto& [group, topic, q, lag] : per_queue) {
    Labels l = base;
    const std::string qid = std::to_string(q);
    l.emplace_back("topic", topic);
    l.emplace_back("consumer_group", group);
    l.emplace_back("queue_id", qid);
    w.Sample(l, static_cast<double>(lag.latency_ms));
  }

  // ---- Storage.
  w.Family("rocketmq_storage_size", "gauge", "CommitLog bytes held (max - min offset).");
  w.Sample(base, static_cast<double>(st.commit_log_max_offset - st.commit_log_min_offset));
  w.Family("tern_storage_disk_used_ratio", "gauge", "Used fraction of the store's disk.");
  w.Sample(base, st.disk_used_ratio);
  w.Family("tern_commitlog_max_offset_bytes", "gauge", "End of the CommitLog (bytes).");
  w.Sample(base, static_cast<double>(st.commit_log_max_offset));
  w.Family("tern_commitlog_flushed_offset_bytes", "gauge", "Durable end of the CommitLog.");
  w.Sample(base, static_cast<double>(st.commit_log_flushed_offset));
  w.Family("tern_dispatch_behind_bytes", "gauge",
           "CommitLog bytes not yet dispatched to ConsumeQueues and the index.");
  w.Sample(base, static_cast<double>(st.dispatch_behind_bytes));
  w.Family("tern_store_read_only", "gauge",
           "1 when the store refuses writes (disk or sync error).");
  w.Sample(base, st.read_only ? 1 : 0);
  int64_t resident = 0;
  int64_t mapped = 0;
  for (const auto& f : store.commit_log().files().Files()) {
    mapped += static_cast<int64_t>(f->size());
    resident += ResidentBytes(f->data(), f->size());
  }
  w.Family("tern_page_cache_resident_bytes", "gauge",
           "Bytes of the mapped CommitLog files resident in the page cache.");
  Labels cl = base;
  cl.emplace_back("kind", "commitlog");
  w.Sample(cl, static_cast<double>(resident));
  w.Family("tern_mapped_bytes", "gauge", "Bytes of CommitLog files mapped.");
  w.Sample(cl, static_cast<double>(mapped));

  // ---- Flush.
  w.Family("tern_flush_latency_seconds", "histogram", "Duration of each CommitLog sync.");
  std::vector<double> bounds;
  for (int64_t b : engine::kFlushLatencyBoundsMicros)
    bounds.push_back(static_cast<double>(b) / 1e6);
  std::vector<uint64_t> counts;
  for (size_t i = 0; i < engine::kFlushLatencyBoundsMicros.size(); ++i) {
    counts.push_back(static_cast<uint64_t>(st.flush.latency_buckets[i]));
  }
  w.Histogram(base, bounds, counts, static_cast<uint64_t>(st.flush.flushes),
              static_cast<double>(st.flush.latency_micros_total) / 1e6);
  w.Family("tern_flush_timeouts_total", "counter", "SYNC_FLUSH sends answered FLUSH_DISK_TIMEOUT.");
  w.Sample(base, static_cast<double>(st.flush.timeouts));

  // ---- Sends refused.
  w.Family("tern_system_busy_total", "counter",
           "Sends answered SYSTEM_BUSY (back-pressure), by reason.");
  for (const auto& [reason, n] : {std::pair<std::string_view, int64_t>{
                                      "flush_behind", ctx_->counters->send_busy_flush.load()},
                                  {"dispatch_behind", ctx_->counters->send_busy_dispatch.load()}}) {
    Labels l = base;
    l.emplace_back("reason", reason);
    w.Sample(l, static_cast<double>(n));
  }
  w.Family("tern_send_errors_total", "counter", "Sends refused for other reasons.");
  w.Sample(base, static_cast<double>(ctx_->counters->send_errors.load()));

  // ---- Recovery at start.
  const engine::RecoveryReport& rec = store.recovery_report();
  w.Family("tern_recovery_clean_shutdown", "gauge", "1 if the last start found a clean shutdown.");
  w.Sample(base, rec.clean_shutdown ? 1 : 0);
  w.Family("tern_recovery_duration_seconds", "gauge", "Duration of the last start's recovery.");
  w.Sample(base, static_cast<double>(rec.duration_micros) / 1e6);
  w.Family("tern_recovery_scanned_bytes", "gauge", "CommitLog bytes checked by recovery.");
  w.Sample(base, static_cast<double>(rec.bytes_scanned));
  w.Family("tern_recovery_cut_bytes", "gauge", "Torn-tail bytes recovery discarded.");
  w.Sample(base, static_cast<double>(rec.bytes_cut));
  w.Family("tern_recovery_quarantined_ranges", "gauge",
           "Corrupt CommitLog ranges recovery skipped (never delivered).");
  w.Sample(base, static_cast<double>(rec.quarantined.size()));

  // ---- Clients.
  if (hooks_.connections) {
    w.Family("tern_connections", "gauge", "Open client connections.");
    w.Sample(base, static_cast<double>(hooks_.connections()));
  }
  if (hooks_.parked_pulls) {
    w.Family("tern_long_polling_parked", "gauge", "Pulls parked by long polling.");
    w.Sample(base, static_cast<double>(hooks_.parked_pulls()));
  }
  ProcessMetrics(w);
  return std::move(w).Finish();
}

}  // namespace tern::broker
