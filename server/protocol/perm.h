// perm.h: PermName bits of a topic's (or a QueueData's) perm (protocol.md 3.1 [PN]), and
// the TopicSysFlag bits. Constants only.
#pragma once

#include <cstdint>

namespace tern::protocol {

inline constexpr int32_t kPermPriority = 8;
inline constexpr int32_t kPermRead = 4;
inline constexpr int32_t kPermWrite = 2;
inline constexpr int32_t kPermInherit = 1;

inline constexpr bool IsReadable(int32_t perm) { return (perm & kPermRead) != 0; }
inline constexpr bool IsWriteable(int32_t perm) { return (perm & kPermWrite) != 0; }
inline constexpr bool IsInherited(int32_t perm) { return (perm & kPermInherit) != 0; }

// TopicSysFlag bits.
inline constexpr int32_t kTopicSysFlagUnit = 1;
inline constexpr int32_t kTopicSysFlagUnitSub = 2;

// brokerId of a master (MixAll.MASTER_ID).
inline constexpr int64_t kMasterId = 0;

}  // namespace tern::protocol
