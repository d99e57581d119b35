// java_config_files.h: the config/*.json files of the Java 4.8.0 golden store
// (tests/testdata/java-4.8.0/store.tar.gz), read straight from the archive with
// zlib, plus a helper that puts a Java file's table into the order Tern writes
// (sorted by key). JavaConfigFiles() loads once and is thread-safe; the map
// lives until exit.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tern::engine::metadata::testing {

// File name ("topics.json", "topics.json.bak", ...) -> exact bytes. Aborts if
// the archive cannot be read.
const std::map<std::string, std::string>& JavaConfigFiles();
const std::string& JavaConfigFile(const std::string& name);

// `java_text` with the entries of the top-level map member `table` (entries are
// blocks that start with a line "\t\t\"key\":" and end with the line "\t\t}" or
// "\t\t},") sorted by key and their separating commas moved accordingly. Every
// byte comes from Java's file: this is what Java would have written had its
// HashMap iterated in key order.
std::string SortTableEntries(std::string_view java_text, std::string_view table);

}  // namespace tern::engine::metadata::testing
