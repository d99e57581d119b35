#include "engine/file_allocator.h"

#include <fmt/format.h>

#include "engine/base/thread_name.h"

namespace tern::engine {

FileAllocator::FileAllocator(FileSystem* fs, bool prefault) : fs_(fs), prefault_(prefault) {}

FileAllocator::~FileAllocator() { Stop(); }

void FileAllocator::Start() {
  MutexLock lock(&mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void FileAllocator::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
}

std::string FileAllocator::Key(const std::string& dir, int64_t from) {
  return fmt::format("{}/{}", dir, from);
}

void FileAllocator::Request(const std::string& dir, int64_t from_offset, size_t size) {
  MutexLock lock(&mu_);
  if (stopping_ || !thread_.joinable()) return;
  auto& job = jobs_[Key(dir, from_offset)];
  if (job) return;
  job = std::make_shared<Job>();
  job->dir = dir;
  job->from_offset = from_offset;
  job->size = size;
  cv_.SignalAll();
}

absl::StatusOr<std::shared_ptr<MappedFile>> FileAllocator::CreateNow(const std::string& dir,
                                                                     int64_t from, size_t size) {
  absl::StatusOr<std::shared_ptr<MappedFile>> file = MappedFile::Create(fs_, dir, from, size);
  if (file.ok() && prefault_) (*file)->Prefault();
  return file;
}

absl::StatusOr<std::shared_ptr<MappedFile>> FileAllocator::Take(const std::string& dir,
                                                                int64_t from_offset, size_t size) {
  std::shared_ptr<Job> job;
  {
    MutexLock lock(&mu_);
    auto it = jobs_.find(Key(dir, from_offset));
    if (it != jobs_.end()) {
      if (it->second->started) job = it->second;
      jobs_.erase(it);  // a job not yet started is simply dropped and done inline below
    }
    if (job) {
      while (!job->done) cv_.Wait(&mu_);
      if (job->result.ok()) {
        ++hits_;
        return job->result;
      }
    }
    ++created_;
  }
  const std::string path = JoinPath(dir, FileNameForOffset(from_offset));
  if (job && fs_->Exists(path)) {
    // A failed background attempt may have left a half-made file; retry inline so the error
    // the caller sees is current.
    (void)fs_->DeleteFile(path);
  }
  absl::StatusOr<std::shared_ptr<MappedFile>> file =
      MappedFile::Create(fs_, dir, from_offset, size);
  if (file.ok() && prefault_) {
    MutexLock lock(&mu_);
    if (!stopping_ && thread_.joinable()) {
      auto pf = std::make_shared<Job>();
      pf->prefault_only = *file;
      jobs_[Key(dir, from_offset) + "#prefault"] = std::move(pf);
      cv_.SignalAll();
    }
  }
  return file;
}

void FileAllocator::Run() {
  SetThreadName("tern-allocate");
  for (;;) {
    std::shared_ptr<Job> job;
    {
      MutexLock lock(&mu_);
      auto pending = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> std::shared_ptr<Job> {
        for (auto& [key, j] : jobs_) {
          if (!j->started) return j;
        }
        return nullptr;
      };
      while (!stopping_ && pending() == nullptr) cv_.Wait(&mu_);
      if (stopping_) {
        // Wake any Take() waiting on a job that will never be built.
        jobs_.clear();  // nothing is in progress here, so nobody waits on these
        return;
      }
      job = pending();
      job->started = true;
    }
    if (job->prefault_only) {
      job->prefault_only->Prefault();
      MutexLock lock(&mu_);
      for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
        if (it->second == job) {
          jobs_.erase(it);
          break;
        }
      }
      continue;
    }
    absl::StatusOr<std::shared_ptr<MappedFile>> file =
        CreateNow(job->dir, job->from_offset, job->size);
    MutexLock lock(&mu_);
    if (file.ok()) ++created_;
    job->result = std::move(file);
    job->done = true;
    cv_.SignalAll();
  }
}

int64_t FileAllocator::created() const {
  MutexLock lock(&mu_);
  return created_;
}

int64_t FileAllocator::hits() const {
  MutexLock lock(&mu_);
  return hits_;
}

}  // namespace tern::engine
