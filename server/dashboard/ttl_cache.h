// ttl_cache.h: TtlCache<T>, the dashboard's cache of admin-protocol answers — a value per key,
// reused for `ttl`, loaded by one caller at a time (others asking for the same key wait for
// that load instead of repeating it: 10,000 groups are one GET_BROKER_CONSUME_STATS, not
// one per open browser tab).
//
// A failed load is not cached. Values are shared immutable snapshots (shared_ptr<const T>),
// so a caller keeps using its snapshot while a newer one replaces it. Invalidate() drops keys
// after a write so the next read sees it. At most `max_entries` keys are kept (the oldest
// goes first).
//
// Thread safety: all methods are thread-safe; the loader runs without the lock held.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "engine/base/clock.h"
#include "engine/base/mutex.h"

namespace tern::dashboard {

template <typename T>
class TtlCache {
 public:
  using Ptr = std::shared_ptr<const T>;
  using Loader = std::function<absl::StatusOr<T>()>;

  explicit TtlCache(size_t max_entries = 256) : max_entries_(max_entries) {}

  absl::StatusOr<Ptr> Get(const std::string& key, std::chrono::milliseconds ttl,
                          const Loader& load) {
    {
      MutexLock lock(&mu_);
      while (true) {
        auto it = entries_.find(key);
        if (it != entries_.end() && it->second.value &&
            NowMillis() - it->second.loaded_ms < ttl.count()) {
          return it->second.value;
        }
        if (it == entries_.end() || !it->second.loading) break;
        cv_.Wait(&mu_);  // another caller is loading this key
      }
      entries_[key].loading = true;
    }
    absl::StatusOr<T> loaded = load();
    MutexLock lock(&mu_);
    Entry& e = entries_[key];
    e.loading = false;
    cv_.SignalAll();
    if (!loaded.ok()) {
      if (!e.value) entries_.erase(key);
      return loaded.status();
    }
    e.value = std::make_shared<const T>(*std::move(loaded));
    // Invalidated while loading: the value may predate the write, so the next Get reloads.
    e.loaded_ms = e.invalidated ? 0 : NowMillis();
    e.invalidated = false;
    Ptr out = e.value;
    Trim();
    return out;
  }

  void Invalidate(const std::string& key) {
    MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    if (it->second.loading) {
      it->second.invalidated = true;
    } else {
      entries_.erase(it);
    }
  }

  void InvalidateAll() {
    MutexLock lock(&mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.loading) {
        it->second.invalidated = true;
        ++it;
      } else {
        it = entries_.erase(it);
      }
    }
  }

 private:
  struct Entry {
    Ptr value;
    int64_t loaded_ms = 0;
    bool loading = false;
    bool invalidated = false;  // while loading
  };

  void Trim() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (entries_.size() > max_entries_) {
      auto oldest = entries_.end();
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->second.loading) continue;
        if (oldest == entries_.end() || it->second.loaded_ms < oldest->second.loaded_ms) {
          oldest = it;
        }
      }
      if (oldest == entries_.end()) return;
      entries_.erase(oldest);
    }
  }

  const size_t max_entries_;
  Mutex mu_;
  CondVar cv_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::dashboard
