// The store written by the real Java RocketMQ 4.8.0 broker (tests/testdata/java-4.8.0, see its
// README) opens in Tern: every record, ConsumeQueue unit and index key is read back, and the
// ConsumeQueues Tern rebuilds from the CommitLog are byte-identical to Java's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "engine/commit_log_format.h"
#include "engine/message_store.h"
#include "engine/properties.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

std::string ExtractJavaStore(const testing::TempDir& dir) {
  const std::string tarball = testing::TestDataDir() + "/java-4.8.0/store.tar.gz";
  const std::string cmd = "tar xzf '" + tarball + "' -C '" + dir.path() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;  // NOLINT(concurrency-mt-unsafe)
  return dir.Sub("store");
}

StoreOptions JavaOptions(const std::string& root) {
  // The recording broker's settings (testdata README).
  StoreOptions o;
  o.root_dir = root;
  o.commit_log.file_size = 4194304;
  o.consume_queue_units_per_file = 6000 / 20;
  o.index_hash_slot_num = 5000;
  o.index_num = 20000;
  return o;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

struct JavaRecord {
  int64_t offset;
  int32_t size;
  std::string topic;
  int32_t queue_id;
  int64_t queue_offset;
  int32_t sys_flag;
  std::string keys;
  std::string uniq;
  int64_t store_ts;
};

// Walks the CommitLog files directly with the codec.
std::vector<JavaRecord> WalkCommitLog(const std::string& root) {
  std::vector<JavaRecord> out;
  for (const std::string name : {"00000000000000000000", "00000000000004194304"}) {
    const std::string bytes = ReadAll(root + "/commitlog/" + name);
    const int64_t base = std::stoll(name);
    size_t pos = 0;
    while (pos < bytes.size()) {
      const DecodeResult r = DecodeRecord(
          ByteSpan(reinterpret_cast<const uint8_t*>(bytes.data()) + pos, bytes.size() - pos),
          CrcCheck::kVerify);
      if (r.status == DecodeStatus::kBlank) break;
      if (r.status != DecodeStatus::kRecord) break;
      const RecordView& v = r.record;
      EXPECT_EQ(v.physical_offset, base + static_cast<int64_t>(pos));
      out.push_back(
          {v.physical_offset, v.total_size(), std::string(v.topic), v.queue_id, v.queue_offset,
           v.sys_flag, std::string(FindProperty(v.properties, property::kKeys).value_or("")),
           std::string(
               FindProperty(v.properties, property::kUniqueClientMessageIdKey).value_or("")),
           v.store_timestamp});
      pos += v.raw.size();
    }
  }
  return out;
}

TEST(JavaStore, EveryRecordDecodesWithValidCrc) {
  testing::TempDir dir;
  const std::string root = ExtractJavaStore(dir);
  const std::vector<JavaRecord> records = WalkCommitLog(root);
  EXPECT_EQ(records.size(), 201u);
  // The first file ends with a BLANK at 3,818,640 of 375,664 bytes.
  const std::string first = ReadAll(root + "/commitlog/00000000000000000000");
  const DecodeResult blank = DecodeRecord(
      ByteSpan(reinterpret_cast<const uint8_t*>(first.data()) + 3818640, first.size() - 3818640),
      CrcCheck::kVerify);
  ASSERT_EQ(blank.status, DecodeStatus::kBlank);
  EXPECT_EQ(blank.blank_size, 375664);
}

TEST(JavaStore, OpensAndServesEveryConsumeQueueUnitAndKey) {
  testing::TempDir dir;
  const std::string root = ExtractJavaStore(dir);
  const std::vector<JavaRecord> records = WalkCommitLog(root);
  // Java's ConsumeQueue files as written, to compare after Tern rebuilds them.
  std::map<std::string, std::string> java_cq;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root + "/consumequeue")) {
    if (e.is_regular_file()) java_cq[e.path().string()] = ReadAll(e.path().string());
  }
  ASSERT_FALSE(java_cq.empty());

  auto store = MessageStore::Open(JavaOptions(root));
  ASSERT_TRUE(store.ok()) << store.status();
  const RecoveryReport& rep = (*store)->recovery_report();
  EXPECT_TRUE(rep.clean_shutdown) << "the Java broker stopped cleanly (no abort file)";
  EXPECT_FALSE(rep.used_checkpoint_extension);
  EXPECT_EQ(rep.records_scanned, 201) << rep.Summary();
  EXPECT_EQ(rep.end_offset, records.back().offset + records.back().size);
  EXPECT_TRUE(rep.quarantined.empty());
  EXPECT_EQ(rep.bytes_cut, 0);

  // Rebuilt ConsumeQueues equal Java's byte for byte (tags codes, delivery times included).
  (*store)->Shutdown();
  for (const auto& [path, bytes] : java_cq) {
    EXPECT_EQ(ReadAll(path), bytes) << path;
  }
  store = MessageStore::Open(JavaOptions(root));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->recovery_report().used_checkpoint_extension);

  // Every dispatched record is served at its queue offset.
  int dispatched = 0;
  for (const JavaRecord& r : records) {
    const int32_t tx = r.sys_flag & format::kTransactionTypeMask;
    if (tx == format::kTransactionPreparedType || tx == format::kTransactionRollbackType) continue;
    ++dispatched;
    GetMessageResult g = (*store)->GetMessage(r.topic, r.queue_id, r.queue_offset, 1, 0, nullptr);
    ASSERT_EQ(g.status, GetMessageStatus::kFound)
        << r.topic << "-" << r.queue_id << "@" << r.queue_offset;
    const DecodeResult d = DecodeRecord(g.messages[0], CrcCheck::kVerify);
    EXPECT_EQ(d.record.physical_offset, r.offset);
  }
  EXPECT_GT(dispatched, 150);

  // Every key and unique key is found through the index.
  int keys = 0;
  for (const JavaRecord& r : records) {
    std::set<std::string> ks;
    ForEachKey(r.keys, [&](std::string_view k) { ks.emplace(k); });
    if (!r.uniq.empty()) ks.insert(r.uniq);
    for (const std::string& k : ks) {
      ++keys;
      QueryMessagesResult q =
          (*store)->reader().QueryMessages(r.topic, k, 64, 0, std::numeric_limits<int64_t>::max());
      bool found = false;
      for (const FoundMessage& m : q.messages) found |= m.record.physical_offset == r.offset;
      EXPECT_TRUE(found) << r.topic << "#" << k;
    }
  }
  EXPECT_GT(keys, 150);
}

TEST(JavaStore, SecondBrokerOnTheSameStoreIsRefusedByTheLockFile) {
  testing::TempDir dir;
  const std::string root = ExtractJavaStore(dir);
  auto store = MessageStore::Open(JavaOptions(root));
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE(MessageStore::Open(JavaOptions(root)).ok());
}

}  // namespace
}  // namespace tern::engine
