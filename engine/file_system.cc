#include "engine/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "engine/base/check.h"

namespace tern::engine {
namespace {

absl::Status ErrnoStatus(std::string_view op, std::string_view path, int err) {
  const std::string msg = fmt::format("{} {}: {}", op, path, std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(msg);
    case EEXIST:
      return absl::AlreadyExistsError(msg);
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(msg);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::close(fd_); }  // closing the description drops the OFD lock

 private:
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  absl::StatusOr<std::unique_ptr<MappedRegion>> CreateAndMap(const std::string& path,
                                                             size_t size) override {
    if (Exists(path)) return absl::AlreadyExistsError(fmt::format("create {}: exists", path));
    // Built under a temporary name and renamed into place, so a crash mid-creation never
    // leaves a short file under the real name (loaders ignore and remove "*.tmp").
    const std::string tmp = path + ".tmp";
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("create", tmp, errno);
    FdCloser closer(fd);
    auto fail = [&](std::string_view op, int err) {
      ::unlink(tmp.c_str());
      return ErrnoStatus(op, path, err);
    };
    if (::fallocate(fd, 0, 0, static_cast<off_t>(size)) != 0) {
      const int err = errno;
      if (err != EOPNOTSUPP) return fail("fallocate", err);
      // File systems without fallocate: posix_fallocate writes zeros instead.
      const int rc = ::posix_fallocate(fd, 0, static_cast<off_t>(size));
      if (rc != 0) return fail("posix_fallocate", rc);
    }
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return fail("mmap", errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      const int err = errno;
      ::munmap(p, size);
      return fail("rename", err);
    }
    return std::make_unique<MappedRegion>(path, static_cast<uint8_t*>(p), size, closer.release(),
                                          Access::kReadWrite);
  }

  absl::StatusOr<std::unique_ptr<MappedRegion>> MapExisting(const std::string& path,
                                                            size_t expected_size,
                                                            Access access) override {
    const int flags = (access == Access::kReadWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    FdCloser closer(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) return ErrnoStatus("fstat", path, errno);
    const auto actual = static_cast<size_t>(st.st_size);
    if (expected_size != 0 && actual != expected_size) {
      return absl::DataLossError(
          fmt::format("{}: size {} bytes, expected {}", path, actual, expected_size));
    }
    if (actual == 0) return absl::DataLossError(fmt::format("{}: empty file", path));
    const int prot = access == Access::kReadWrite ? PROT_READ | PROT_WRITE : PROT_READ;
    void* p = ::mmap(nullptr, actual, prot, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return ErrnoStatus("mmap", path, errno);
    return std::make_unique<MappedRegion>(path, static_cast<uint8_t*>(p), actual, closer.release(),
                                          access);
  }

  absl::Status SyncRegion(MappedRegion& region, size_t offset, size_t len) override {
    if (len == 0) return absl::OkStatus();
    TERN_CHECK(offset + len <= region.size());
    static const size_t kPage = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t begin = offset / kPage * kPage;
    const size_t end = offset + len;
    if (::msync(region.data() + begin, end - begin, MS_SYNC) != 0) {
      return ErrnoStatus("msync", region.path(), errno);
    }
    return absl::OkStatus();
  }

  absl::Status ZeroRange(MappedRegion& region, size_t offset, size_t len) override {
    if (len == 0) return absl::OkStatus();
    TERN_CHECK(offset + len <= region.size());
    static const size_t kPage = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t end = offset + len;
    const size_t head_end = std::min(end, (offset + kPage - 1) / kPage * kPage);
    std::memset(region.data() + offset, 0, head_end - offset);
    if (absl::Status s = SyncRegion(region, offset, head_end - offset); !s.ok()) return s;
    if (head_end == end) return absl::OkStatus();
    // Whole pages: let the file system zero them without dirtying the page cache.
    if (::fallocate(region.fd(), FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
                    static_cast<off_t>(head_end), static_cast<off_t>(end - head_end)) == 0) {
      if (::fdatasync(region.fd()) != 0) return ErrnoStatus("fdatasync", region.path(), errno);
      return absl::OkStatus();
    }
    // No ZERO_RANGE here (tmpfs): zero only the pages that are not zero already.
    for (size_t page = head_end; page < end; page += kPage) {
      uint8_t* p = region.data() + page;
      const size_t n = std::min(kPage, end - page);
      bool zero = true;
      for (size_t k = 0; k < n && zero; ++k) zero = p[k] == 0;
      if (!zero) std::memset(p, 0, n);
    }
    return SyncRegion(region, head_end, end - head_end);
  }

  absl::StatusOr<std::string> ReadFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    FdCloser closer(fd);
    std::string out;
    char buf[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read", path, errno);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  absl::Status WriteFile(const std::string& path, std::string_view data, SyncMode sync) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    FdCloser closer(fd);
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("write", path, errno);
      }
      done += static_cast<size_t>(n);
    }
    if (sync == SyncMode::kSync && ::fdatasync(fd) != 0) {
      return ErrnoStatus("fdatasync", path, errno);
    }
    if (::close(closer.release()) != 0) return ErrnoStatus("close", path, errno);
    return absl::OkStatus();
  }

  absl::Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("rename", from, errno);
    return absl::OkStatus();
  }

  absl::Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("unlink", path, errno);
    return absl::OkStatus();
  }

  absl::Status DeleteDir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) return ErrnoStatus("rmdir", path, errno);
    return absl::OkStatus();
  }

  absl::Status CreateDirs(const std::string& path) override {
    if (path.empty() || IsDirectory(path)) return absl::OkStatus();
    const std::string parent = ParentDir(path);
    if (!parent.empty() && parent != path) {
      if (absl::Status s = CreateDirs(parent); !s.ok()) return s;
    }
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("mkdir", path, errno);
    }
    return SyncDir(parent.empty() ? "." : parent);
  }

  absl::Status SyncDir(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open dir", path, errno);
    FdCloser closer(fd);
    if (::fsync(fd) != 0) return ErrnoStatus("fsync dir", path, errno);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return ErrnoStatus("opendir", path, errno);
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe): per-DIR stream
      const std::string_view name(e->d_name);
      if (name == "." || name == "..") continue;
      names.emplace_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  bool Exists(const std::string& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }

  bool IsDirectory(const std::string& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  absl::StatusOr<uint64_t> FileSize(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  absl::StatusOr<int64_t> ModifiedTimeMillis(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  }

  absl::StatusOr<DiskUsage> GetDiskUsage(const std::string& path) override {
    struct statvfs vfs {};
    if (::statvfs(path.c_str(), &vfs) != 0) return ErrnoStatus("statvfs", path, errno);
    DiskUsage u;
    u.total_bytes = static_cast<uint64_t>(vfs.f_blocks) * vfs.f_frsize;
    u.free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    return u;
  }

  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    FdCloser closer(fd);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0;  // whole file: overlaps Java's lock on byte 0
    // Open-file-description locks conflict with classic fcntl locks of other processes and,
    // unlike them, with a second lock taken by this same process.
    if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
      const int err = errno;
      if (err == EAGAIN || err == EACCES) {
        return absl::FailedPreconditionError(
            fmt::format("{} is locked: another broker (Tern or Java) uses this store", path));
      }
      return ErrnoStatus("fcntl lock", path, err);
    }
    return std::make_unique<PosixFileLock>(closer.release());
  }
};

}  // namespace

MappedRegion::MappedRegion(std::string path, uint8_t* data, size_t size, int fd, Access access)
    : path_(std::move(path)), data_(data), size_(size), fd_(fd), access_(access) {}

MappedRegion::~MappedRegion() {
  ::munmap(data_, size_);
  ::close(fd_);
}

FileSystem* DefaultFileSystem() {
  static PosixFileSystem* fs = new PosixFileSystem();
  return fs;
}

absl::Status AtomicReplaceFile(FileSystem& fs, const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  const std::string bak = path + ".bak";
  if (fs.Exists(path)) {
    absl::StatusOr<std::string> old = fs.ReadFile(path);
    if (!old.ok()) return old.status();
    if (absl::Status s = fs.WriteFile(bak, *old, SyncMode::kSync); !s.ok()) return s;
  }
  if (absl::Status s = fs.WriteFile(tmp, data, SyncMode::kSync); !s.ok()) return s;
  if (absl::Status s = fs.Rename(tmp, path); !s.ok()) return s;
  const std::string dir = ParentDir(path);
  return fs.SyncDir(dir.empty() ? "." : dir);
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  if (dir.back() == '/') return fmt::format("{}{}", dir, name);
  return fmt::format("{}/{}", dir, name);
}

std::string ParentDir(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return "";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace tern::engine
