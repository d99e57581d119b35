// Storage engine benchmarks (Google Benchmark). Run Release only:
//   build/release/bench/store_bench --benchmark_repetitions=3
// Every run first measures its own baseline — memcpy of the same bytes into a pre-faulted
// mapping — and the append benchmarks report `vs_memcpy`, their throughput as a fraction of
// it, so figures stay comparable on a shared, noisy machine. Append benchmarks also count
// heap allocations per append (allocs/op) and the dispatch lag left when the timed loop ends.
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/alloc_counter.h"
#include "bench/bench_util.h"
#include "engine/base/clock.h"
#include "engine/commit_log_codec.h"
#include "engine/mapped_file.h"
#include "engine/message_store.h"

namespace tern::bench {
namespace {

using engine::MessageStore;
using engine::StoreOptions;

constexpr size_t kGiB = size_t{1} << 30;
// Baseline bytes/s per stored record size, filled by the baseline benchmarks.
std::mutex g_baseline_mu;
std::map<size_t, double> g_memcpy_rate;

size_t StoredSize(size_t body) { return *engine::EncodedRecordSize(BenchMessage(body).View()); }

// memcpy of one stored record's bytes into a pre-faulted 1 GiB mapping: the ceiling for an
// append of that size. Its rate is kept for the vs_memcpy ratio of the append runs.
void BM_Baseline_Memcpy(benchmark::State& state) {
  const size_t record = StoredSize(static_cast<size_t>(state.range(0)));
  ScratchDir dir;
  auto file = *engine::MappedFile::Create(engine::DefaultFileSystem(), dir.path(), 0, kGiB);
  file->Prefault();
  std::vector<uint8_t> src(record, 0x5A);
  size_t pos = 0;
  int64_t bytes = 0;
  const auto t0 = MonoClock::now();
  for (auto _ : state) {
    if (pos + record > kGiB) pos = 0;
    std::memcpy(file->data() + pos, src.data(), record);
    benchmark::ClobberMemory();
    pos += record;
    bytes += static_cast<int64_t>(record);
  }
  const double secs = std::chrono::duration<double>(MonoClock::now() - t0).count();
  {
    std::lock_guard<std::mutex> lock(g_baseline_mu);
    g_memcpy_rate[record] = static_cast<double>(bytes) / secs;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
  state.counters["record_bytes"] = static_cast<double>(record);
}
BENCHMARK(BM_Baseline_Memcpy)->Arg(128)->Arg(4096);

StoreOptions BenchStore(const std::string& root, size_t file_size) {
  StoreOptions o;
  o.root_dir = root;
  o.commit_log.file_size = file_size;
  o.index_hash_slot_num = 500000;
  o.index_num = 2000000;
  return o;
}

// Appends from one thread through MessageStore::PutMessage (encode + append; dispatch and
// index building run on their own thread). Args: body bytes, file size MiB (1024 keeps the
// whole run inside one pre-faulted file; 64 makes it roll every ~190k messages).
void BM_Store_Append(benchmark::State& state) {
  const auto body = static_cast<size_t>(state.range(0));
  const size_t file_size = static_cast<size_t>(state.range(1)) << 20;
  ScratchDir dir;
  auto store = *MessageStore::Open(BenchStore(dir.path(), file_size));
  const BenchMessage msg(body);
  const engine::MessageToStore view = msg.View();
  const size_t record = StoredSize(body);
  // Warm up: first file created, per-thread encode buffer sized, queue entry present.
  for (int i = 0; i < 1000; ++i) (void)store->PutMessage(view, nullptr);
  // The first file is made inline and pre-faulted by the allocator thread in the background;
  // an appender faster than that pre-fault would take the cold-page faults itself (measured:
  // 3/4 of the 4 KiB append's samples in filemap_fault). Finish it here so the timed loop
  // runs inside a pre-faulted file, as the broker's steady state does; the rolling variant
  // still measures the allocator keeping up.
  for (const auto& f : store->commit_log().files().Files()) f->Prefault();
  const int64_t allocs0 = Allocations();
  const auto t0 = MonoClock::now();
  int64_t errors = 0;
  for (auto _ : state) {
    if (!store->PutMessage(view, nullptr).ok()) ++errors;
  }
  const double secs = std::chrono::duration<double>(MonoClock::now() - t0).count();
  const int64_t allocs = Allocations() - allocs0;
  const int64_t behind = store->dispatcher().behind_bytes();
  const auto lag0 = MonoClock::now();
  while (store->dispatcher().dispatched_offset() < store->commit_log().max_offset()) {
    std::this_thread::yield();
  }
  const double lag_ms = std::chrono::duration<double, std::milli>(MonoClock::now() - lag0).count();
  const double bytes = static_cast<double>(state.iterations() * record);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["allocs/op"] =
      static_cast<double>(allocs) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
  state.counters["dispatch_behind_MB"] = static_cast<double>(behind) / 1e6;
  state.counters["dispatch_catchup_ms"] = lag_ms;
  state.counters["files"] = static_cast<double>(store->commit_log().files().file_count());
  state.counters["errors"] = static_cast<double>(errors);
  std::lock_guard<std::mutex> lock(g_baseline_mu);
  if (auto it = g_memcpy_rate.find(record); it != g_memcpy_rate.end()) {
    state.counters["vs_memcpy"] = bytes / secs / it->second;
  }
}
BENCHMARK(BM_Store_Append)->Args({128, 1024})->Iterations(2'500'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Store_Append)->Args({128, 64})->Iterations(3'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Store_Append)->Args({4096, 1024})->Iterations(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Store_Append)->Args({4096, 64})->Iterations(400'000)->Unit(benchmark::kMillisecond);

// SYNC_FLUSH with group commit: `threads` appenders each wait for their message to be durable
// before sending the next. Reports messages per second and messages per fsync.
void BM_Store_SyncFlushGroupCommit(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  ScratchDir dir;
  StoreOptions o = BenchStore(dir.path(), 256 << 20);
  o.flush.mode = engine::FlushMode::kSync;
  auto store = *MessageStore::Open(o);
  const BenchMessage msg(128);
  struct Waiter : engine::FlushWaiter {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    void OnFlushed(engine::FlushOutcome) override {
      std::lock_guard<std::mutex> l(mu);
      done = true;
      cv.notify_one();
    }
  };
  for (auto _ : state) {
    const engine::FlushStats before = store->flusher().stats();
    std::atomic<int64_t> sent{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> ts;
    const auto t0 = MonoClock::now();
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&, t] {
        const engine::MessageToStore view = msg.View(t % 8);
        while (!stop.load(std::memory_order_relaxed)) {
          Waiter w;
          absl::StatusOr<engine::PutOutcome> r = store->PutMessage(view, &w);
          if (!r.ok()) return;
          if (r->flush_pending) {
            std::unique_lock<std::mutex> l(w.mu);
            w.cv.wait(l, [&] { return w.done; });
          }
          sent.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(3));  // measurement window
    stop = true;
    for (auto& t : ts) t.join();
    const double secs = std::chrono::duration<double>(MonoClock::now() - t0).count();
    state.SetIterationTime(secs);
    const engine::FlushStats after = store->flusher().stats();
    const double flushes = static_cast<double>(after.flushes - before.flushes);
    state.counters["msgs/s"] = static_cast<double>(sent.load()) / secs;
    state.counters["msgs_per_fsync"] = static_cast<double>(sent.load()) / std::max(1.0, flushes);
    state.counters["fsyncs/s"] = flushes / secs;
  }
}
BENCHMARK(BM_Store_SyncFlushGroupCommit)->Arg(1)->Arg(64)->Iterations(1)->UseManualTime();

// Pull path: ConsumeQueue lookup + checked read of 32 messages (zero-copy views).
void BM_Store_GetMessage32(benchmark::State& state) {
  ScratchDir dir;
  auto store = *MessageStore::Open(BenchStore(dir.path(), 256 << 20));
  const BenchMessage msg(128);
  constexpr int kMessages = 500'000;
  for (int i = 0; i < kMessages; ++i) (void)store->PutMessage(msg.View(), nullptr);
  while (store->dispatcher().dispatched_offset() < store->commit_log().max_offset()) {
    std::this_thread::yield();
  }
  int64_t offset = 0;
  int64_t messages = 0;
  for (auto _ : state) {
    engine::GetMessageResult r = store->GetMessage("BenchmarkTopic", 0, offset, 32, 0, nullptr);
    messages += static_cast<int64_t>(r.messages.size());
    offset = r.next_begin_offset >= kMessages - 32 ? 0 : r.next_begin_offset;
    benchmark::DoNotOptimize(r.messages.data());
  }
  state.SetItemsProcessed(messages);
}
BENCHMARK(BM_Store_GetMessage32);

// Recovery: (a) the scan itself — decode + body CRC of every record in mapped files; (b) a
// full unclean-restart recovery with the checkpoint and ConsumeQueues gone (scan + rebuild).
void BM_Store_RecoveryScan(benchmark::State& state) {
  ScratchDir dir;
  const std::string root = dir.path() + "/store";
  int64_t log_bytes = 0;
  {
    auto store = *MessageStore::Open(BenchStore(root, 256 << 20));
    const BenchMessage msg(1024);
    while (store->commit_log().max_offset() < (int64_t{1} << 30)) {
      (void)store->PutMessage(msg.View(static_cast<int32_t>(log_bytes++ % 4)), nullptr);
    }
    log_bytes = store->commit_log().max_offset();
  }
  for (auto _ : state) {
    // (a) scan only
    engine::MappedFileQueue q(engine::DefaultFileSystem(), root + "/commitlog", 256 << 20);
    (void)q.Load(engine::Access::kReadOnly);
    const auto t0 = MonoClock::now();
    int64_t scanned = 0;
    for (const auto& f : q.Files()) {
      size_t pos = 0;
      while (pos < f->size()) {
        const engine::DecodeResult r = engine::DecodeRecord(
            ByteSpan(f->data() + pos, f->size() - pos), engine::CrcCheck::kVerify);
        if (r.status != engine::DecodeStatus::kRecord) break;
        pos += r.record.raw.size();
      }
      scanned += static_cast<int64_t>(pos);
    }
    const double scan_secs = std::chrono::duration<double>(MonoClock::now() - t0).count();
    state.counters["scan_GB/s"] = static_cast<double>(scanned) / scan_secs / 1e9;
    // (b) full recovery with rebuild
    std::filesystem::remove(root + "/checkpoint");
    std::filesystem::remove_all(root + "/consumequeue");
    std::filesystem::remove_all(root + "/index");
    { std::ofstream(root + "/abort").put('\0'); }
    const auto t1 = MonoClock::now();
    auto store = *MessageStore::Open(BenchStore(root, 256 << 20));
    const double open_secs = std::chrono::duration<double>(MonoClock::now() - t1).count();
    state.counters["recovery_with_rebuild_GB/s"] =
        static_cast<double>(store->recovery_report().bytes_scanned) / open_secs / 1e9;
    state.SetIterationTime(scan_secs);
    state.SetBytesProcessed(scanned);
  }
  state.counters["log_GB"] = static_cast<double>(log_bytes) / 1e9;
}
BENCHMARK(BM_Store_RecoveryScan)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tern::bench

BENCHMARK_MAIN();
