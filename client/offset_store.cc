#include "client/offset_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "client/offset_api.h"
#include "engine/base/strings.h"

namespace tern::client {

void OffsetStore::Update(const MessageQueue& queue, int64_t offset, bool increase_only) {
  MutexLock lock(&mu_);
  auto [it, inserted] = table_.emplace(queue, offset);
  if (!inserted && (!increase_only || offset > it->second)) it->second = offset;
}

void OffsetStore::Remove(const MessageQueue& queue) {
  MutexLock lock(&mu_);
  table_.erase(queue);
}

int64_t OffsetStore::Cached(const MessageQueue& queue) const {
  MutexLock lock(&mu_);
  auto it = table_.find(queue);
  return it == table_.end() ? -1 : it->second;
}

std::map<MessageQueue, int64_t> OffsetStore::CloneTable(std::string_view topic) const {
  MutexLock lock(&mu_);
  if (topic.empty()) return table_;
  std::map<MessageQueue, int64_t> out;
  for (const auto& [queue, offset] : table_) {
    if (queue.topic == topic) out.emplace(queue, offset);
  }
  return out;
}

std::map<MessageQueue, int64_t> OffsetStore::Snapshot() const {
  MutexLock lock(&mu_);
  return table_;
}

void OffsetStore::Set(const MessageQueue& queue, int64_t offset) {
  MutexLock lock(&mu_);
  table_[queue] = offset;
}

absl::StatusOr<int64_t> RemoteOffsetStore::Read(const MessageQueue& queue, bool from_store) {
  if (!from_store) {
    const int64_t cached = Cached(queue);
    if (cached >= 0) return cached;
  }
  absl::StatusOr<int64_t> offset = QueryConsumerOffset(*instance_, group_, queue);
  if (offset.ok()) Set(queue, *offset);
  return offset;
}

void RemoteOffsetStore::DoPersist(const std::set<MessageQueue>& queues, bool sync) {
  for (const auto& [queue, offset] : Snapshot()) {
    if (!queues.empty() && queues.count(queue) == 0) continue;
    if (absl::Status s = UpdateConsumerOffset(*instance_, group_, queue, offset, /*oneway=*/!sync);
        !s.ok()) {
      spdlog::warn("persisting offset {} of {} for {}: {}", offset, queue.ToString(), group_,
                   MessageOf(s));
    }
  }
}

LocalOffsetStore::LocalOffsetStore(std::string dir, const std::string& client_id,
                                   const std::string& group) {
  std::string safe_id = client_id;
  for (char& c : safe_id) {
    if (c == '/' || c == ':') c = '_';
  }
  path_ = fmt::format("{}/{}/{}/offsets.tsv", dir, safe_id, group);
}

absl::Status LocalOffsetStore::Load() {
  std::ifstream in(path_);
  if (!in) return absl::OkStatus();  // first start
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<std::string> parts;
    std::stringstream ss(line);
    std::string part;
    while (std::getline(ss, part, '\t')) parts.push_back(part);
    MessageQueue q;
    int64_t offset = 0;
    if (parts.size() != 4 || !absl::SimpleAtoi(parts[2], &q.queue_id) ||
        !absl::SimpleAtoi(parts[3], &offset)) {
      return absl::DataLossError(fmt::format("{}:{}: malformed offset line", path_, line_no));
    }
    q.topic = parts[0];
    q.broker_name = parts[1];
    Set(q, offset);
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> LocalOffsetStore::Read(const MessageQueue& queue, bool from_store) {
  const int64_t cached = Cached(queue);
  if (cached >= 0) return cached;
  return absl::NotFoundError(fmt::format("no local offset for {}", queue.ToString()));
}

void LocalOffsetStore::DoPersist(const std::set<MessageQueue>&, bool) {
  if (absl::Status s = WriteFile(); !s.ok()) {
    spdlog::warn("persisting local offsets: {}", MessageOf(s));
  }
}

absl::Status LocalOffsetStore::WriteFile() {
  MutexLock lock(&file_mu_);
  std::string text;
  for (const auto& [q, offset] : Snapshot()) {
    text += fmt::format("{}\t{}\t{}\t{}\n", q.topic, q.broker_name, q.queue_id, offset);
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  if (ec) return absl::UnavailableError(fmt::format("creating {}: {}", path_, ec.message()));
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::UnavailableError(fmt::format("open {}: {}", tmp, std::strerror(errno)));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return absl::UnavailableError(fmt::format("write {}: {}", tmp, std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    return absl::UnavailableError(fmt::format("replace {}: {}", path_, std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace tern::client
