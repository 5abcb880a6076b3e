// PatternWalker: one pattern's files in path order (see pattern_walker.hpp).
#include "io/pattern_walker.hpp"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace quarry::io {

namespace {

std::vector<std::string> SplitSegments(const std::string& pattern) {
  std::vector<std::string> segments;
  size_t begin = 0;
  while (begin <= pattern.size()) {
    size_t end = pattern.find('/', begin);
    if (end == std::string::npos) end = pattern.size();
    segments.push_back(pattern.substr(begin, end - begin));
    begin = end + 1;
  }
  return segments;
}

bool Matches(const std::vector<std::string>& pattern, size_t pi, const std::vector<std::string>& path, size_t qi,
             bool prefix) {
  if (qi == path.size()) {
    if (prefix) return pi < pattern.size();
    return std::all_of(pattern.begin() + static_cast<std::ptrdiff_t>(pi), pattern.end(),
                       [](const std::string& segment) { return segment == "**"; }) &&
           (pi < pattern.size() || qi > 0);
  }
  if (pi == pattern.size()) return false;
  if (pattern[pi] == "**") {
    if (Matches(pattern, pi + 1, path, qi, prefix)) return true;
    // ** takes this segment too (never a hidden one).
    return path[qi][0] != '.' && Matches(pattern, pi, path, qi + 1, prefix);
  }
  return fnmatch(pattern[pi].c_str(), path[qi].c_str(), FNM_PERIOD) == 0 &&
         Matches(pattern, pi + 1, path, qi + 1, prefix);
}

}  // namespace

bool IsGlobPattern(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

bool MatchGlobSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& path, bool prefix) {
  return Matches(pattern, 0, path, 0, prefix);
}

Result<std::unique_ptr<PatternWalker>> PatternWalker::Start(const std::string& pattern, bool recursive,
                                                            size_t directory_window) {
  std::unique_ptr<PatternWalker> walker(new PatternWalker());
  walker->directory_window_ = directory_window;
  if (IsGlobPattern(pattern)) {
    // The root is the segments before the first one with glob characters.
    const auto segments = SplitSegments(pattern);
    size_t first_glob = 0;
    while (first_glob < segments.size() && !IsGlobPattern(segments[first_glob])) first_glob++;
    for (size_t i = 0; i < first_glob; i++) {
      if (i > 0) walker->root_ += '/';
      walker->root_ += segments[i];
    }
    if (first_glob > 0 && walker->root_.empty()) walker->root_.assign(1, '/');  // an absolute pattern
    walker->segments_.assign(segments.begin() + static_cast<std::ptrdiff_t>(first_glob), segments.end());
    walker->follow_links_ =
        std::find(walker->segments_.begin(), walker->segments_.end(), "**") == walker->segments_.end();
    struct stat info {};
    if (walker->root_.empty() || (::stat(walker->root_.c_str(), &info) == 0 && S_ISDIR(info.st_mode))) {
      walker->stack_.push_back({std::make_unique<SortedDirectory>(walker->root_, directory_window), walker->root_});
    }
    return walker;
  }
  struct stat info {};
  if (::stat(pattern.c_str(), &info) != 0) {
    struct stat own {};
    if (::lstat(pattern.c_str(), &own) != 0) return Error{"no file or folder found at '" + pattern + "'"};
  }
  if (!S_ISDIR(info.st_mode)) {
    walker->fixed_paths_.push_back(pattern);
    return walker;
  }
  walker->root_ = pattern;
  walker->segments_ = recursive ? std::vector<std::string>{"**", "*"} : std::vector<std::string>{"*"};
  walker->follow_links_ = !recursive;
  // A folder named exactly must be readable: the error now, not an empty listing.
  DIR* dir = ::opendir(pattern.c_str());
  if (dir == nullptr) return Error{"cannot list folder: " + pattern + ": " + std::strerror(errno)};
  ::closedir(dir);
  walker->stack_.push_back({std::make_unique<SortedDirectory>(pattern, directory_window), pattern});
  return walker;
}

std::unique_ptr<PatternWalker> PatternWalker::OfPaths(std::vector<std::string> paths) {
  std::unique_ptr<PatternWalker> walker(new PatternWalker());
  std::sort(paths.begin(), paths.end());
  walker->fixed_paths_ = std::move(paths);
  return walker;
}

bool PatternWalker::MatchesFile(const std::string& name) {
  relative_.push_back(name);
  const bool matches = MatchGlobSegments(segments_, relative_, false);
  relative_.pop_back();
  return matches;
}

bool PatternWalker::MayHoldMatches(const std::string& name) {
  relative_.push_back(name);
  const bool may = MatchGlobSegments(segments_, relative_, true);
  relative_.pop_back();
  return may;
}

Result<std::optional<std::string>> PatternWalker::Next() {
  if (next_fixed_ < fixed_paths_.size()) return std::optional<std::string>(std::move(fixed_paths_[next_fixed_++]));
  while (!stack_.empty()) {
    Frame& frame = stack_.back();
    auto entry = frame.directory->Next();
    if (!entry.ok()) {
      if (stack_.size() == 1) return Error{entry.error()};
      entry = std::optional<DirectoryEntry>();  // an unreadable folder below the start is skipped
    }
    if (!entry.value()) {
      stack_.pop_back();
      if (!relative_.empty()) relative_.pop_back();
      continue;
    }
    const DirectoryEntry& found = *entry.value();
    if (found.is_directory) {
      if ((follow_links_ || !found.is_link) && MayHoldMatches(found.name)) {
        std::string path = JoinPath(frame.path, found.name);
        relative_.push_back(found.name);
        stack_.push_back({std::make_unique<SortedDirectory>(path, directory_window_), std::move(path)});
      }
      continue;
    }
    if (found.is_regular && MatchesFile(found.name))
      return std::optional<std::string>(JoinPath(frame.path, found.name));
  }
  return std::optional<std::string>();
}

}  // namespace quarry::io
