// json_util.h: small helpers shared by the dashboard's API handlers — request parameters
// (query string or a JSON POST body, flattened to strings), integer parameters with bounds,
// page arithmetic, and how a message is written as JSON (body as text when it is UTF-8,
// base64 otherwise). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "client/message.h"
#include "server/protocol/json_writer.h"

namespace tern::dashboard {

using Params = std::map<std::string, std::string>;

// A JSON object body's members as strings (numbers and booleans as their text; nested values
// are refused). An empty body is an empty map.
absl::StatusOr<Params> ParseJsonParams(std::string_view body);

std::string Param(const Params& p, const std::string& name, std::string fallback = {});
// InvalidArgument naming the parameter when it is missing or empty.
absl::StatusOr<std::string> RequiredParam(const Params& p, const std::string& name);
// `fallback` when absent; InvalidArgument when not an integer within [min, max].
absl::StatusOr<int64_t> IntParam(const Params& p, const std::string& name, int64_t fallback,
                                 int64_t min, int64_t max);
bool BoolParam(const Params& p, const std::string& name, bool fallback);

struct Page {
  int64_t page = 1;  // 1-based
  int64_t size = 50;
  size_t begin(size_t total) const;
  size_t end(size_t total) const;
};
// page (>= 1) and size (1..max_size, default 50) from the parameters.
absl::StatusOr<Page> PageParams(const Params& p, int64_t max_size = 500);

// Writes "total", "page", "size" members.
void WritePageMembers(protocol::JsonWriter& w, const Page& page, size_t total);

bool IsValidUtf8(std::string_view s);
std::string Base64(std::string_view bytes);

// A message's summary members (ids, topic, queue, offsets, times, hosts, tags, keys, sizes),
// inside an object the caller opened. `with_body` adds body (+ bodyEncoding) and properties.
void WriteMessageMembers(protocol::JsonWriter& w, const client::MessageExt& m, bool with_body);

// {"error": message}
std::string ErrorJson(std::string_view message);

}  // namespace tern::dashboard
