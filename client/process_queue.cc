#include "client/process_queue.h"

namespace tern::client {

void ProcessQueue::Put(const std::vector<MessageExt>& msgs) {
  MutexLock lock(&mu_);
  for (const MessageExt& m : msgs) {
    if (in_flight_.emplace(m.queue_offset, m.body.size()).second) bytes_ += m.body.size();
    max_seen_ = std::max(max_seen_, m.queue_offset);
  }
}

int64_t ProcessQueue::Remove(const std::vector<MessageExt>& msgs) {
  MutexLock lock(&mu_);
  if (in_flight_.empty()) return -1;
  for (const MessageExt& m : msgs) {
    auto it = in_flight_.find(m.queue_offset);
    if (it == in_flight_.end()) continue;
    bytes_ -= it->second;
    in_flight_.erase(it);
  }
  return in_flight_.empty() ? max_seen_ + 1 : in_flight_.begin()->first;
}

size_t ProcessQueue::count() const {
  MutexLock lock(&mu_);
  return in_flight_.size();
}

size_t ProcessQueue::bytes() const {
  MutexLock lock(&mu_);
  return bytes_;
}

std::pair<int64_t, int64_t> ProcessQueue::offset_range() const {
  MutexLock lock(&mu_);
  if (in_flight_.empty()) return {0, 0};
  return {in_flight_.begin()->first, in_flight_.rbegin()->first};
}

int64_t ProcessQueue::span() const {
  MutexLock lock(&mu_);
  return in_flight_.empty() ? 0 : in_flight_.rbegin()->first - in_flight_.begin()->first;
}

void ProcessQueue::PutOrderly(std::vector<MessageExt> msgs) {
  MutexLock lock(&mu_);
  for (MessageExt& m : msgs) {
    if (in_flight_.emplace(m.queue_offset, m.body.size()).second) bytes_ += m.body.size();
    max_seen_ = std::max(max_seen_, m.queue_offset);
    const int64_t offset = m.queue_offset;
    if (consuming_.count(offset) == 0) pending_.emplace(offset, std::move(m));
  }
}

std::vector<MessageExt> ProcessQueue::TakeOrderly(size_t n) {
  std::vector<MessageExt> out;
  MutexLock lock(&mu_);
  while (out.size() < n && !pending_.empty()) {
    auto it = pending_.begin();
    out.push_back(it->second);
    consuming_.emplace(it->first, std::move(it->second));
    pending_.erase(it);
  }
  return out;
}

int64_t ProcessQueue::CommitOrderly() {
  MutexLock lock(&mu_);
  if (consuming_.empty()) return -1;
  const int64_t last = consuming_.rbegin()->first;
  for (const auto& [offset, m] : consuming_) {
    auto it = in_flight_.find(offset);
    if (it != in_flight_.end()) {
      bytes_ -= it->second;
      in_flight_.erase(it);
    }
  }
  consuming_.clear();
  return last + 1;
}

void ProcessQueue::ReturnOrderly(std::vector<MessageExt> msgs) {
  MutexLock lock(&mu_);
  for (MessageExt& m : msgs) {
    consuming_.erase(m.queue_offset);
    const int64_t offset = m.queue_offset;
    pending_[offset] = std::move(m);
  }
}

bool ProcessQueue::HasPendingOrderly() const {
  MutexLock lock(&mu_);
  return !pending_.empty();
}

}  // namespace tern::client
