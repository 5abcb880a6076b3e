// File listing for the table functions (read_images, read_audio, read_text): folders, single files,
// glob patterns (*, ?, [..], and ** for any depth) and lists of them, with Hive partition columns.
//
// Listing is deterministic: files come sorted by path, each once. Hidden entries (names starting with
// '.') are skipped inside folders and globs but taken when named exactly. A pattern matching nothing is
// an error naming the pattern, as DuckDB's readers do; unreadable folders are errors too. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace quarry::io {

struct FileListOptions {
  // Whether a folder pattern lists its subfolders too (Spark's recursiveFileLookup). Globs with **
  // recurse regardless.
  bool recursive = false;
  // Whether key=value folders in a path become partition values.
  bool hive_partitioning = true;
};

struct ListedFile {
  std::string path;
  uint64_t size = 0;
  // One value per FileList::partition_keys entry; nullopt when the path has no folder for that key.
  std::vector<std::optional<std::string>> partition_values;
};

struct FileList {
  std::vector<std::string> partition_keys;  // in order of first appearance
  std::vector<ListedFile> files;
};

// Lists the files the patterns name. REQUIRES: !patterns.empty().
Result<FileList> ListFiles(const std::vector<std::string>& patterns, const FileListOptions& options);

// True when `pattern` has glob characters (*, ?, [).
bool IsGlobPattern(const std::string& pattern);

}  // namespace quarry::io
