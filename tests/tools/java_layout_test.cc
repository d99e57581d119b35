// A store laid out byte for byte as protocol.md sections 4 and 5 describe a Java RocketMQ 4.x
// store, built here by hand (not by Tern's engine): the section 4.1 test vector record at
// CommitLog offset 0x40000100 in a file named by its start offset, a BLANK filler with stale
// bytes after its header (as 4.8.0 leaves), a second file; ConsumeQueue files with filler units
// (0, INT_MAX, 0) before the first real unit and a SCHEDULE_TOPIC_XXXX unit whose tags code is
// the delivery time; an IndexFile built by the 5.3 algorithm; a checkpoint without Tern's
// extension; fastjson config files with unquoted integer keys. Every `tern store` subcommand
// must read it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/base/bytes.h"
#include "engine/base/java_hash.h"
#include "engine/commit_log_codec.h"
#include "engine/commit_log_format.h"
#include "engine/index/index_file_format.h"
#include "engine/inspect/dump.h"
#include "engine/inspect/find.h"
#include "engine/inspect/repair.h"
#include "engine/inspect/stat.h"
#include "engine/inspect/verify.h"
#include "engine/mapped_file.h"
#include "tests/util/temp_dir.h"
#include "tests/util/test_records.h"

namespace tern::inspect {
namespace {

using std::string_literals::operator""s;

constexpr int64_t kFileSize = 4 * 1024 * 1024;
constexpr int64_t kBase = 0x40000000;  // 1073741824: a multiple of the file size
constexpr int64_t kVectorOffset = 0x40000100;
constexpr int64_t kVectorStoreTs = 1700000000123;

// protocol.md 4.1: the test vector record, 179 bytes.
std::string VectorRecord() {
  static constexpr char kHex[] =
      "000000b3daa320a777d189820000000100000000000000000000001100000000"
      "40000100000000000000018bcfe56800c0a801140000d0a40000018bcfe5687b"
      "c0a8010a00002a9f0000000000000000000000000000000548656c6c6f09546f"
      "70696354657374004a554e49515f4b4559014330413830313041314636383138"
      "4234414143323036344535413733303030310254414753015461674102434c55"
      "535445520144656661756c74436c7573746572";
  std::string out;
  const std::string hex(kHex);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string Encode(testing::TestMessage m, int64_t phys, int64_t qo, int64_t store_ts) {
  std::vector<uint8_t> bytes = m.Encode();
  engine::PatchAppendFields(bytes.data(), QueueOffset(qo), PhysicalOffset(phys), store_ts);
  return std::string(bytes.begin(), bytes.end());
}

std::string Be32(int32_t v) {
  std::string s(4, '\0');
  StoreBE32(reinterpret_cast<uint8_t*>(s.data()), static_cast<uint32_t>(v));
  return s;
}
std::string Be64(int64_t v) {
  std::string s(8, '\0');
  StoreBE64(reinterpret_cast<uint8_t*>(s.data()), static_cast<uint64_t>(v));
  return s;
}
std::string Unit(int64_t phys, int32_t size, int64_t tags) {
  return Be64(phys) + Be32(size) + Be64(tags);
}

void WriteFile(const std::string& path, const std::string& bytes, size_t size = 0) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::string data = bytes;
  if (size > data.size()) data.resize(size, '\0');
  std::ofstream(path, std::ios::binary)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
}

struct JavaLayoutStore {
  std::string root;
  int64_t schedule_offset = 0;
  int64_t third_offset = 0;
};

JavaLayoutStore Build(const std::string& root) {
  JavaLayoutStore s;
  s.root = root;
  // CommitLog file 1 (named by its start offset): A (queue 1, offset 16) fills [0, 0x100), the
  // vector (queue 1, offset 17) follows, then a delayed message, then a BLANK to the end.
  testing::TestMessage a;
  a.topic = "TopicTest";
  a.queue_id = 1;
  a.body = std::string(256 - 91 - 9, 'a');
  a.born_host = engine::HostPort::Ipv4(192, 168, 1, 20, 53412);
  a.store_host = engine::HostPort::Ipv4(192, 168, 1, 10, 10911);
  std::string log = Encode(a, kBase, 16, kVectorStoreTs - 1000);
  EXPECT_EQ(log.size(), 0x100u);
  log += VectorRecord();
  testing::TestMessage d = a;
  d.topic = "SCHEDULE_TOPIC_XXXX";
  d.queue_id = 2;  // level 3
  d.body = "later";
  d.properties.clear();
  d.WithProperty("REAL_TOPIC", "TopicTest")
      .WithProperty("REAL_QID", "1")
      .WithProperty("DELAY", "3");
  s.schedule_offset = kBase + static_cast<int64_t>(log.size());
  const std::string delayed = Encode(d, s.schedule_offset, 0, kVectorStoreTs + 1);
  log += delayed;
  const auto blank_at = static_cast<int64_t>(log.size());
  log += Be32(static_cast<int32_t>(kFileSize - blank_at)) + Be32(engine::format::kBlankMagic);
  log += VectorRecord().substr(8);  // stale encode-buffer bytes, as 4.8.0 leaves them
  WriteFile(root + "/commitlog/" + engine::FileNameForOffset(kBase), log, kFileSize);
  // File 2: one more TopicTest message (queue 1, offset 18), with a tag.
  testing::TestMessage c = a;
  c.body = "third";
  c.WithTag("TagC").WithUniqKey("UNIQ-THIRD");
  s.third_offset = kBase + kFileSize;
  const std::string third = Encode(c, s.third_offset, 18, kVectorStoreTs + 2);
  WriteFile(root + "/commitlog/" + engine::FileNameForOffset(kBase + kFileSize), third, kFileSize);

  // ConsumeQueues (300 units per file, 6000 bytes, like the 4.8.0 recording).
  std::string cq;
  for (int k = 0; k < 16; ++k) cq += Unit(0, 0x7fffffff, 0);  // fillers: a rebuilt queue front
  cq += Unit(kBase, 0x100, 0);
  cq += "\x00\x00\x00\x00\x40\x00\x01\x00\x00\x00\x00\xb3\x00\x00\x00\x00\x00\x27\xa8\x07"s;
  cq += Unit(s.third_offset, static_cast<int32_t>(third.size()), JavaStringHashCode("TagC"));
  WriteFile(root + "/consumequeue/TopicTest/1/" + engine::FileNameForOffset(0), cq, 6000);
  // Level 3 is 10 s: the tags code is the delivery time.
  WriteFile(
      root + "/consumequeue/SCHEDULE_TOPIC_XXXX/2/" + engine::FileNameForOffset(0),
      Unit(s.schedule_offset, static_cast<int32_t>(delayed.size()), kVectorStoreTs + 1 + 10000),
      6000);

  // IndexFile (16 slots, 64 entries) holding the vector's and the third message's unique keys,
  // put by the 5.3 algorithm.
  const int32_t slots = 16;
  std::string index(engine::IndexFileSize(slots, 64), '\0');
  int32_t count = 1;
  int32_t used_slots = 0;
  auto put = [&](const std::string& key, int64_t phys, int64_t ts, int64_t begin_ts) {
    const int32_t h = engine::IndexKeyHash(key);
    const size_t slot_pos = engine::IndexSlotPos(h % slots);
    const int32_t prev = LoadBEI32(reinterpret_cast<const uint8_t*>(index.data()) + slot_pos);
    if (prev == 0) ++used_slots;
    const std::string entry =
        Be32(h) + Be64(phys) + Be32(static_cast<int32_t>((ts - begin_ts) / 1000)) + Be32(prev);
    index.replace(engine::IndexEntryPos(slots, count), 20, entry);
    index.replace(slot_pos, 4, Be32(count));
    ++count;
  };
  put("TopicTest#C0A8010A1F6818B4AAC2064E5A730001", kVectorOffset, kVectorStoreTs, 0);
  put("TopicTest#UNIQ-THIRD", s.third_offset, kVectorStoreTs + 2, kVectorStoreTs);
  index.replace(0, 40,
                Be64(kVectorStoreTs) + Be64(kVectorStoreTs + 2) + Be64(kVectorOffset) +
                    Be64(s.third_offset) + Be32(used_slots) + Be32(count));
  WriteFile(root + "/index/20231114221320123", index);

  // Checkpoint: the three Java timestamps, no Tern extension.
  WriteFile(root + "/checkpoint", Be64(kVectorStoreTs) + Be64(kVectorStoreTs) + Be64(0), 4096);
  WriteFile(root + "/lock", "lock");
  WriteFile(root + "/config/topics.json",
            "{\n\t\"dataVersion\":{\n\t\t\"counter\":1,\n\t\t\"timestamp\":1700000000000\n\t},"
            "\n\t\"topicConfigTable\":{\n\t\t\"TopicTest\":{\n\t\t\t\"order\":false,\n\t\t\t"
            "\"perm\":6,\n\t\t\t\"readQueueNums\":4,\n\t\t\t\"topicFilterType\":\"SINGLE_TAG\","
            "\n\t\t\t\"topicName\":\"TopicTest\",\n\t\t\t\"topicSysFlag\":0,\n\t\t\t"
            "\"writeQueueNums\":4\n\t\t}\n\t}\n}");
  WriteFile(root + "/config/consumerOffset.json",
            "{\n\t\"offsetTable\":{\n\t\t\"TopicTest@GroupA\":{0:0,1:17\n\t\t}\n\t}\n}");
  return s;
}

engine::FileSystem& Fs() { return *engine::DefaultFileSystem(); }

TEST(JavaLayoutStore, VerifyFindsItClean) {
  ::tern::testing::TempDir dir;
  const JavaLayoutStore s = Build(dir.Sub("store"));
  absl::StatusOr<VerifyReport> r = VerifyStore(Fs(), s.root, VerifyOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->clean()) << VerifyReportText(*r);
  EXPECT_EQ(r->warning_count, 0) << VerifyReportText(*r);
  EXPECT_EQ(r->records, 4);
  EXPECT_EQ(r->blanks, 1);
  EXPECT_EQ(r->log_min_offset, kBase);
  EXPECT_EQ(r->cq_fillers, 16);
  EXPECT_EQ(r->index_entries, 2);
  EXPECT_EQ(r->layout.geometry.commit_log_file_size, static_cast<uint64_t>(kFileSize));
  EXPECT_EQ(r->layout.geometry.cq_units_per_file, 300u);
  EXPECT_EQ(r->layout.geometry.index_hash_slot_num, 16);
  // A wrong delivery time for the delayed message is caught.
  std::fstream f(s.root + "/consumequeue/SCHEDULE_TOPIC_XXXX/2/" + engine::FileNameForOffset(0),
                 std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(12);
  f.write(Be64(kVectorStoreTs + 1 + 5000).data(), 8);
  f.close();
  r = VerifyStore(Fs(), s.root, VerifyOptions{});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->defect_count, 1) << VerifyReportText(*r);
  EXPECT_EQ(r->defects[0].kind, "cq_mismatch");
  EXPECT_NE(r->defects[0].message.find("delivery time"), std::string::npos);
}

TEST(JavaLayoutStore, DumpShowsTheTestVectorAsDocumented) {
  ::tern::testing::TempDir dir;
  const JavaLayoutStore s = Build(dir.Sub("store"));
  DumpOptions o;
  o.filter.msg_id = "C0A8010A00002A9F0000000040000100";
  std::vector<std::string> lines;
  ASSERT_TRUE(DumpStore(
                  Fs(), s.root, o, [&](std::string_view l) { lines.emplace_back(l); },
                  [](std::string_view) {})
                  .ok());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "offset=1073742080 size=179 msgId=C0A8010A00002A9F0000000040000100 topic=TopicTest "
            "queue=1 queueOffset=17 store=2023-11-14T22:13:20.123Z born=2023-11-14T22:13:20.000Z "
            "bornHost=192.168.1.20:53412 storeHost=192.168.1.10:10911 sysFlag=0x0 "
            "props={UNIQ_KEY=C0A8010A1F6818B4AAC2064E5A730001, TAGS=TagA, CLUSTER=DefaultCluster} "
            "bodyLength=5 body=\"Hello\"");
  DumpOptions all;
  lines.clear();
  ASSERT_TRUE(DumpStore(
                  Fs(), s.root, all, [&](std::string_view l) { lines.emplace_back(l); },
                  [](std::string_view n) { ADD_FAILURE() << n; })
                  .ok());
  EXPECT_EQ(lines.size(), 4u);
}

TEST(JavaLayoutStore, StatAndFindReadIt) {
  ::tern::testing::TempDir dir;
  const JavaLayoutStore s = Build(dir.Sub("store"));
  absl::StatusOr<StoreStat> st = StatStore(Fs(), s.root, StatOptions{});
  ASSERT_TRUE(st.ok()) << st.status();
  bool found = false;
  for (const QueueStat& q : st->queues) {
    if (q.topic != "TopicTest") continue;
    found = true;
    EXPECT_EQ(q.queue_id, 1);
    EXPECT_EQ(q.messages, 3);
    EXPECT_EQ(q.min_queue_offset, 16);
    EXPECT_EQ(q.max_queue_offset, 18);
    EXPECT_EQ(q.cq_min, 16);  // past the fillers
    EXPECT_EQ(q.cq_max, 19);
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(st->lags.size(), 1u);
  EXPECT_EQ(st->lags[0].group, "GroupA");
  EXPECT_EQ(st->lags[0].total_lag, 2);  // queue 1: 19 - 17; queue 0 has no messages

  auto find = [&](FindOptions o) {
    std::vector<std::string> lines;
    absl::StatusOr<FindResult> r =
        FindMessages(Fs(), s.root, o, [&](std::string_view l) { lines.emplace_back(l); });
    EXPECT_TRUE(r.ok()) << r.status();
    return std::make_pair(r->method, lines.size());
  };
  FindOptions by_offset_id;
  by_offset_id.id = "C0A8010A00002A9F0000000040000100";
  EXPECT_EQ(find(by_offset_id), std::make_pair(std::string("offset message id"), size_t{1}));
  FindOptions by_uniq;
  by_uniq.id = "C0A8010A1F6818B4AAC2064E5A730001";
  EXPECT_EQ(find(by_uniq), std::make_pair(std::string("index"), size_t{1}));
  FindOptions third;
  third.id = "UNIQ-THIRD";
  third.topic = "TopicTest";
  EXPECT_EQ(find(third), std::make_pair(std::string("index"), size_t{1}));

  absl::StatusOr<RepairReport> rep = RepairStore(Fs(), s.root, RepairOptions{});
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_TRUE(rep->NothingToDo()) << RepairReportText(*rep);
}

}  // namespace
}  // namespace tern::inspect
