// thread_name.h: names the calling thread (visible in top -H, perf, gdb). At most 15 chars.
#pragma once

#include <pthread.h>

namespace tern {
inline void SetThreadName(const char* name) { pthread_setname_np(pthread_self(), name); }
}  // namespace tern
