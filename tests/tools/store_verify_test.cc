// `tern store verify` and `repair` on real stores — one written by Tern's engine, one by Java
// RocketMQ 4.8.0 — and on copies of them with injected defects: each defect is found with its
// file and offset, repair fixes it without losing a valid record, and the repaired store passes
// verify and opens in the broker with nothing left for its recovery to do.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "engine/base/bytes.h"
#include "engine/commit_log_format.h"
#include "engine/consume_queue_format.h"
#include "engine/inspect/repair.h"
#include "engine/inspect/verify.h"
#include "engine/mapped_file.h"
#include "engine/metadata/fastjson.h"
#include "tests/tools/store_fixture.h"
#include "tests/util/temp_dir.h"

namespace tern::inspect {
namespace {

using testing::FixtureStore;
using testing::StoredMessage;

engine::FileSystem& Fs() { return *engine::DefaultFileSystem(); }

VerifyReport Verify(const FixtureStore& s) {
  absl::StatusOr<VerifyReport> r = VerifyStore(Fs(), s.root, VerifyOptions{});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : VerifyReport{};
}

const Defect* FindDefect(const VerifyReport& r, std::string_view kind) {
  for (const Defect& d : r.defects) {
    if (d.kind == kind && d.severity == Severity::kDefect) return &d;
  }
  return nullptr;
}

std::string Describe(const VerifyReport& r) { return VerifyReportText(r); }

RepairReport Repair(const FixtureStore& s) {
  RepairOptions o;
  o.apply = true;
  absl::StatusOr<RepairReport> r = RepairStore(Fs(), s.root, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : RepairReport{};
}

enum class Kind { kTern, kJava };

FixtureStore MakeStore(Kind kind, const ::tern::testing::TempDir& dir) {
  return kind == Kind::kTern ? testing::WriteTernStore(dir.Sub("store"))
                             : testing::ExtractJavaStore(dir.path());
}

class StoreVerifyTest : public ::testing::TestWithParam<Kind> {};

TEST_P(StoreVerifyTest, CleanStoreHasNoDefects) {
  ::tern::testing::TempDir dir;
  const FixtureStore s = MakeStore(GetParam(), dir);
  const VerifyReport r = Verify(s);
  EXPECT_TRUE(r.clean()) << Describe(r);
  EXPECT_EQ(r.warning_count, 0) << Describe(r);
  EXPECT_EQ(r.records, static_cast<int64_t>(s.messages.size()));
  EXPECT_EQ(r.log_end_offset, s.Last().offset + s.Last().size);
  int64_t dispatched = 0;
  for (const StoredMessage& m : s.messages) dispatched += m.dispatched ? 1 : 0;
  EXPECT_EQ(r.cq_units - r.cq_fillers, dispatched);
  EXPECT_GT(r.index_entries, 0);
  EXPECT_GE(r.blanks, 1);
  // The JSON report is standard JSON.
  rapidjson::Document doc;
  EXPECT_TRUE(engine::metadata::ParseStrictJson(VerifyReportJson(r), doc).ok());
  EXPECT_TRUE(doc["clean"].GetBool());
  // Repair has nothing to do and writes nothing.
  RepairOptions o;
  o.apply = true;
  absl::StatusOr<RepairReport> rep = RepairStore(Fs(), s.root, o);
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_TRUE(rep->NothingToDo()) << RepairReportText(*rep);
  EXPECT_FALSE(rep->applied);
}

// One injected defect: how to make it, what verify must report, which records it loses.
struct DefectCase {
  std::string name;
  std::string kind;  // the defect verify must report
  // Damages `s`; returns the expected file and offset of the defect, and fills `lost` with
  // the offsets of records that cannot survive.
  std::function<std::pair<std::string, int64_t>(FixtureStore& s, std::vector<int64_t>& lost)>
      inject;
};

std::vector<DefectCase> Cases() {
  std::vector<DefectCase> c;
  c.push_back({"TruncatedLastRecord", "torn_tail", [](FixtureStore& s, std::vector<int64_t>& lost) {
                 const StoredMessage& m = s.Last();
                 const std::string f = s.CommitLogFile(m.offset);
                 const int64_t pos = m.offset - s.FileStart(m.offset);
                 testing::PatchBytes(f, pos + m.size / 2,
                                     std::string(static_cast<size_t>(m.size - m.size / 2), '\0'));
                 lost.push_back(m.offset);
                 return std::make_pair(f, pos);
               }});
  c.push_back(
      {"FlippedBodyByte", "corrupt_record", [](FixtureStore& s, std::vector<int64_t>& lost) {
         const StoredMessage& m = s.Middle();
         const std::string f = s.CommitLogFile(m.offset);
         const int64_t pos = m.offset - s.FileStart(m.offset);
         // The body follows BODYLENGTH at 84 (IPv4 hosts).
         testing::FlipByte(f, pos + 88 + static_cast<int64_t>(m.body.size()) / 2);
         lost.push_back(m.offset);
         return std::make_pair(f, pos);
       }});
  c.push_back(
      {"BlankMagicInTheMiddle", "corrupt_record", [](FixtureStore& s, std::vector<int64_t>&) {
         const StoredMessage& m = s.Middle();
         const std::string f = s.CommitLogFile(m.offset);
         const int64_t pos = m.offset - s.FileStart(m.offset);
         std::string magic(4, '\0');
         StoreBE32(reinterpret_cast<uint8_t*>(magic.data()),
                   static_cast<uint32_t>(engine::format::kBlankMagic));
         testing::PatchBytes(f, pos + 4, magic);
         return std::make_pair(f, pos);  // repair restores it: nothing lost
       }});
  c.push_back(
      {"ConsumeQueueUnitPastTheLog", "cq_past_end", [](FixtureStore& s, std::vector<int64_t>&) {
         const StoredMessage& m = s.Middle();
         const std::string f = s.root + "/consumequeue/" + m.topic + "/" +
                               std::to_string(m.queue_id) + "/" + engine::FileNameForOffset(0);
         std::string unit(8, '\0');
         StoreBE64(reinterpret_cast<uint8_t*>(unit.data()),
                   static_cast<uint64_t>(s.Last().offset + 1000000));
         testing::PatchBytes(f, m.queue_offset * 20, unit);
         return std::make_pair(f, m.queue_offset * 20);
       }});
  c.push_back(
      {"MissingCheckpoint", "checkpoint_missing", [](FixtureStore& s, std::vector<int64_t>&) {
         std::filesystem::remove(s.root + "/checkpoint");
         return std::make_pair(s.root + "/checkpoint", int64_t{-1});
       }});
  c.push_back(
      {"ZeroedPageInTheMiddle", "corrupt_record", [](FixtureStore& s, std::vector<int64_t>& lost) {
         const StoredMessage& m = s.Middle();
         const std::string f = s.CommitLogFile(m.offset);
         const int64_t pos = m.offset - s.FileStart(m.offset);
         const int64_t page = (pos + 4096) / 4096 * 4096;
         testing::PatchBytes(f, page, std::string(4096, '\0'));
         for (const StoredMessage& x : s.messages) {
           const int64_t at = x.offset - s.FileStart(m.offset);
           if (s.FileStart(x.offset) == s.FileStart(m.offset) && at < page + 4096 &&
               at + x.size > page) {
             lost.push_back(x.offset);
           }
         }
         for (const StoredMessage& x : s.messages) {
           if (x.offset == lost.front()) {
             return std::make_pair(f, x.offset - s.FileStart(x.offset));
           }
         }
         return std::make_pair(f, int64_t{-1});
       }});
  c.push_back({"GarbageAfterTheEnd", "torn_tail", [](FixtureStore& s, std::vector<int64_t>&) {
                 const StoredMessage& m = s.Last();
                 const std::string f = s.CommitLogFile(m.offset);
                 const int64_t pos = m.offset + m.size - s.FileStart(m.offset) + 100;
                 testing::PatchBytes(f, pos, "stale bytes from an earlier life");
                 return std::make_pair(f, pos);
               }});
  return c;
}

class StoreDefectTest : public ::testing::TestWithParam<std::tuple<Kind, size_t>> {};

TEST_P(StoreDefectTest, FoundWithFileAndOffsetAndFixedByRepair) {
  const auto [kind, index] = GetParam();
  const DefectCase dc = Cases()[index];
  ::tern::testing::TempDir dir;
  FixtureStore s = MakeStore(kind, dir);
  std::vector<int64_t> lost;
  const auto [file, offset] = dc.inject(s, lost);

  const VerifyReport before = Verify(s);
  EXPECT_FALSE(before.clean());
  const Defect* d = FindDefect(before, dc.kind);
  ASSERT_NE(d, nullptr) << dc.name << "\n" << Describe(before);
  EXPECT_EQ(d->file, file) << Describe(before);
  EXPECT_EQ(d->offset, offset) << Describe(before);

  // A dry run changes nothing.
  RepairOptions dry;
  absl::StatusOr<RepairReport> plan = RepairStore(Fs(), s.root, dry);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_FALSE(plan->applied);
  EXPECT_FALSE(plan->blocked) << RepairReportText(*plan);
  EXPECT_FALSE(plan->actions.empty());
  const VerifyReport still = Verify(s);
  EXPECT_EQ(still.defect_count, before.defect_count);

  const RepairReport rep = Repair(s);
  EXPECT_TRUE(rep.applied) << RepairReportText(rep);
  ASSERT_TRUE(rep.after.has_value());
  EXPECT_TRUE(rep.after->clean()) << RepairReportText(rep);
  EXPECT_TRUE(std::filesystem::exists(rep.backup_dir + "/REPAIR.txt"));
  // Every changed CommitLog file has its original in the backup.
  for (const RepairAction& a : rep.actions) {
    if (a.file.find("/commitlog/") != std::string::npos) {
      EXPECT_TRUE(std::filesystem::exists(rep.backup_dir + "/commitlog/" +
                                          a.file.substr(a.file.rfind('/') + 1)))
          << a.file;
    }
  }
  EXPECT_TRUE(Verify(s).clean());
  // Every record that was not damaged is still served, at its queue offset.
  EXPECT_EQ(testing::ReadBackThroughBroker(s), testing::Expected(s, lost)) << dc.name;
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreVerifyTest, ::testing::Values(Kind::kTern, Kind::kJava),
                         [](const auto& info) {
                           return std::string(info.param == Kind::kTern ? "Tern" : "Java48");
                         });

INSTANTIATE_TEST_SUITE_P(Defects, StoreDefectTest,
                         ::testing::Combine(::testing::Values(Kind::kTern, Kind::kJava),
                                            ::testing::Range<size_t>(0, Cases().size())),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == Kind::kTern ? "Tern_"
                                                                                     : "Java48_") +
                                  Cases()[std::get<1>(info.param)].name;
                         });

TEST(StoreRepair, RefusesWhileABrokerHoldsTheLock) {
  ::tern::testing::TempDir dir;
  FixtureStore s = testing::WriteTernStore(dir.Sub("store"));
  std::filesystem::remove(s.root + "/checkpoint");
  auto broker = engine::MessageStore::Open(s.options);
  ASSERT_TRUE(broker.ok());
  RepairOptions o;
  o.apply = true;
  absl::StatusOr<RepairReport> r = RepairStore(Fs(), s.root, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(r.status().message()).find("locked"), std::string::npos);
  // Read-only commands still work on the live store.
  EXPECT_TRUE(VerifyStore(Fs(), s.root, VerifyOptions{}).ok());
}

TEST(StoreRepair, RestoresAnUndecodableConfigFileFromItsBackup) {
  ::tern::testing::TempDir dir;
  FixtureStore s = testing::ExtractJavaStore(dir.path());
  const std::string topics = s.root + "/config/topics.json";
  const std::string good = testing::ReadBytes(topics + ".bak", 0, 1 << 20);
  testing::PatchBytes(topics, 0, "{\"topicConfigTable\":[[[");
  const VerifyReport before = Verify(s);
  ASSERT_NE(FindDefect(before, "config_invalid"), nullptr) << Describe(before);
  const RepairReport rep = Repair(s);
  ASSERT_TRUE(rep.after.has_value());
  EXPECT_TRUE(rep.after->clean()) << RepairReportText(rep);
  EXPECT_TRUE(std::filesystem::exists(rep.backup_dir + "/config/topics.json"));
}

TEST(StoreRepair, ZeroExtendsACutShortCommitLogFile) {
  ::tern::testing::TempDir dir;
  FixtureStore s = testing::WriteTernStore(dir.Sub("store"));
  const StoredMessage& last = s.Last();
  const std::string f = s.CommitLogFile(last.offset);
  ASSERT_NE(s.FileStart(last.offset), 0) << "the fixture must span several files";
  std::filesystem::resize_file(
      f, static_cast<uint64_t>(last.offset - s.FileStart(last.offset) + last.size / 2));
  const VerifyReport before = Verify(s);
  const Defect* d = FindDefect(before, "commitlog_file_size");
  ASSERT_NE(d, nullptr) << Describe(before);
  EXPECT_EQ(d->file, f);
  ASSERT_NE(FindDefect(before, "torn_tail"), nullptr) << Describe(before);
  const RepairReport rep = Repair(s);
  ASSERT_TRUE(rep.after.has_value());
  EXPECT_TRUE(rep.after->clean()) << RepairReportText(rep);
  EXPECT_EQ(std::filesystem::file_size(f), s.options.commit_log.file_size);
  EXPECT_EQ(testing::ReadBackThroughBroker(s), testing::Expected(s, {last.offset}));
}

TEST(StoreVerify, CannotReadAMissingDirectory) {
  absl::StatusOr<VerifyReport> r = VerifyStore(Fs(), "/nonexistent/store", VerifyOptions{});
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace tern::inspect
