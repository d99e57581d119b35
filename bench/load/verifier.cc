#include "bench/load/verifier.h"

#include "bench/load/payload.h"

namespace tern::load {

class Verifier::Queue {
 public:
  // Marks `offset` seen; false if it already was.
  bool Mark(int64_t offset) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (base < 0) base = offset & ~int64_t{63};
    if (offset < base) {
      // An older offset than any so far (rare: out-of-order batches): grow at the front.
      const int64_t new_base = offset & ~int64_t{63};
      bits.insert(bits.begin(), static_cast<size_t>((base - new_base) / 64), 0);
      base = new_base;
    }
    const uint64_t rel = static_cast<uint64_t>(offset - base);
    const size_t word = rel / 64;
    if (word >= bits.size()) bits.resize(std::max(word + 1, bits.size() * 2), 0);
    const uint64_t bit = uint64_t{1} << (rel % 64);
    if ((bits[word] & bit) != 0) return false;
    bits[word] |= bit;
    return true;
  }

  Mutex mu;
  int64_t base ABSL_GUARDED_BY(mu) = -1;  // offset of bit 0, a multiple of 64
  std::vector<uint64_t> bits ABSL_GUARDED_BY(mu);
  uint64_t received ABSL_GUARDED_BY(mu) = 0;
  uint64_t unique ABSL_GUARDED_BY(mu) = 0;
};

Verifier::Verifier() = default;
Verifier::~Verifier() = default;

Verifier::Queue* Verifier::GetQueue(const std::string& name, int32_t queue_id) {
  MutexLock lock(&queues_mu_);
  std::unique_ptr<Queue>& q = queues_[{name, queue_id}];
  if (!q) q = std::make_unique<Queue>();
  return q.get();
}

namespace {
struct Checked {
  PayloadId id;
  PayloadCheck check = PayloadCheck::kForeign;
  bool first_delivery = false;
};
}  // namespace

void Verifier::Observe(Queue* queue, std::span<const Item> items) {
  if (items.empty()) return;
  // Reused per thread: the hot path allocates only while the batch size grows.
  thread_local std::vector<Checked> checked;
  checked.resize(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    checked[i].check = CheckPayload(items[i].body, &checked[i].id);
  }
  uint64_t fresh = 0;
  {
    MutexLock lock(&queue->mu);
    queue->received += items.size();
    for (size_t i = 0; i < items.size(); ++i) {
      checked[i].first_delivery = queue->Mark(items[i].queue_offset);
      fresh += checked[i].first_delivery ? 1 : 0;
    }
    queue->unique += fresh;
  }
  unique_.fetch_add(fresh, std::memory_order_relaxed);
  MutexLock lock(&producers_mu_);
  for (size_t i = 0; i < items.size(); ++i) {
    const Checked& c = checked[i];
    if (c.check == PayloadCheck::kForeign) {
      ++foreign_;
      continue;
    }
    if (c.check == PayloadCheck::kChecksumMismatch) {
      ++checksum_failures_;
      continue;
    }
    if (!c.first_delivery) continue;  // a redelivery: its payload was counted the first time
    Producer& p = producers_[c.id.producer_id];
    const size_t word = c.id.sequence / 64;
    if (word >= p.seen.size()) p.seen.resize(std::max(word + 1, p.seen.size() * 2), 0);
    const uint64_t bit = uint64_t{1} << (c.id.sequence % 64);
    if ((p.seen[word] & bit) != 0) {
      ++duplicate_payloads_;
      continue;
    }
    p.seen[word] |= bit;
    ++p.distinct;
    p.highest = std::max(p.highest, c.id.sequence);
  }
}

uint64_t Verifier::unique() const { return unique_.load(std::memory_order_relaxed); }

VerifyReport Verifier::Report() const {
  VerifyReport r;
  {
    MutexLock lock(&queues_mu_);
    for (const auto& [key, q] : queues_) {
      MutexLock qlock(&q->mu);
      r.received += q->received;
      r.unique += q->unique;
    }
  }
  r.redelivered = r.received - r.unique;
  MutexLock lock(&producers_mu_);
  r.duplicate_payloads = duplicate_payloads_;
  r.checksum_failures = checksum_failures_;
  r.foreign = foreign_;
  r.producers = producers_.size();
  for (const auto& [id, p] : producers_) r.gaps += p.highest + 1 - p.distinct;
  return r;
}

}  // namespace tern::load
