#include "bench/alloc_counter.h"

#include <cstdlib>
#include <new>

namespace tern::bench {
std::atomic<int64_t> g_allocations{0};
}  // namespace tern::bench

void* operator new(std::size_t n) {
  tern::bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
