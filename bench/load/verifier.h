// verifier.h: Verifier, what `tern bench consume` checks in every message it receives, so a
// fast number cannot hide loss or corruption.
//
// Per queue it tracks the queue offsets seen (a bitmap from the lowest offset seen): a second
// delivery of one (queue, offset) is a redelivery, allowed by at-least-once but counted. Per
// payload (payload.h) it checks the checksum and tracks the (producer id, sequence) pairs seen:
// the same pair at another offset is a duplicate payload (a producer retry that stored a
// message twice); sequences below a producer's highest one that never arrived are gaps
// (missing messages, once the consumer has drained everything that was sent).
//
// Thread safety: all methods are thread-safe. Observe() checks payloads outside any lock,
// then takes the queue's mutex and the producer table's mutex once per call, so callers pass
// whole pull batches. Lifetime: Queue handles live as long as the Verifier.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "engine/base/bytes.h"
#include "engine/base/mutex.h"

namespace tern::load {

struct VerifyReport {
  uint64_t received = 0;            // messages observed, redeliveries included
  uint64_t unique = 0;              // distinct (queue, queue offset)
  uint64_t redelivered = 0;         // (queue, queue offset) seen again
  uint64_t duplicate_payloads = 0;  // (producer, sequence) seen again at a new offset
  uint64_t checksum_failures = 0;   // bench payloads whose bytes changed
  uint64_t foreign = 0;             // bodies that are not bench payloads
  uint64_t gaps = 0;                // sequences never seen below a producer's highest
  uint64_t producers = 0;           // distinct producer ids

  // Nothing corrupt and nothing foreign; with `expect` > 0, at least that many unique
  // messages; with `no_gaps`, no gap either.
  bool Passed(uint64_t expect, bool no_gaps) const {
    return checksum_failures == 0 && foreign == 0 && (expect == 0 || unique >= expect) &&
           (!no_gaps || gaps == 0);
  }
};

class Verifier {
 public:
  class Queue;
  struct Item {
    int64_t queue_offset = 0;
    ByteSpan body;
  };

  Verifier();
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // The handle of queue `queue_id` of `name` (e.g. "topic@broker"), created on first use.
  Queue* GetQueue(const std::string& name, int32_t queue_id);
  void Observe(Queue* queue, std::span<const Item> items);
  // Unique messages so far (cheap: one atomic load).
  uint64_t unique() const;
  VerifyReport Report() const;

 private:
  struct Producer {
    std::vector<uint64_t> seen;  // bitmap by sequence
    uint64_t distinct = 0;
    uint64_t highest = 0;
  };

  std::atomic<uint64_t> unique_{0};

  mutable Mutex queues_mu_;
  std::map<std::pair<std::string, int32_t>, std::unique_ptr<Queue>> queues_
      ABSL_GUARDED_BY(queues_mu_);

  mutable Mutex producers_mu_;
  std::map<uint32_t, Producer> producers_ ABSL_GUARDED_BY(producers_mu_);
  uint64_t duplicate_payloads_ ABSL_GUARDED_BY(producers_mu_) = 0;
  uint64_t checksum_failures_ ABSL_GUARDED_BY(producers_mu_) = 0;
  uint64_t foreign_ ABSL_GUARDED_BY(producers_mu_) = 0;
};

}  // namespace tern::load
