#include "engine/metadata/config_file.h"

#include <fmt/format.h>

#include <utility>

#include "engine/base/strings.h"

namespace tern::engine::metadata {
namespace {

struct Candidate {
  enum class State { kMissing, kUnusable, kValid };
  State state = State::kMissing;
  std::string reason;   // why it cannot be used, e.g. "is empty"
  std::string content;  // when kValid
};

Candidate Examine(FileSystem& fs, const std::string& file, const ConfigValidator& validate) {
  absl::StatusOr<std::string> content = fs.ReadFile(file);
  if (!content.ok()) {
    if (absl::IsNotFound(content.status())) {
      return {Candidate::State::kMissing, "is missing", ""};
    }
    return {Candidate::State::kUnusable,
            fmt::format("cannot be read ({})", MessageOf(content.status())), ""};
  }
  if (content->empty()) return {Candidate::State::kUnusable, "is empty", ""};
  if (validate) {
    if (const absl::Status s = validate(*content); !s.ok()) {
      return {Candidate::State::kUnusable, fmt::format("is invalid ({})", MessageOf(s)), ""};
    }
  }
  return {Candidate::State::kValid, "", *std::move(content)};
}

// Replaces `path` without touching path.bak.
absl::Status ReplaceKeepingBackup(FileSystem& fs, const std::string& path,
                                  std::string_view content) {
  const std::string tmp = path + ".tmp";
  TERN_RETURN_IF_ERROR(fs.WriteFile(tmp, content, SyncMode::kSync));
  TERN_RETURN_IF_ERROR(fs.Rename(tmp, path));
  const std::string dir = ParentDir(path);
  return fs.SyncDir(dir.empty() ? "." : dir);
}

}  // namespace

absl::Status SaveConfigFile(FileSystem& fs, const std::string& path, std::string_view content,
                            const ConfigValidator& validate_current) {
  const Candidate current = Examine(fs, path, validate_current);
  if (current.state == Candidate::State::kUnusable) {
    return ReplaceKeepingBackup(fs, path, content);
  }
  return AtomicReplaceFile(fs, path, content);
}

absl::StatusOr<std::optional<std::string>> LoadConfigFile(FileSystem& fs, const std::string& path,
                                                          const ConfigValidator& validate,
                                                          const ConfigWarningSink& warn) {
  Candidate main = Examine(fs, path, validate);
  if (main.state == Candidate::State::kValid) return std::move(main.content);

  const std::string bak = path + ".bak";
  Candidate backup = Examine(fs, bak, validate);
  if (backup.state == Candidate::State::kValid) {
    if (warn) {
      warn(fmt::format("config file {} {}; loaded the previous version from {}", path, main.reason,
                       bak));
    }
    return std::move(backup.content);
  }
  if (main.state == Candidate::State::kMissing && backup.state == Candidate::State::kMissing) {
    return std::nullopt;
  }
  return absl::DataLossError(
      fmt::format("config file {} {} and its backup {} {}; the broker refuses "
                  "to start rather than lose "
                  "this metadata (restore a good copy, or remove both files to "
                  "start empty)",
                  path, main.reason, bak, backup.reason));
}

}  // namespace tern::engine::metadata
