// SortedDirectory — the entries of one folder in a deterministic order, read in windows so that a
// folder of millions of files is never held in memory whole.
//
// Order: by name, a folder's name compared as name + "/". Walking folders depth-first in this order
// yields full paths in plain string order ("a.jpg" < "a/b.jpg" < "a0.jpg"), the order of a sorted
// list of every path, without ever building that list.
//
// Memory: at most `window` entries at a time. The folder is read once per window (each pass keeps the
// `window` smallest names after the last one given out), so a folder of N entries costs N / window
// passes of readdir: one pass up to the window, a few for folders far larger. "." and ".." are never
// entries. Not thread-safe (one walker owns it).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace quarry::io {

struct DirectoryEntry {
  std::string name;
  bool is_directory = false;  // a folder, or a link to one
  bool is_link = false;       // a symbolic link (to a file or a folder)
  bool is_regular = false;    // a regular file, or a link to one
};

class SortedDirectory {
 public:
  // Entries per window by default: about 16 MB of names.
  static constexpr size_t kDefaultWindow = 200'000;

  explicit SortedDirectory(std::string folder, size_t window = kDefaultWindow);

  // The next entry, nullopt after the last, or an Error when the folder cannot be read (on the first
  // call: it is missing or not readable).
  Result<std::optional<DirectoryEntry>> Next();

 private:
  Result<bool> ReadWindow();

  std::string folder_;
  size_t window_;
  std::vector<DirectoryEntry> entries_;  // this window, sorted
  size_t position_ = 0;
  std::optional<std::string> last_key_;  // the sort key of the last entry given out
  bool exhausted_ = false;               // the current window holds the folder's last entries
};

// Joins a folder and a name as listings write paths: "" + "a" = "a", "/" + "a" = "/a", "x" + "a" = "x/a".
std::string JoinPath(const std::string& folder, const std::string& name);

}  // namespace quarry::io
