// commit_log_format.h: the CommitLog record layout (RocketMQ 4.x, MAGICCODE V1). Constants
// only; commit_log_codec.h is the one piece of code that reads or writes these bytes.
//
// One message = one contiguous, big-endian record (protocol.md 4.1):
//
//   +0   TOTALSIZE            int32   whole record, this field included
//   +4   MAGICCODE            int32   0xDAA320A7 (message) | 0xCBD43194 (BLANK end-of-file)
//   +8   BODYCRC              int32   crc32(body as stored) & 0x7FFFFFFF
//   +12  QUEUEID              int32
//   +16  FLAG                 int32
//   +20  QUEUEOFFSET          int64   assigned at append
//   +28  PHYSICALOFFSET       int64   assigned at append: absolute CommitLog offset of +0
//   +36  SYSFLAG              int32   bits below
//   +40  BORNTIMESTAMP        int64
//   +48  BORNHOST             4+4 (IPv4 addr, port) | 16+4 when SYSFLAG & 0x10
//   +56  STORETIMESTAMP       int64   (+68 with an IPv6 born host) assigned at append
//   ...  STOREHOSTADDRESS     4+4 | 16+4 when SYSFLAG & 0x20
//   ...  RECONSUMETIMES       int32
//   ...  PREPARED TX OFFSET   int64
//   ...  BODYLENGTH + BODY    int32 + n
//   ...  TOPICLENGTH + TOPIC  int8 + t   (t <= 127)
//   ...  PROPSLENGTH + PROPS  int16 + p  (p <= 32767)
//
// Size with IPv4 hosts = 91 + n + t + p; each IPv6 host adds 12.
//
// The end of a file that cannot hold the next record gets a BLANK filler: int32 remaining
// bytes, int32 BLANK magic; readers skip to the next file. A record never spans two files and
// the appender always leaves room for the 8-byte filler.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tern::engine::format {

inline constexpr int32_t kMessageMagic = static_cast<int32_t>(0xDAA320A7u);
inline constexpr int32_t kBlankMagic = static_cast<int32_t>(0xCBD43194u);

inline constexpr size_t kTotalSizePos = 0;
inline constexpr size_t kMagicPos = 4;
inline constexpr size_t kBodyCrcPos = 8;
inline constexpr size_t kQueueIdPos = 12;
inline constexpr size_t kFlagPos = 16;
inline constexpr size_t kQueueOffsetPos = 20;
inline constexpr size_t kPhysicalOffsetPos = 28;
inline constexpr size_t kSysFlagPos = 36;
inline constexpr size_t kBornTimestampPos = 40;
inline constexpr size_t kBornHostPos = 48;

inline constexpr size_t kIpv4HostSize = 8;   // 4-byte address + 4-byte port
inline constexpr size_t kIpv6HostSize = 20;  // 16-byte address + 4-byte port

// Fixed part with IPv4 hosts, excluding the variable body, topic and properties bytes.
inline constexpr size_t kFixedSizeIpv4 = 91;
inline constexpr size_t kBlankHeaderSize = 8;
// Bytes the appender keeps free at the end of a file for the BLANK filler.
inline constexpr size_t kEndOfFileReserve = 8;

inline constexpr size_t kMaxTopicLength = 127;
inline constexpr size_t kMaxPropertiesLength = 32767;

// SYSFLAG bits (protocol.md 4.4).
inline constexpr int32_t kFlagCompressed = 0x1;
inline constexpr int32_t kFlagMultiTags = 0x2;
inline constexpr int32_t kTransactionTypeMask = 0xC;
inline constexpr int32_t kTransactionNotType = 0x0;
inline constexpr int32_t kTransactionPreparedType = 0x4;
inline constexpr int32_t kTransactionCommitType = 0x8;
inline constexpr int32_t kTransactionRollbackType = 0xC;
inline constexpr int32_t kFlagBornHostV6 = 0x10;
inline constexpr int32_t kFlagStoreHostV6 = 0x20;
inline constexpr int32_t kCompressionTypeMask = 0x700;

inline constexpr int32_t TransactionType(int32_t sys_flag) {
  return sys_flag & kTransactionTypeMask;
}

}  // namespace tern::engine::format
