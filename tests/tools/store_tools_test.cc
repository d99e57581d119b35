// `tern store dump`, `stat` and `find` on a store written by Tern's engine: every filter, the
// text and JSON-lines forms, zlib bodies, following a live store, consumer lag from
// consumerOffset.json, and key lookups through the index and by scan.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/commit_log_codec.h"
#include "engine/inspect/dump.h"
#include "engine/inspect/find.h"
#include "engine/inspect/stat.h"
#include "engine/metadata/fastjson.h"
#include "tests/tools/store_fixture.h"
#include "tests/util/temp_dir.h"
#include "tests/util/test_records.h"

namespace tern::inspect {
namespace {

using testing::FixtureStore;

engine::FileSystem& Fs() { return *engine::DefaultFileSystem(); }

class StoreToolsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ::tern::testing::TempDir();
    store_ = new FixtureStore(testing::WriteTernStore(dir_->Sub("store")));
  }
  static void TearDownTestSuite() {
    delete store_;
    delete dir_;
  }

  static std::vector<std::string> Dump(DumpFilter f, bool json = true,
                                       BodyFormat body = BodyFormat::kText) {
    DumpOptions o;
    o.filter = std::move(f);
    o.format.json = json;
    o.format.body = body;
    o.format.max_body = 0;
    std::vector<std::string> lines;
    absl::StatusOr<DumpStats> st = DumpStore(
        Fs(), store_->root, o, [&](std::string_view l) { lines.emplace_back(l); },
        [](std::string_view n) { ADD_FAILURE() << "unexpected note: " << n; });
    EXPECT_TRUE(st.ok()) << st.status();
    return lines;
  }

  static rapidjson::Document Parse(const std::string& line) {
    rapidjson::Document doc;
    EXPECT_TRUE(engine::metadata::ParseStrictJson(line, doc).ok()) << line;
    return doc;
  }

  static ::tern::testing::TempDir* dir_;
  static FixtureStore* store_;
};
::tern::testing::TempDir* StoreToolsTest::dir_ = nullptr;
FixtureStore* StoreToolsTest::store_ = nullptr;

TEST_F(StoreToolsTest, DumpsEveryRecordAsValidJsonLines) {
  const std::vector<std::string> lines = Dump({});
  ASSERT_EQ(lines.size(), store_->messages.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const rapidjson::Document d = Parse(lines[i]);
    const testing::StoredMessage& m = store_->messages[i];
    EXPECT_EQ(d["offset"].GetInt64(), m.offset);
    EXPECT_EQ(d["size"].GetInt(), m.size);
    EXPECT_EQ(std::string(d["topic"].GetString()), m.topic);
    EXPECT_EQ(d["queueOffset"].GetInt64(), m.queue_offset);
    EXPECT_EQ(std::string(d["msgId"].GetString()),
              engine::OffsetMessageId(engine::HostPort::Ipv4(127, 0, 0, 1, 10911),
                                      PhysicalOffset(m.offset)));
    if (m.topic == "TopicZ") {
      EXPECT_EQ(std::string(d["body"].GetString()), std::string(5000, 'z') + "end");
      EXPECT_EQ(std::string(d["bodyNote"].GetString()), "zlib-inflated");
    } else {
      EXPECT_EQ(std::string(d["body"].GetString()), m.body);
    }
    if (!m.keys.empty()) {
      EXPECT_EQ(std::string(d["properties"]["KEYS"].GetString()), m.keys);
    }
  }
}

TEST_F(StoreToolsTest, TextLinesCarryOffsetsHostsPropertiesAndBody) {
  DumpFilter f;
  f.key = "key-7";
  const std::vector<std::string> lines = Dump(f, /*json=*/false);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("topic=TopicA queue=3"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("storeHost=127.0.0.1:10911"), std::string::npos);
  EXPECT_NE(lines[0].find("KEYS=key-7 shared"), std::string::npos);
  EXPECT_NE(lines[0].find("body=\"body-7-"), std::string::npos);
  const std::vector<std::string> hex = Dump(f, false, BodyFormat::kHex);
  EXPECT_NE(hex[0].find("body.hex=626f64792d372d"), std::string::npos) << hex[0];
  const std::vector<std::string> b64 = Dump(f, false, BodyFormat::kBase64);
  EXPECT_NE(b64[0].find("body.base64=Ym9keS03LX"), std::string::npos) << b64[0];
}

TEST_F(StoreToolsTest, FiltersSelectExactlyTheirMessages) {
  auto count = [](auto pred) {
    size_t n = 0;
    for (const testing::StoredMessage& m : store_->messages) n += pred(m) ? 1 : 0;
    return n;
  };
  DumpFilter topic_queue;
  topic_queue.topic = "TopicB";
  topic_queue.queue_id = 1;
  EXPECT_EQ(Dump(topic_queue).size(),
            count([](const auto& m) { return m.topic == "TopicB" && m.queue_id == 1; }));

  DumpFilter range;
  range.topic = "TopicA";
  range.queue_id = 2;
  range.from_queue_offset = 5;
  range.to_queue_offset = 10;
  const std::vector<std::string> in_range = Dump(range);
  ASSERT_EQ(in_range.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(Parse(in_range[i])["queueOffset"].GetInt64(), static_cast<int64_t>(5 + i));
  }

  DumpFilter phys;
  phys.from_offset = store_->messages[100].offset;
  phys.to_offset = store_->messages[110].offset;
  EXPECT_EQ(Dump(phys).size(), 10u);

  // Store times: from message 200's on (several messages share a millisecond).
  const std::vector<std::string> all = Dump({});
  DumpFilter time;
  time.from_time = Parse(all[200])["storeTimestamp"].GetInt64();
  time.to_time = Parse(all.back())["storeTimestamp"].GetInt64() + 1;
  size_t expected = 0;
  for (const std::string& l : all) {
    const int64_t t = Parse(l)["storeTimestamp"].GetInt64();
    expected += t >= time.from_time && t < time.to_time ? 1 : 0;
  }
  EXPECT_EQ(Dump(time).size(), expected);
  EXPECT_GE(expected, 200u);

  DumpFilter key;
  key.key = "shared";
  EXPECT_EQ(Dump(key).size(), 400u);
  DumpFilter tag;
  tag.tag = "TagA";
  EXPECT_EQ(Dump(tag).size(), 200u);

  DumpFilter by_offset_id;
  by_offset_id.msg_id = Parse(all[42])["msgId"].GetString();
  ASSERT_EQ(Dump(by_offset_id).size(), 1u);
  EXPECT_EQ(Parse(Dump(by_offset_id)[0])["offset"].GetInt64(), store_->messages[42].offset);
  DumpFilter by_uniq;
  by_uniq.msg_id = store_->messages[42].uniq_key;
  EXPECT_EQ(Dump(by_uniq).size(), 1u);
}

TEST_F(StoreToolsTest, StatCountsQueuesAndConsumerLag) {
  ::tern::testing::TempDir dir;
  const std::string root = dir.Sub("store");
  ::tern::testing::CopyTree(store_->root, root);
  std::filesystem::create_directories(root + "/config");
  std::ofstream(root + "/config/consumerOffset.json")
      << "{\n\t\"offsetTable\":{\n\t\t\"TopicA@G1\":{0:5,1:-1\n\t\t}\n\t}\n}";
  StatOptions o;
  absl::StatusOr<StoreStat> st = StatStore(Fs(), root, o);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->records, static_cast<int64_t>(store_->messages.size()));
  int64_t a0 = 0;
  int64_t a1 = 0;
  for (const testing::StoredMessage& m : store_->messages) {
    if (m.topic == "TopicA" && m.dispatched) (m.queue_id == 0 ? a0 : a1) += m.queue_id <= 1;
  }
  bool seen = false;
  for (const QueueStat& q : st->queues) {
    if (q.topic == "TopicA" && q.queue_id == 0) {
      seen = true;
      EXPECT_EQ(q.cq_max, a0);
      EXPECT_EQ(q.min_queue_offset, 0);
      EXPECT_EQ(q.max_queue_offset, a0 - 1);
      EXPECT_GT(q.newest_store_timestamp, 0);
    }
  }
  EXPECT_TRUE(seen);
  ASSERT_EQ(st->lags.size(), 1u);
  EXPECT_EQ(st->lags[0].group, "G1");
  ASSERT_EQ(st->lags[0].queues.size(), 2u);
  EXPECT_EQ(st->lags[0].queues[0].lag, a0 - 5);
  EXPECT_EQ(st->lags[0].queues[1].lag, a1);
  EXPECT_EQ(st->disk[0].kind, "commitlog");
  EXPECT_EQ(st->disk[0].files, static_cast<int64_t>(st->layout.commit_log_files.size()));
  ASSERT_EQ(st->expiry.size(), st->layout.commit_log_files.size());
  EXPECT_EQ(st->expiry.back().deleted_at, 0);  // the active file
  EXPECT_GE(st->expiry.front().deleted_at, st->expiry.front().expires);
  rapidjson::Document doc;
  EXPECT_TRUE(engine::metadata::ParseStrictJson(StatJson(*st), doc).ok());
  EXPECT_NE(StatText(*st).find("G1"), std::string::npos);
}

TEST_F(StoreToolsTest, FindsByKeyAndIdThroughTheIndexThenByScan) {
  auto find = [](const std::string& root, FindOptions o) {
    std::vector<std::string> lines;
    absl::StatusOr<FindResult> r =
        FindMessages(Fs(), root, o, [&](std::string_view l) { lines.emplace_back(l); });
    EXPECT_TRUE(r.ok()) << r.status();
    return std::make_pair(*r, lines);
  };
  FindOptions key;
  key.key = "key-123";
  auto [r1, l1] = find(store_->root, key);
  EXPECT_EQ(r1.method, "index");
  ASSERT_EQ(l1.size(), 1u);
  EXPECT_NE(l1[0].find("body=\"body-123-"), std::string::npos);

  FindOptions shared;
  shared.key = "shared";
  shared.topic = "TopicB";
  EXPECT_EQ(find(store_->root, shared).second.size(), 134u);  // i % 3 == 0, i < 400

  FindOptions uniq;
  uniq.id = store_->messages[300].uniq_key;
  auto [r2, l2] = find(store_->root, uniq);
  EXPECT_EQ(r2.method, "index");
  EXPECT_EQ(l2.size(), 1u);

  FindOptions offset_id;
  offset_id.id = engine::OffsetMessageId(engine::HostPort::Ipv4(127, 0, 0, 1, 10911),
                                         PhysicalOffset(store_->messages[300].offset));
  auto [r3, l3] = find(store_->root, offset_id);
  EXPECT_EQ(r3.method, "offset message id");
  EXPECT_EQ(l3.size(), 1u);

  // Without an index: a scan finds the same.
  ::tern::testing::TempDir dir;
  const std::string root = dir.Sub("store");
  ::tern::testing::CopyTree(store_->root, root);
  std::filesystem::remove_all(root + "/index");
  auto [r4, l4] = find(root, key);
  EXPECT_EQ(r4.method, "scan");
  EXPECT_EQ(l4, l1);
  key.scan_fallback = false;
  EXPECT_EQ(find(root, key).second.size(), 0u);
}

TEST(StoreDumpFollow, TailsALiveStoreAcrossFileRolls) {
  ::tern::testing::TempDir dir;
  FixtureStore s = testing::WriteTernStore(dir.Sub("store"));
  auto live = engine::MessageStore::Open(s.options);
  ASSERT_TRUE(live.ok()) << live.status();

  DumpOptions o;
  o.follow = true;
  o.filter.topic = "Live";
  o.limit = 100;
  o.poll_interval = std::chrono::milliseconds(10);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  o.stop = [&] { return std::chrono::steady_clock::now() > deadline; };
  std::vector<std::string> lines;
  std::atomic<bool> done{false};
  std::thread follower([&] {
    absl::StatusOr<DumpStats> st = DumpStore(
        Fs(), s.root, o, [&](std::string_view l) { lines.emplace_back(l); },
        [](std::string_view n) { ADD_FAILURE() << n; });
    EXPECT_TRUE(st.ok()) << st.status();
    done = true;
  });
  // 100 messages of 2 KiB roll the 64 KiB files several times while the dump follows.
  for (int i = 0; i < 100; ++i) {
    testing::TestMessage m;
    m.topic = "Live";
    m.body = "live-" + std::to_string(i) + std::string(2048, '.');
    ASSERT_TRUE((*live)->PutMessage(m.View(), nullptr).ok());
    if (i % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  follower.join();
  ASSERT_TRUE(done);
  ASSERT_EQ(lines.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_NE(lines[i].find("body=\"live-" + std::to_string(i) + "."), std::string::npos) << i;
  }
}

}  // namespace
}  // namespace tern::inspect
