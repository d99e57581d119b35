#include "server/broker/queue_lock_manager.h"

namespace tern::broker {

std::vector<LockedQueue> QueueLockManager::TryLockBatch(const std::string& group,
                                                        const std::vector<LockedQueue>& queues,
                                                        const std::string& client_id,
                                                        int64_t now_ms) {
  std::vector<LockedQueue> granted;
  MutexLock lock(&mu_);
  std::map<LockedQueue, Entry>& table = groups_[group];
  for (const LockedQueue& q : queues) {
    auto it = table.find(q);
    if (it == table.end()) {
      table.emplace(q, Entry{client_id, now_ms});
    } else if (it->second.client_id == client_id ||
               now_ms - it->second.last_update_ms > max_live_ms_) {
      it->second = Entry{client_id, now_ms};
    } else {
      continue;  // held by another live client
    }
    granted.push_back(q);
  }
  return granted;
}

bool QueueLockManager::UnlockBatch(const std::string& group, const std::vector<LockedQueue>& queues,
                                   const std::string& client_id) {
  MutexLock lock(&mu_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return false;
  bool released = false;
  for (const LockedQueue& q : queues) {
    auto it = g->second.find(q);
    if (it != g->second.end() && it->second.client_id == client_id) {
      g->second.erase(it);
      released = true;
    }
  }
  if (g->second.empty()) groups_.erase(g);
  return released;
}

bool QueueLockManager::ReleaseAbsent(const std::string& group,
                                     const std::set<std::string>& live_client_ids) {
  MutexLock lock(&mu_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return false;
  bool released = false;
  for (auto it = g->second.begin(); it != g->second.end();) {
    if (live_client_ids.count(it->second.client_id) == 0) {
      it = g->second.erase(it);
      released = true;
    } else {
      ++it;
    }
  }
  if (g->second.empty()) groups_.erase(g);
  return released;
}

std::string QueueLockManager::Holder(const std::string& group, const LockedQueue& queue,
                                     int64_t now_ms) const {
  MutexLock lock(&mu_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return "";
  auto it = g->second.find(queue);
  if (it == g->second.end() || now_ms - it->second.last_update_ms > max_live_ms_) return "";
  return it->second.client_id;
}

}  // namespace tern::broker
