// store_fixture.h: stores for the `tern store` tests — one written by Tern's engine (small
// files, several topics and queues, tags, keys, a delayed message, a zlib body, a legacy
// PREPARED record) and the Java 4.8.0 recording — plus helpers that damage them the way a
// crash or a bad disk would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/message_store.h"
#include "engine/store_options.h"

namespace tern::testing {

// One message as written (or found in the Java store).
struct StoredMessage {
  int64_t offset = 0;
  int32_t size = 0;
  std::string topic;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int32_t sys_flag = 0;
  std::string body;  // as stored
  std::string keys;
  std::string uniq_key;
  bool dispatched = true;  // transaction type NOT or COMMIT
};

struct FixtureStore {
  std::string root;
  engine::StoreOptions options;
  std::vector<StoredMessage> messages;  // in CommitLog order

  // The CommitLog file holding `offset` and the position in it.
  std::string CommitLogFile(int64_t offset) const;
  int64_t FileStart(int64_t offset) const;
  // A message in the middle of the first file / the last message.
  const StoredMessage& Middle() const;
  const StoredMessage& Last() const { return messages.back(); }
};

// Writes the Tern store at `root` and shuts it down cleanly.
FixtureStore WriteTernStore(const std::string& root);
// Extracts tests/testdata/java-4.8.0/store.tar.gz under `dir`; the store is dir/store.
FixtureStore ExtractJavaStore(const std::string& dir);

// File surgery.
void PatchBytes(const std::string& path, int64_t pos, const std::string& bytes);
std::string ReadBytes(const std::string& path, int64_t pos, size_t n);
void FlipByte(const std::string& path, int64_t pos);

// Reads every dispatched message back through a freshly opened MessageStore: "topic/queue/qo"
// -> body. Fails the test if the store does not open or its recovery found anything to fix.
std::vector<std::string> ReadBackThroughBroker(const FixtureStore& s);
// What ReadBackThroughBroker returns for `messages` minus the ones at `skip` offsets.
std::vector<std::string> Expected(const FixtureStore& s, const std::vector<int64_t>& skip = {});

}  // namespace tern::testing
