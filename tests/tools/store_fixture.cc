#include "tests/tools/store_fixture.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "engine/commit_log_format.h"
#include "engine/mapped_file.h"
#include "engine/properties.h"
#include "tests/util/temp_dir.h"
#include "tests/util/test_records.h"

namespace tern::testing {

std::string FixtureStore::CommitLogFile(int64_t offset) const {
  return root + "/commitlog/" + engine::FileNameForOffset(FileStart(offset));
}

int64_t FixtureStore::FileStart(int64_t offset) const {
  const auto size = static_cast<int64_t>(options.commit_log.file_size);
  return offset - offset % size;
}

const StoredMessage& FixtureStore::Middle() const {
  // A record of the first file with records after it in the same file.
  const int64_t first_file_end = static_cast<int64_t>(options.commit_log.file_size);
  size_t last_in_first = 0;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].offset + messages[i].size < first_file_end) last_in_first = i;
  }
  return messages[std::max<size_t>(1, last_in_first / 2)];
}

namespace {

std::string Zlib(const std::string& in) {
  uLongf len = compressBound(in.size());
  std::string out(len, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &len,
                      reinterpret_cast<const Bytef*>(in.data()), in.size(), 5),
            Z_OK);
  out.resize(len);
  return out;
}

}  // namespace

FixtureStore WriteTernStore(const std::string& root) {
  FixtureStore s;
  s.root = root;
  engine::StoreOptions& o = s.options;
  o.root_dir = root;
  o.commit_log.file_size = 64 * 1024;
  o.commit_log.max_message_size = 16 * 1024;
  o.consume_queue_units_per_file = 64;
  o.index_hash_slot_num = 64;
  o.index_num = 256;
  o.preallocate_commit_log = false;
  auto store = engine::MessageStore::Open(o);
  EXPECT_TRUE(store.ok()) << store.status();
  auto put = [&](TestMessage m, bool dispatched) {
    absl::StatusOr<engine::PutOutcome> r = (*store)->PutMessage(m.View(), nullptr);
    ASSERT_TRUE(r.ok()) << r.status();
    StoredMessage sm;
    sm.offset = r->append.physical_offset.value();
    sm.size = r->append.bytes;
    sm.topic = m.topic;
    sm.queue_id = m.queue_id;
    sm.queue_offset = r->append.queue_offset.value();
    sm.sys_flag = m.sys_flag;
    sm.body = m.body;
    sm.keys = std::string(engine::FindProperty(m.properties, "KEYS").value_or(""));
    sm.uniq_key = std::string(engine::FindProperty(m.properties, "UNIQ_KEY").value_or(""));
    sm.dispatched = dispatched;
    s.messages.push_back(sm);
  };
  for (int i = 0; i < 400; ++i) {
    TestMessage m;
    m.topic = i % 3 == 0 ? "TopicB" : "TopicA";
    m.queue_id = i % 4;
    m.body = "body-" + std::to_string(i) + "-" +
             std::string(static_cast<size_t>(200 + (i * 37) % 900), 'x');
    m.born_timestamp = 1700000000000 + i;
    m.WithTag(i % 2 == 0 ? "TagA" : "TagB")
        .WithKeys("key-" + std::to_string(i) + " shared")
        .WithUniqKey("UNIQ" + std::to_string(100000 + i));
    put(m, true);
    if (i == 50) {
      TestMessage d;  // a delayed message, parked on the schedule topic (level 3 -> queue 2)
      d.topic = "SCHEDULE_TOPIC_XXXX";
      d.queue_id = 2;
      d.body = "delayed";
      d.WithProperty("DELAY", "3")
          .WithProperty("REAL_TOPIC", "TopicA")
          .WithProperty("REAL_QID", "1");
      put(d, true);
    }
    if (i == 120) {
      TestMessage z;  // a zlib-compressed body (sysFlag COMPRESSED)
      z.topic = "TopicZ";
      z.body = Zlib(std::string(5000, 'z') + "end");
      z.sys_flag = engine::format::kFlagCompressed;
      z.WithKeys("zipped");
      put(z, true);
    }
    if (i == 200) {
      TestMessage p;  // a legacy PREPARED-typed record: never dispatched
      p.topic = "TopicA";
      p.body = "prepared";
      p.sys_flag = engine::format::kTransactionPreparedType;
      put(p, false);
    }
  }
  (*store)->Shutdown();
  return s;
}

FixtureStore ExtractJavaStore(const std::string& dir) {
  FixtureStore s;
  const std::string tarball = TestDataDir() + "/java-4.8.0/store.tar.gz";
  const std::string cmd = "tar xzf '" + tarball + "' -C '" + dir + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;  // NOLINT(concurrency-mt-unsafe)
  s.root = dir + "/store";
  engine::StoreOptions& o = s.options;
  o.root_dir = s.root;
  o.commit_log.file_size = 4194304;
  o.consume_queue_units_per_file = 300;
  o.index_hash_slot_num = 5000;
  o.index_num = 20000;
  o.preallocate_commit_log = false;
  for (const std::string name : {"00000000000000000000", "00000000000004194304"}) {
    std::ifstream f(s.root + "/commitlog/" + name, std::ios::binary);
    const std::string bytes(std::istreambuf_iterator<char>(f), {});
    size_t pos = 0;
    while (pos < bytes.size()) {
      const engine::DecodeResult r = engine::DecodeRecord(
          AsBytes(std::string_view(bytes).substr(pos)), engine::CrcCheck::kVerify);
      if (r.status != engine::DecodeStatus::kRecord) break;
      const engine::RecordView& v = r.record;
      StoredMessage m;
      m.offset = v.physical_offset;
      m.size = v.total_size();
      m.topic = std::string(v.topic);
      m.queue_id = v.queue_id;
      m.queue_offset = v.queue_offset;
      m.sys_flag = v.sys_flag;
      m.body = std::string(AsChars(v.body));
      m.keys = std::string(engine::FindProperty(v.properties, "KEYS").value_or(""));
      m.uniq_key = std::string(engine::FindProperty(v.properties, "UNIQ_KEY").value_or(""));
      const int32_t tx = engine::format::TransactionType(v.sys_flag);
      m.dispatched = tx == 0 || tx == engine::format::kTransactionCommitType;
      s.messages.push_back(m);
      pos += v.raw.size();
    }
  }
  EXPECT_EQ(s.messages.size(), 201u);
  return s;
}

void PatchBytes(const std::string& path, int64_t pos, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekp(pos);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string ReadBytes(const std::string& path, int64_t pos, size_t n) {
  std::ifstream f(path, std::ios::binary);
  f.seekg(pos);
  std::string out(n, '\0');
  f.read(out.data(), static_cast<std::streamsize>(n));
  return out;
}

void FlipByte(const std::string& path, int64_t pos) {
  std::string b = ReadBytes(path, pos, 1);
  b[0] = static_cast<char>(b[0] ^ 0xFF);
  PatchBytes(path, pos, b);
}

std::vector<std::string> ReadBackThroughBroker(const FixtureStore& s) {
  std::vector<std::string> out;
  auto store = engine::MessageStore::Open(s.options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return out;
  const engine::RecoveryReport& rep = (*store)->recovery_report();
  EXPECT_TRUE(rep.quarantined.empty()) << rep.Summary();
  EXPECT_EQ(rep.bytes_cut, 0) << rep.Summary();
  std::set<std::pair<std::string, int32_t>> queues;
  for (const StoredMessage& m : s.messages) queues.emplace(m.topic, m.queue_id);
  for (const auto& [topic, queue] : queues) {
    int64_t offset = 0;
    for (;;) {
      engine::GetMessageResult r = (*store)->GetMessage(topic, queue, offset, 32, 0, nullptr);
      for (ByteSpan b : r.messages) {
        const engine::DecodeResult d = engine::DecodeRecord(b, engine::CrcCheck::kVerify);
        EXPECT_EQ(d.status, engine::DecodeStatus::kRecord);
        out.push_back(topic + "/" + std::to_string(queue) + "/" +
                      std::to_string(d.record.queue_offset) + "=" +
                      std::string(AsChars(d.record.body)));
      }
      if (r.next_begin_offset <= offset) break;
      offset = r.next_begin_offset;
    }
  }
  (*store)->Shutdown();
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Expected(const FixtureStore& s, const std::vector<int64_t>& skip) {
  std::vector<std::string> out;
  for (const StoredMessage& m : s.messages) {
    if (!m.dispatched || std::find(skip.begin(), skip.end(), m.offset) != skip.end()) continue;
    out.push_back(m.topic + "/" + std::to_string(m.queue_id) + "/" +
                  std::to_string(m.queue_offset) + "=" + m.body);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tern::testing
