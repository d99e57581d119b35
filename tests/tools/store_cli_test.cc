// `tern store ...` as a user runs it: the real binary, its exit codes (0 clean / 1 defects /
// 2 cannot read or refused), its --json output, and repair's refusal while a broker holds the
// store's lock.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "engine/file_system.h"
#include "engine/metadata/fastjson.h"
#include "tests/tools/store_fixture.h"
#include "tests/util/temp_dir.h"

namespace tern::inspect {
namespace {

struct CliRun {
  int code = -1;
  std::string out;
};

CliRun Tern(const std::string& args) {
  const std::string cmd = std::string(TERN_BINARY) + " " + args + " 2>/dev/null";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");  // NOLINT(cert-env33-c): the test runs the tool
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(StoreCli, ExitCodesFollowTheStoresState) {
  ::tern::testing::TempDir dir;
  testing::FixtureStore s = testing::ExtractJavaStore(dir.path());
  const std::string root = "'" + s.root + "'";

  CliRun clean = Tern("store verify " + root);
  EXPECT_EQ(clean.code, 0) << clean.out;
  EXPECT_NE(clean.out.find("result: clean"), std::string::npos) << clean.out;
  EXPECT_EQ(Tern("store verify /nonexistent/store").code, 2);
  EXPECT_EQ(Tern("store stat " + root).code, 0);
  CliRun dump = Tern("store dump " + root + " --json --limit 2 --body base64");
  EXPECT_EQ(dump.code, 0);
  EXPECT_EQ(std::count(dump.out.begin(), dump.out.end(), '\n'), 2) << dump.out;
  EXPECT_EQ(Tern("store find " + root + " --key k-kq1kd-0").code, 0);
  EXPECT_EQ(Tern("store find " + root + " --key no-such-key --no-scan").code, 1);

  // A torn tail: verify exits 1 and says where; a dry-run repair changes nothing.
  const testing::StoredMessage& last = s.Last();
  testing::PatchBytes(s.CommitLogFile(last.offset), last.offset - s.FileStart(last.offset) + 100,
                      std::string(static_cast<size_t>(last.size - 100), '\0'));
  CliRun bad = Tern("store verify --json " + root);
  EXPECT_EQ(bad.code, 1);
  rapidjson::Document doc;
  ASSERT_TRUE(engine::metadata::ParseStrictJson(bad.out, doc).ok()) << bad.out;
  EXPECT_FALSE(doc["clean"].GetBool());
  ASSERT_GE(doc["findings"].Size(), 1u);
  EXPECT_STREQ(doc["findings"][0]["kind"].GetString(), "torn_tail");
  EXPECT_EQ(doc["findings"][0]["logOffset"].GetInt64(), last.offset);
  EXPECT_EQ(Tern("store repair " + root).code, 1);
  EXPECT_EQ(Tern("store verify " + root).code, 1);

  // Repair refuses while the store is locked (as a running broker locks it).
  {
    auto lock = engine::DefaultFileSystem()->LockFile(s.root + "/lock");
    ASSERT_TRUE(lock.ok());
    CliRun refused = Tern("store repair --yes " + root);
    EXPECT_EQ(refused.code, 2) << refused.out;
  }
  CliRun fixed = Tern("store repair --yes " + root);
  EXPECT_EQ(fixed.code, 0) << fixed.out;
  EXPECT_NE(fixed.out.find("verify after repair: clean"), std::string::npos) << fixed.out;
  EXPECT_EQ(Tern("store verify " + root).code, 0);
}

}  // namespace
}  // namespace tern::inspect
