// temp_dir.h: a fresh directory under $TMPDIR (or /tmp) for one test, removed on destruction
// unless TERN_KEEP_TEST_DIRS is set. Not thread-safe; one per test.
#pragma once

#include <string>

namespace tern::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Recursively removes `path` (no error if absent).
void RemoveTree(const std::string& path);
// Recursively copies directory `from` to `to` (which must not exist).
void CopyTree(const std::string& from, const std::string& to);
// Directory holding committed test data (tests/testdata), from $TERN_TESTDATA.
std::string TestDataDir();

}  // namespace tern::testing
