// File listing for the file table functions (read_images, read_video, ...): folders, single files,
// glob patterns (*, ?, [..], and ** for any depth) and lists of them, with Hive partition columns.
//
// FileListing streams: files come while folders are still being read, with memory that grows with the
// depth of the folders and the number of patterns, not with the number of files, so a folder of ten
// million files starts producing rows at once. Order is deterministic: sorted by path, each file once
// (patterns are merged). Hidden entries (names starting with '.') are skipped inside folders and globs
// but taken when named. A pattern matching nothing is an error naming it, as DuckDB's readers do; so
// is a folder that cannot be read.
//
// For scale-out and streams, a listing can be cut: share k of n (by a hash of each path, the same on
// every machine, so n processes listing with shares 0..n-1 list each file exactly once between them)
// and without the files a caller has already done.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "io/pattern_walker.hpp"

namespace quarry::io {

// Share `index` of `count` of a listing.
struct ListingShare {
  uint32_t index = 0;
  uint32_t count = 1;
};

struct FileListOptions {
  // Whether a folder pattern lists its subfolders too (Spark's recursiveFileLookup). Globs with **
  // recurse regardless.
  bool recursive = false;
  // Whether key=value folders in a path become partition values.
  bool hive_partitioning = true;
  // Only the files of this share (all of them by default).
  ListingShare share;
  // Files to leave out (e.g. those a stream has done): a file is listed only when this returns false.
  std::function<bool(const std::string& path)> exclude;
  // Entries of one folder held at once (SortedDirectory's window); smaller in tests.
  size_t directory_window = SortedDirectory::kDefaultWindow;
};

struct ListedFile {
  std::string path;
  uint64_t size = 0;
  // One value per partition key known when the file was listed (FileListing::partition_keys(): keys
  // only ever get added, so an index keeps its key); nullopt when the path has no folder for that key.
  // Shorter than the final key list when later files brought new keys: missing entries are nullopt.
  std::vector<std::optional<std::string>> partition_values;
};

class FileListing {
 public:
  // Starts listing `patterns` (REQUIRES: not empty). Errors at once for a missing path, an unreadable
  // folder named exactly, and a glob that matches nothing (before any share or exclusion is applied:
  // an empty share is not an error).
  // `listed`: files listed elsewhere (a remote glob through DuckDB's file system) with their sizes,
  // merged in.
  static Result<std::unique_ptr<FileListing>> Start(const std::vector<std::string>& patterns, FileListOptions options,
                                                    std::vector<std::pair<std::string, uint64_t>> listed = {});

  // The next file, nullopt after the last, or an Error (a folder that stopped being readable).
  Result<std::optional<ListedFile>> Next();

  // Partition keys seen so far, in order of first appearance.
  const std::vector<std::string>& partition_keys() const { return partition_keys_; }

 private:
  FileListing() = default;
  ListedFile Describe(std::string path);

  FileListOptions options_;
  std::vector<std::unique_ptr<PatternWalker>> walkers_;
  std::vector<std::optional<std::string>> heads_;  // each walker's next path
  std::optional<std::string> last_path_;
  std::vector<std::string> partition_keys_;
  std::map<std::string, uint64_t> listed_sizes_;  // of the files listed elsewhere
};

// Which share of `count` a path belongs to (FNV-1a of the path, so the same everywhere).
uint32_t ShareOfPath(const std::string& path, uint32_t count);

// A whole listing, for callers that want every file at once (tests, small lists).
struct FileList {
  std::vector<std::string> partition_keys;  // in order of first appearance
  std::vector<ListedFile> files;            // partition_values sized to partition_keys
};

// Lists the files the patterns name. REQUIRES: !patterns.empty().
Result<FileList> ListFiles(const std::vector<std::string>& patterns, const FileListOptions& options);

}  // namespace quarry::io
