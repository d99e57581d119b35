// config_file.h: durable persistence of the broker's small metadata files
// (topics.json, consumerOffset.json, ...) with fallback to the previous
// version, path.bak.
//
// SaveConfigFile replaces the file atomically through AtomicReplaceFile (temp
// file, fsync, rename, directory fsync), demoting the previous content to
// path.bak. A crash leaves a complete old or new version under path or
// path.bak.
//
// LoadConfigFile's outcomes (main = path, backup = path.bak):
//  - main valid: main's content, no warning.
//  - main missing, empty, unreadable or invalid, backup valid: the backup's
//    content and exactly one warning naming main and the reason.
//  - both missing: nullopt, a fresh store.
//  - anything else (both unusable, or one missing and the other unusable):
//    DataLoss naming both files and why; the broker refuses to start.
// The last case deliberately differs from Java 4.8, which starts with empty
// tables when the main file is corrupt and path.bak is missing: silently
// resetting consumer offsets or topic permissions is worse than asking an
// operator to restore or remove the file.
//
// Thread safety: stateless. Calls on the same path must be serialised by the
// caller (the broker persists each file from one place). The FileSystem must
// outlive the call; the callbacks are called synchronously, never retained.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/status.h"
#include "engine/file_system.h"

namespace tern::engine::metadata {

// Accepts (OK) or rejects (the reason) a file's content, e.g. by decoding it.
using ConfigValidator = std::function<absl::Status(std::string_view content)>;
// Receives a one-line warning for the broker's log.
using ConfigWarningSink = std::function<void(std::string_view message)>;

// Durably replaces `path` with `content`, keeping the previous version as
// path.bak. When `validate_current` is given and the current file fails it (or
// the current file is empty or unreadable), the current file is not demoted to
// path.bak: after a load fell back to path.bak, that backup may be the only
// good copy, so it is kept and only `path` is replaced (temp file, fsync,
// rename, directory fsync).
absl::Status SaveConfigFile(FileSystem& fs, const std::string& path, std::string_view content,
                            const ConfigValidator& validate_current = nullptr);

// Reads `path` or its backup as listed at the top of this file. `validate` may
// be empty (any non-empty content is valid); `warn` may be empty (the warning
// is dropped).
absl::StatusOr<std::optional<std::string>> LoadConfigFile(FileSystem& fs, const std::string& path,
                                                          const ConfigValidator& validate,
                                                          const ConfigWarningSink& warn);

// Typed forms for the documents: TopicConfigFile, ConsumerOffsetFile,
// DelayOffsetFile, SubscriptionGroupFile (any Doc with
//   std::string Encode() const;
//   static absl::StatusOr<Doc> Decode(std::string_view);).
// Decode is the validator: a file that does not decode falls back to path.bak,
// and a save never demotes an undecodable file over path.bak. Load returns
// nullopt for a fresh store.
template <typename Doc>
absl::StatusOr<std::optional<Doc>> LoadConfigDocument(FileSystem& fs, const std::string& path,
                                                      const ConfigWarningSink& warn) {
  std::optional<Doc> decoded;
  const ConfigValidator decode = [&decoded](std::string_view text) -> absl::Status {
    absl::StatusOr<Doc> doc = Doc::Decode(text);
    if (!doc.ok()) return doc.status();
    decoded = *std::move(doc);
    return absl::OkStatus();
  };
  TERN_ASSIGN_OR_RETURN(const std::optional<std::string> content,
                        LoadConfigFile(fs, path, decode, warn));
  if (!content.has_value()) return std::optional<Doc>();
  return decoded;
}

template <typename Doc>
absl::Status SaveConfigDocument(FileSystem& fs, const std::string& path, const Doc& doc) {
  return SaveConfigFile(fs, path, doc.Encode(),
                        [](std::string_view text) { return Doc::Decode(text).status(); });
}

}  // namespace tern::engine::metadata
