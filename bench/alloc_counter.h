// alloc_counter.h: counts heap allocations process-wide, so benchmarks can report allocs/op.
//
// Link alloc_counter.cc into the binary (it replaces the global operator new). The counter is
// a relaxed atomic: cheap enough to leave on during timed loops.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace tern::bench {
extern std::atomic<int64_t> g_allocations;
inline int64_t Allocations() { return g_allocations.load(std::memory_order_relaxed); }
}  // namespace tern::bench
