// trace.h: RocketMQ message traces (RMQ_SYS_TRACE_TOPIC) — decoding the trace records Java
// clients write with enableMsgTrace, and the per-message view rocketmq-dashboard draws.
//
// A trace message body holds records separated by char 2; the fields of a record are
// separated by char 1 (Java's TraceDataEncoder):
//   Pub            type, time, region, group, topic, msgId, tags, keys, storeHost, bodyLength,
//                  costTime, msgType, [offsetMsgId,] success[, clientHost]
//   SubBefore      type, time, region, group, requestId, msgId, retryTimes, keys
//   SubAfter       type, requestId, msgId, costTime, success, keys[, contextCode[, time]]
//   EndTransaction type, time, region, group, topic, msgId, tags, keys, storeHost, msgType,
//                  transactionId, transactionState, fromTransactionCheck
// The trace message's keys are the traced msgId (and its keys), so a trace is found with
// QUERY_MESSAGE on the trace topic by msgId.
//
// Decoding is total: records too short or with bad numbers are skipped and counted, never
// fatal (any bytes are safe; fuzzed). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern::dashboard {

struct TraceRecord {
  std::string type;  // Pub, SubBefore, SubAfter, EndTransaction
  int64_t timestamp = 0;
  std::string region_id;
  std::string group;
  std::string request_id;
  std::string topic;
  std::string msg_id;
  std::string offset_msg_id;
  std::string tags;
  std::string keys;
  std::string store_host;
  std::string client_host;
  int32_t body_length = 0;
  int32_t cost_time = 0;
  int32_t msg_type = 0;  // 0 Normal, 1 Trans_Msg_Half, 2 Trans_msg_Commit, 3 Delay
  int32_t retry_times = 0;
  int32_t context_code = 0;
  bool success = true;
  std::string transaction_id;
  std::string transaction_state;
  bool from_transaction_check = false;
};

struct DecodedTraces {
  std::vector<TraceRecord> records;
  int skipped = 0;  // malformed records
};

DecodedTraces DecodeTraceData(std::string_view data);

// rocketmq-dashboard's MessageTraceGraph, reduced to what the page draws: the send, then per
// consumer group each delivery attempt (SubBefore joined with its SubAfter by requestId).
struct TraceConsume {
  std::string request_id;
  std::string client_host;
  int64_t begin_timestamp = 0;
  int64_t end_timestamp = 0;  // 0: no SubAfter yet
  int32_t cost_time = 0;
  int32_t retry_times = 0;
  std::string status;  // success, failed, unknown (no SubAfter)
};

struct TraceGroup {
  std::string group;
  std::vector<TraceConsume> consumes;
};

struct TraceView {
  bool has_pub = false;
  TraceRecord pub;
  std::vector<TraceRecord> transactions;  // EndTransaction records
  std::vector<TraceGroup> groups;         // sorted by group name
};

// The records of `msg_id` among `records` (other messages' records are ignored).
TraceView BuildTraceView(const std::vector<TraceRecord>& records, std::string_view msg_id);

std::string_view MessageTypeName(int32_t msg_type);

}  // namespace tern::dashboard
