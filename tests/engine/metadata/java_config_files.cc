#include "tests/engine/metadata/java_config_files.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include "engine/base/check.h"
#include "tests/util/temp_dir.h"

namespace tern::engine::metadata::testing {
namespace {

std::string Gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  TERN_CHECK_MSG(f != nullptr, "cannot open the golden store archive");
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    TERN_CHECK_MSG(n >= 0, "cannot decompress the golden store archive");
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  gzclose(f);
  return out;
}

std::string CString(const char* p, size_t max) {
  return std::string(p, std::find(p, p + max, '\0'));
}

// GNU/ustar tar: 512-byte headers, octal sizes, 'L' entries carrying long
// names.
std::map<std::string, std::string> ConfigFilesFromTar(const std::string& tar) {
  std::map<std::string, std::string> files;
  std::string long_name;
  size_t pos = 0;
  while (pos + 512 <= tar.size()) {
    const char* h = tar.data() + pos;
    if (h[0] == '\0') break;  // end-of-archive blocks
    std::string name = CString(h, 100);
    const size_t size = std::strtoull(CString(h + 124, 12).c_str(), nullptr, 8);
    const char type = h[156];
    pos += 512;
    TERN_CHECK(pos + size <= tar.size());
    std::string body = tar.substr(pos, size);
    pos += (size + 511) / 512 * 512;
    if (type == 'L') {
      long_name = CString(body.data(), body.size());
      continue;
    }
    if (!long_name.empty()) name = std::exchange(long_name, "");
    constexpr std::string_view kDir = "store/config/";
    if ((type == '0' || type == '\0') && name.starts_with(kDir)) {
      files.emplace(name.substr(kDir.size()), std::move(body));
    }
  }
  return files;
}

}  // namespace

const std::map<std::string, std::string>& JavaConfigFiles() {
  static const auto* files = new std::map<std::string, std::string>(
      ConfigFilesFromTar(Gunzip(tern::testing::TestDataDir() + "/java-4.8.0/store.tar.gz")));
  return *files;
}

const std::string& JavaConfigFile(const std::string& name) {
  const auto& files = JavaConfigFiles();
  const auto it = files.find(name);
  TERN_CHECK_MSG(it != files.end(), "no such file in the golden store's config/");
  return it->second;
}

std::string SortTableEntries(std::string_view java_text, std::string_view table) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    const size_t nl = java_text.find('\n', start);
    lines.emplace_back(java_text.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  const std::string opener = "\t\"" + std::string(table) + "\":{";
  const auto open = std::find(lines.begin(), lines.end(), opener);
  TERN_CHECK_MSG(open != lines.end(), "table not found (or written on one line)");
  const auto close = std::find_if(open, lines.end(),
                                  [](const std::string& l) { return l == "\t}" || l == "\t},"; });
  TERN_CHECK(close != lines.end());

  std::vector<std::pair<std::string, std::vector<std::string>>> entries;  // key -> lines
  for (auto it = open + 1; it != close; ++it) {
    if (it->starts_with("\t\t\"")) {
      const size_t end_quote = it->find("\":", 3);
      TERN_CHECK(end_quote != std::string::npos);
      entries.emplace_back(it->substr(3, end_quote - 3), std::vector<std::string>{});
    }
    TERN_CHECK(!entries.empty());
    std::string line = *it;
    if (line == "\t\t},") line = "\t\t}";
    if (line.starts_with("\t\t\"") && line.ends_with(",")) line.pop_back();  // one-line entry
    entries.back().second.push_back(std::move(line));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::vector<std::string> out(lines.begin(), open + 1);
  for (size_t i = 0; i < entries.size(); ++i) {
    std::vector<std::string>& block = entries[i].second;
    if (i + 1 < entries.size()) block.back() += ",";
    out.insert(out.end(), block.begin(), block.end());
  }
  out.insert(out.end(), close, lines.end());
  std::string text;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) text += '\n';
    text += out[i];
  }
  return text;
}

}  // namespace tern::engine::metadata::testing
