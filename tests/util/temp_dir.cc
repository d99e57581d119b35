#include "tests/util/temp_dir.h"

#include <cstdlib>
#include <filesystem>

#include "engine/base/check.h"

namespace tern::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): test setup
  std::string tmpl =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/tern-test-XXXXXX";
  TERN_CHECK(::mkdtemp(tmpl.data()) != nullptr);
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (std::getenv("TERN_KEEP_TEST_DIRS") == nullptr) {  // NOLINT(concurrency-mt-unsafe)
    RemoveTree(path_);
  }
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

void CopyTree(const std::string& from, const std::string& to) {
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

std::string TestDataDir() {
  const char* dir = std::getenv("TERN_TESTDATA");  // NOLINT(concurrency-mt-unsafe)
  if (dir != nullptr) return dir;
  return std::string(TERN_SOURCE_DIR) + "/tests/testdata";
}

}  // namespace tern::testing
