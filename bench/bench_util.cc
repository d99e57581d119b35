#include "bench/bench_util.h"

#include <cstdlib>
#include <filesystem>

namespace tern::bench {

ScratchDir::ScratchDir() {
  const char* base = std::getenv("TERN_BENCH_DIR");  // NOLINT(concurrency-mt-unsafe)
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/tern-bench-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace tern::bench
