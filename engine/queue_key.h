// queue_key.h: the (topic, queueId) key of per-queue tables, with allocation-free lookups.
//
// Tables are keyed by QueueKey (owns the topic string) and can be probed with a QueueKeyView
// (borrows it) thanks to transparent hash/equality: absl::flat_hash_map<QueueKey, V,
// QueueKeyHash, QueueKeyEq>.find(QueueKeyView{topic, id}) allocates nothing.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace tern::engine {

struct QueueKeyView {
  std::string_view topic;
  int32_t queue_id = 0;
};

struct QueueKey {
  std::string topic;
  int32_t queue_id = 0;
  QueueKey() = default;
  QueueKey(std::string t, int32_t q) : topic(std::move(t)), queue_id(q) {}
  explicit QueueKey(QueueKeyView v) : topic(v.topic), queue_id(v.queue_id) {}
  QueueKeyView view() const { return {topic, queue_id}; }
  bool operator==(const QueueKey&) const = default;
};

struct QueueKeyHash {
  using is_transparent = void;
  size_t operator()(QueueKeyView k) const {
    return static_cast<size_t>(
        XXH3_64bits_withSeed(k.topic.data(), k.topic.size(), static_cast<uint64_t>(k.queue_id)));
  }
  size_t operator()(const QueueKey& k) const { return (*this)(k.view()); }
};

struct QueueKeyEq {
  using is_transparent = void;
  static QueueKeyView V(QueueKeyView k) { return k; }
  static QueueKeyView V(const QueueKey& k) { return k.view(); }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    const QueueKeyView x = V(a);
    const QueueKeyView y = V(b);
    return x.queue_id == y.queue_id && x.topic == y.topic;
  }
};

}  // namespace tern::engine
