// recorded_frames.h: the name server's side of the Java 4.8.0 recording
// (tests/testdata/java-4.8.0/frames.jsonl), decoded for the protocol and namesrv tests.
//
// Each line of frames.jsonl is one frame: its connection (`stream`), the server port (19876
// name server, 20911 broker), direction, the header as the recorder decoded it (JSON headers
// as sent, binary ones in the same field names) and the whole frame in base64. Loading keeps
// the header as a RemotingCommand (extFields values as strings, as the JSON codec would make
// them) and cuts the body out of the frame: 4-byte length, 4-byte header word
// (type << 24 | header length), header, body.
//
// RecordedFrames() loads once and is thread-safe; the vector lives until exit. Aborts (test
// failure) if the file cannot be read or a frame is inconsistent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/remoting/command.h"

namespace tern::protocol::testing {

inline constexpr int kNameServerPort = 19876;

struct RecordedFrame {
  size_t line = 0;  // 0-based line in frames.jsonl
  int stream = 0;
  int server_port = 0;
  bool to_server = false;
  remoting::RemotingCommand command;  // response code in `code` for responses
  std::optional<std::string> body;    // nullopt for frames over 64 KiB (not recorded)
};

// Every recorded frame, in file order (capture order per connection).
const std::vector<RecordedFrame>& RecordedFrames();

// Requests to the name server with `code`, in file order.
std::vector<const RecordedFrame*> NameServerRequests(int32_t code);
// The response to `request` (same stream and opaque, opposite direction), or nullptr.
const RecordedFrame* ResponseTo(const RecordedFrame& request);

// Standard base64 (RFC 4648, '=' padding); aborts on bad input.
std::string Base64Decode(std::string_view text);

}  // namespace tern::protocol::testing
