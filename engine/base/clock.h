// clock.h: wall-clock milliseconds (RocketMQ timestamps) and monotonic time for deadlines.
// Stateless, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace tern {

// Milliseconds since the Unix epoch, as Java's System.currentTimeMillis().
inline int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

using MonoClock = std::chrono::steady_clock;

}  // namespace tern
