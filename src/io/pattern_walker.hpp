// PatternWalker — the files one path pattern names, produced in path order while the folders are read:
// a file, a folder (its files; with `recursive`, every file below it), or a glob (*, ?, [..] within a
// name, ** for any number of folders). Memory grows with the depth of the folders, not their size
// (see SortedDirectory).
//
// Hidden entries (names starting with '.') are skipped inside folders and globs unless the pattern
// names them ('.git/*', '.*.jpg'); a pattern ending in ** takes every file below. Links to folders are
// followed except below a ** or a recursive folder (so a link cycle cannot loop). Folders below the
// start that cannot be read are skipped. Only regular files (and links to them) are listed from folders
// and globs; a path named exactly is listed whatever it is (reading it gives the error row).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "io/sorted_directory.hpp"

namespace quarry::io {

class PatternWalker {
 public:
  // Starts walking `pattern`. Errors: a path that is neither a file nor a folder; a folder that cannot
  // be read. A glob matching nothing is not an error here (its walker is simply empty).
  static Result<std::unique_ptr<PatternWalker>> Start(const std::string& pattern, bool recursive,
                                                      size_t directory_window);

  // A walker over paths listed elsewhere (another file system's glob); sorts them.
  static std::unique_ptr<PatternWalker> OfPaths(std::vector<std::string> paths);

  // The next file's path in path order, nullopt after the last; an Error when the first folder read
  // fails.
  Result<std::optional<std::string>> Next();

 private:
  struct Frame {
    std::unique_ptr<SortedDirectory> directory;
    std::string path;
  };

  PatternWalker() = default;
  bool MatchesFile(const std::string& name);
  bool MayHoldMatches(const std::string& name);

  std::vector<std::string> fixed_paths_;  // a path named exactly, or paths listed elsewhere
  size_t next_fixed_ = 0;
  std::string root_;                   // the glob's folder part without glob characters
  std::vector<std::string> segments_;  // the glob's segments below root_
  bool follow_links_ = true;
  size_t directory_window_ = SortedDirectory::kDefaultWindow;
  std::vector<Frame> stack_;
  std::vector<std::string> relative_;  // the segments of the folder the top frame lists, below root_
};

// True when `pattern` has glob characters (*, ?, [).
bool IsGlobPattern(const std::string& pattern);

// Whether the path segments `path` are matched by the glob segments `pattern` (each matched by
// fnmatch, a ** segment by any number of non-hidden segments). `prefix`: whether a file below a folder
// with these segments could match.
bool MatchGlobSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& path, bool prefix);

}  // namespace quarry::io
