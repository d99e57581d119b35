// commit_log_codec.h: encode a message into the CommitLog record format and decode records.
//
// The one reader/writer of commit_log_format.h's bytes: the appender, dispatcher, recovery,
// read path and the offline tools all call it. Pure functions over caller-owned buffers;
// nothing allocates. A RecordView borrows the bytes it was decoded from and is valid only
// while they are (for mapped files: while the caller holds the file's pin).
//
// Decoding has three distinct outcomes (style rule 2): a record, the BLANK end-of-file
// filler, or corruption with its kind. Running out of bytes mid-record is corruption
// (kTruncated): the CommitLog's readable region always ends on a record boundary.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/bytes.h"
#include "engine/base/types.h"

namespace tern::engine {

// An IPv4 or IPv6 address plus port, as stored in BORNHOST / STOREHOSTADDRESS.
struct HostPort {
  std::array<uint8_t, 16> addr{};
  uint8_t addr_len = 4;  // 4 or 16
  int32_t port = 0;

  static HostPort Ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, int32_t port);
  // Parses "a.b.c.d:port" or "[v6]:port". IPv4-mapped IPv6 becomes plain IPv4 (protocol.md 4.5).
  static absl::StatusOr<HostPort> Parse(std::string_view text);
  bool is_v6() const { return addr_len == 16; }
  size_t stored_size() const { return addr_len + 4u; }
  std::string ToString() const;  // "a.b.c.d:port" / "[v6]:port"
  bool operator==(const HostPort&) const = default;
};

// Everything the encoder needs. Fields assigned at append (queue offset, physical offset,
// store timestamp) may be left zero and patched later with PatchAppendFields.
struct MessageToStore {
  std::string_view topic;
  int32_t queue_id = 0;
  int32_t flag = 0;
  // SYSFLAG; the host-layout bits 0x10/0x20 are set by the encoder from the hosts.
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  HostPort born_host;
  HostPort store_host;
  int32_t reconsume_times = 0;
  int64_t prepared_transaction_offset = 0;
  ByteSpan body;
  std::string_view properties;  // already in name\x01value\x02 form
  int64_t queue_offset = 0;
  int64_t physical_offset = 0;
  int64_t store_timestamp = 0;
};

// A decoded record; every span points into the decoded buffer.
struct RecordView {
  ByteSpan raw;  // the whole record, TOTALSIZE bytes
  int32_t body_crc = 0;
  int32_t queue_id = 0;
  int32_t flag = 0;
  int64_t queue_offset = 0;
  int64_t physical_offset = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  HostPort born_host;
  int64_t store_timestamp = 0;
  HostPort store_host;
  int32_t reconsume_times = 0;
  int64_t prepared_transaction_offset = 0;
  ByteSpan body;
  std::string_view topic;
  std::string_view properties;

  int32_t total_size() const { return static_cast<int32_t>(raw.size()); }
};

enum class DecodeStatus { kRecord, kBlank, kCorrupt };

enum class Corruption {
  kNone,
  kTruncated,        // fewer bytes than the header or TOTALSIZE announces
  kBadMagic,         // neither message nor BLANK magic (includes zero-filled space)
  kBadTotalSize,     // TOTALSIZE below the minimum or beyond the readable bytes
  kLengthMismatch,   // the variable-length fields do not add up to TOTALSIZE
  kBodyCrcMismatch,  // BODYCRC does not match the body
};
std::string_view CorruptionName(Corruption c);

struct DecodeResult {
  DecodeStatus status = DecodeStatus::kCorrupt;
  Corruption corruption = Corruption::kNone;
  RecordView record;       // valid when status == kRecord
  int32_t blank_size = 0;  // valid when status == kBlank: bytes to skip (rest of the file)
};

enum class CrcCheck { kVerify, kSkip };

// Stored size of `msg`, or InvalidArgument naming the violated limit (topic length 1..127,
// properties <= 32767 bytes).
absl::StatusOr<size_t> EncodedRecordSize(const MessageToStore& msg);

// Encodes `msg` into `out`, which must be exactly EncodedRecordSize(msg) bytes.
void EncodeRecord(const MessageToStore& msg, MutableByteSpan out);

// Writes the fields assigned under the append lock into an encoded record.
void PatchAppendFields(uint8_t* record, QueueOffset queue_offset, PhysicalOffset physical_offset,
                       int64_t store_timestamp);

// Decodes the record at the start of `bytes` (which may extend beyond it).
DecodeResult DecodeRecord(ByteSpan bytes, CrcCheck crc);

// Structural checks the body CRC cannot make, for records found after a crash: the topic is a
// valid RocketMQ topic name and the record's last byte is not zero (properties end with a
// value character or \x02; with no properties, the topic's last character). A write cut short
// (a killed memcpy, a lost page or sector at the record's end) leaves zeros there, which the
// body CRC does not cover.
bool RecordLooksComplete(const RecordView& record);

// Writes a BLANK filler header (size `remaining`, >= 8) at `out`.
void EncodeBlank(uint8_t* out, int32_t remaining);

// Offset message id (protocol.md 4.6): hex of store host address + port + physical offset,
// upper case; 32 characters for IPv4, 56 for IPv6.
std::string OffsetMessageId(const HostPort& store_host, PhysicalOffset offset);
struct DecodedMessageId {
  HostPort store_host;
  PhysicalOffset offset;
};
absl::StatusOr<DecodedMessageId> ParseOffsetMessageId(std::string_view id);

}  // namespace tern::engine

namespace tern::engine {
// Body length of an encoded record (reads SYSFLAG to find the field); the record must be a
// complete, well-formed encoding.
size_t EncodedBodyLength(const uint8_t* record);
}  // namespace tern::engine
