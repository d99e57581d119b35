// bench_util.h: the benchmark message shapes and a scratch store directory.
#pragma once

#include <string>

#include "engine/commit_log_codec.h"
#include "engine/properties.h"

namespace tern::bench {

// A message as the Java client sends a "128-byte message": a 128-byte body with a tag, a key
// and a UNIQ_KEY property (plus the WAIT and CLUSTER properties the broker keeps); about 340
// bytes stored.
struct BenchMessage {
  explicit BenchMessage(size_t body_size = 128, std::string topic = "BenchmarkTopic")
      : topic(std::move(topic)), body(body_size, 'x') {
    engine::AppendProperty(&properties, "KEYS", "order-0001234");
    engine::AppendProperty(&properties, "UNIQ_KEY", "7F0000011F6818B4AAC2064E5A730001");
    engine::AppendProperty(&properties, "TAGS", "TagA");
    engine::AppendProperty(&properties, "CLUSTER", "DefaultCluster");
    engine::AppendProperty(&properties, "WAIT", "true");
  }
  engine::MessageToStore View(int32_t queue_id = 0) const {
    engine::MessageToStore m;
    m.topic = topic;
    m.queue_id = queue_id;
    m.body = AsBytes(body);
    m.properties = properties;
    m.born_timestamp = 1700000000000;
    m.born_host = engine::HostPort::Ipv4(127, 0, 0, 1, 50000);
    m.store_host = engine::HostPort::Ipv4(127, 0, 0, 1, 10911);
    return m;
  }
  std::string topic;
  std::string body;
  std::string properties;
};

// A fresh directory under $TERN_BENCH_DIR (default /tmp), removed on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tern::bench
