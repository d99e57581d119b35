// file_allocator.h: creates and pre-faults the CommitLog's next file in the background.
//
// A write into a cold page of a fresh mapping costs a page fault (measured ~7x slower than a
// warm write on the target machine), and creating a 1 GiB file under the append lock would
// stall every producer. So when the appender starts writing file N, it asks for file N+1
// here; a background thread creates it (fallocate + map) and faults its pages in. At the roll
// the appender Take()s it, waiting only if it is still being prepared, or creating it inline
// if it was never requested.
//
// Thread safety: all methods are thread-safe. Owns one thread between Start() and Stop().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"
#include "engine/mapped_file.h"

namespace tern::engine {

class FileAllocator {
 public:
  FileAllocator(FileSystem* fs, bool prefault);
  ~FileAllocator();
  FileAllocator(const FileAllocator&) = delete;
  FileAllocator& operator=(const FileAllocator&) = delete;

  void Start();
  // Stops the thread; prepared but untaken files stay on disk (recovery treats them as empty
  // files beyond the end of data and deletes them).
  void Stop();

  // Asks for `dir`/`from_offset` to be prepared in the background. Idempotent.
  void Request(const std::string& dir, int64_t from_offset, size_t size);
  // Returns the prepared file (waiting for it if under way), or creates it now.
  absl::StatusOr<std::shared_ptr<MappedFile>> Take(const std::string& dir, int64_t from_offset,
                                                   size_t size);

  // Files created, and how many of the Take()s found their file ready (for metrics).
  int64_t created() const;
  int64_t hits() const;

 private:
  struct Job {
    // A file created inline that only needs its pages faulted in (no creation).
    std::shared_ptr<MappedFile> prefault_only;
    std::string dir;
    int64_t from_offset = 0;
    size_t size = 0;
    bool started = false;  // picked up by the worker
    bool done = false;
    absl::StatusOr<std::shared_ptr<MappedFile>> result = absl::UnknownError("pending");
  };
  static std::string Key(const std::string& dir, int64_t from);
  void Run();
  absl::StatusOr<std::shared_ptr<MappedFile>> CreateNow(const std::string& dir, int64_t from,
                                                        size_t size);

  FileSystem* const fs_;
  const bool prefault_;
  mutable Mutex mu_;
  CondVar cv_;  // signalled when a job is added, finished, or on stop
  std::map<std::string, std::shared_ptr<Job>> jobs_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t created_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace tern::engine
