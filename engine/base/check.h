// check.h: TERN_CHECK / TERN_DCHECK abort the process on a broken invariant.
//
// Use these for bugs (states the code must never reach), never for input a caller can handle:
// those return absl::Status. The message names the condition, file and line, then calls
// abort() so a core dump or sanitizer report points at the failure. Thread-safe.
#pragma once

namespace tern::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line,
                              const char* message);
}  // namespace tern::internal

#define TERN_CHECK(cond)                        \
  (__builtin_expect(static_cast<bool>(cond), 1) \
       ? static_cast<void>(0)                   \
       : ::tern::internal::CheckFailed(#cond, __FILE__, __LINE__, nullptr))

#define TERN_CHECK_MSG(cond, msg)               \
  (__builtin_expect(static_cast<bool>(cond), 1) \
       ? static_cast<void>(0)                   \
       : ::tern::internal::CheckFailed(#cond, __FILE__, __LINE__, (msg)))

#ifdef NDEBUG
#define TERN_DCHECK(cond) static_cast<void>(0)
#else
#define TERN_DCHECK(cond) TERN_CHECK(cond)
#endif
