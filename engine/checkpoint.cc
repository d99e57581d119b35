#include "engine/checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "engine/base/bytes.h"
#include "engine/base/crc32.h"

namespace tern::engine {
namespace {
constexpr size_t kExtPos = 64;
constexpr char kExtMagic[8] = {'T', 'E', 'R', 'N', 'C', 'K', 'P', '1'};
constexpr size_t kExtCrcPos = kExtPos + 24;
}  // namespace

absl::StatusOr<std::unique_ptr<StoreCheckpoint>> StoreCheckpoint::Open(FileSystem* fs,
                                                                       const std::string& path,
                                                                       Access access) {
  std::shared_ptr<MappedFile> file;
  if (fs->Exists(path)) {
    // A Java checkpoint may be larger than one page (5.x); only the first page matters.
    absl::StatusOr<std::shared_ptr<MappedFile>> f = MappedFile::Open(fs, path, 0, 0, access);
    if (!f.ok()) return f.status();
    if ((*f)->size() < kFileSize) {
      return absl::DataLossError(
          fmt::format("{}: {} bytes, expected at least {}", path, (*f)->size(), kFileSize));
    }
    file = *std::move(f);
  } else {
    if (access == Access::kReadOnly) {
      return absl::NotFoundError(fmt::format("{}: no checkpoint", path));
    }
    absl::StatusOr<std::unique_ptr<MappedRegion>> region = fs->CreateAndMap(path, kFileSize);
    if (!region.ok()) return region.status();
    file = std::make_shared<MappedFile>(fs, *std::move(region), 0);
    file->set_write_position(kFileSize);
    if (absl::Status s = fs->SyncDir(ParentDir(path).empty() ? "." : ParentDir(path)); !s.ok()) {
      return s;
    }
  }
  return std::unique_ptr<StoreCheckpoint>(new StoreCheckpoint(std::move(file)));
}

int64_t StoreCheckpoint::physic_msg_timestamp() const { return LoadBEI64(file_->data()); }
int64_t StoreCheckpoint::logics_msg_timestamp() const { return LoadBEI64(file_->data() + 8); }
int64_t StoreCheckpoint::index_msg_timestamp() const { return LoadBEI64(file_->data() + 16); }

std::optional<CheckpointExtension> StoreCheckpoint::extension() const {
  const uint8_t* p = file_->data() + kExtPos;
  if (std::memcmp(p, kExtMagic, sizeof kExtMagic) != 0) return std::nullopt;
  if (LoadBE32(file_->data() + kExtCrcPos) != Crc32(ByteSpan(p, 24))) return std::nullopt;
  CheckpointExtension ext;
  ext.commit_log_flushed_offset = LoadBEI64(p + 8);
  ext.dispatched_offset = LoadBEI64(p + 16);
  if (ext.commit_log_flushed_offset < 0 || ext.dispatched_offset < 0) return std::nullopt;
  return ext;
}

int64_t StoreCheckpoint::min_timestamp(bool index_safe) const {
  int64_t m = std::min(physic_msg_timestamp(), logics_msg_timestamp());
  if (index_safe) m = std::min(m, index_msg_timestamp());
  return m;
}

void StoreCheckpoint::Update(int64_t physic_ts, int64_t logics_ts, int64_t index_ts,
                             CheckpointExtension ext) {
  uint8_t* p = file_->data();
  StoreBE64(p, static_cast<uint64_t>(physic_ts));
  StoreBE64(p + 8, static_cast<uint64_t>(logics_ts));
  StoreBE64(p + 16, static_cast<uint64_t>(index_ts));
  uint8_t* e = p + kExtPos;
  std::memcpy(e, kExtMagic, sizeof kExtMagic);
  StoreBE64(e + 8, static_cast<uint64_t>(ext.commit_log_flushed_offset));
  StoreBE64(e + 16, static_cast<uint64_t>(ext.dispatched_offset));
  StoreBE32(p + kExtCrcPos, Crc32(ByteSpan(e, 24)));
}

absl::Status StoreCheckpoint::Flush() { return file_->SyncRange(0, kFileSize); }

}  // namespace tern::engine
