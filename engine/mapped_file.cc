#include "engine/mapped_file.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "engine/base/check.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace tern::engine {

std::string FileNameForOffset(int64_t offset) { return fmt::format("{:020d}", offset); }

bool ParseOffsetFileName(std::string_view name, int64_t* offset) {
  if (name.size() != 20) return false;
  int64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *offset = v;
  return true;
}

absl::StatusOr<std::shared_ptr<MappedFile>> MappedFile::Create(FileSystem* fs,
                                                               const std::string& dir,
                                                               int64_t from_offset, size_t size) {
  absl::StatusOr<std::unique_ptr<MappedRegion>> region =
      fs->CreateAndMap(JoinPath(dir, FileNameForOffset(from_offset)), size);
  if (!region.ok()) return region.status();
  auto file = std::make_shared<MappedFile>(fs, *std::move(region), from_offset);
  if (absl::Status s = fs->SyncDir(dir); !s.ok()) return s;
  return file;
}

absl::StatusOr<std::shared_ptr<MappedFile>> MappedFile::Open(FileSystem* fs,
                                                             const std::string& path,
                                                             int64_t from_offset, size_t size,
                                                             Access access) {
  absl::StatusOr<std::unique_ptr<MappedRegion>> region = fs->MapExisting(path, size, access);
  if (!region.ok()) return region.status();
  auto file = std::make_shared<MappedFile>(fs, *std::move(region), from_offset);
  file->write_position_.store(file->size(), std::memory_order_relaxed);
  file->flushed_position_.store(file->size(), std::memory_order_relaxed);
  return file;
}

MappedFile::MappedFile(FileSystem* fs, std::unique_ptr<MappedRegion> region, int64_t from_offset)
    : fs_(fs), region_(std::move(region)), from_offset_(from_offset) {}

void MappedFile::set_write_position(size_t pos) {
  TERN_DCHECK(pos <= size());
  write_position_.store(pos, std::memory_order_release);
}

ByteSpan MappedFile::ReadableFrom(size_t pos) const {
  const size_t wp = write_position();
  if (pos >= wp) return {};
  return ByteSpan(data() + pos, wp - pos);
}

absl::Status MappedFile::Flush() {
  const size_t target = write_position();
  const size_t flushed = flushed_position();
  if (target <= flushed) return absl::OkStatus();
  if (absl::Status s = fs_->SyncRegion(*region_, flushed, target - flushed); !s.ok()) return s;
  flushed_position_.store(target, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status MappedFile::SyncRange(size_t from, size_t to) {
  if (to <= from) return absl::OkStatus();
  return fs_->SyncRegion(*region_, from, to - from);
}

absl::Status MappedFile::TruncateTo(size_t pos) {
  TERN_CHECK(pos <= size());
  TERN_CHECK(writable());
  write_position_.store(pos, std::memory_order_release);
  flushed_position_.store(pos, std::memory_order_release);
  return fs_->ZeroRange(*region_, pos, size() - pos);
}

void MappedFile::Prefault() {
  if (!writable()) return;
  if (::madvise(data(), size(), MADV_POPULATE_WRITE) == 0) return;
  // Older kernels: touch one byte per page. The file is new and zero-filled, so writing a
  // zero changes nothing but makes the page resident and writable.
  static const size_t kPage = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  volatile uint8_t* p = data();
  for (size_t off = 0; off < size(); off += kPage) p[off] = 0;
}

void MappedFile::DropResidentPages() { ::madvise(data(), size(), MADV_DONTNEED); }

}  // namespace tern::engine
