// ListFiles: folders, globs and Hive partitions (see file_list.hpp).
#include "io/file_list.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

namespace quarry::io {

namespace fs = std::filesystem;

namespace {

bool IsHidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

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

// Lists the regular files in `folder` (and below, when `recursive`), skipping hidden entries.
Result<bool> ListFolder(const fs::path& folder, bool recursive, std::set<std::string>& found) {
  std::error_code error;
  auto options = fs::directory_options::skip_permission_denied;
  if (recursive) {
    fs::recursive_directory_iterator it(folder, options, error), end;
    if (error) return Error{"cannot list folder: " + folder.string() + ": " + error.message()};
    for (; it != end; it.increment(error)) {
      if (error) return Error{"cannot list folder: " + folder.string() + ": " + error.message()};
      if (IsHidden(it->path())) {
        if (it->is_directory(error)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(error)) found.insert(it->path().string());
    }
  } else {
    fs::directory_iterator it(folder, options, error), end;
    if (error) return Error{"cannot list folder: " + folder.string() + ": " + error.message()};
    for (; it != end; it.increment(error)) {
      if (error) return Error{"cannot list folder: " + folder.string() + ": " + error.message()};
      if (!IsHidden(it->path()) && it->is_regular_file(error)) found.insert(it->path().string());
    }
  }
  return true;
}

// Matches the glob segments from `index` on below `base`, adding matching regular files to `found`.
void MatchGlob(const fs::path& base, const std::vector<std::string>& segments, size_t index,
               std::set<std::string>& found) {
  std::error_code error;
  if (index == segments.size()) {
    if (fs::is_regular_file(base, error)) found.insert(base.string());
    return;
  }
  const std::string& segment = segments[index];
  if (segment == "**") {
    // Zero folders, then every folder below.
    MatchGlob(base, segments, index + 1, found);
    fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, error), end;
    for (; !error && it != end; it.increment(error)) {
      if (IsHidden(it->path())) {
        if (it->is_directory(error)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory(error)) MatchGlob(it->path(), segments, index + 1, found);
    }
    return;
  }
  if (!IsGlobPattern(segment)) {
    MatchGlob(segment.empty() && index == 0 ? fs::path("/") : base / segment, segments, index + 1, found);
    return;
  }
  fs::directory_iterator it(base.empty() ? fs::path(".") : base, fs::directory_options::skip_permission_denied, error),
      end;
  for (; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name[0] == '.' && segment[0] != '.') continue;
    if (fnmatch(segment.c_str(), name.c_str(), FNM_PERIOD) == 0) {
      MatchGlob(base.empty() ? fs::path(name) : base / name, segments, index + 1, found);
    }
  }
}

// The key=value folders of `path`, in order.
std::vector<std::pair<std::string, std::string>> HivePartitions(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> partitions;
  const auto segments = SplitSegments(path);
  for (size_t i = 0; i + 1 < segments.size(); i++) {  // folders only, not the file name
    const auto equals = segments[i].find('=');
    if (equals != std::string::npos && equals > 0) {
      partitions.emplace_back(segments[i].substr(0, equals), segments[i].substr(equals + 1));
    }
  }
  return partitions;
}

}  // namespace

bool IsGlobPattern(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

Result<FileList> ListFiles(const std::vector<std::string>& patterns, const FileListOptions& options) {
  std::set<std::string> found;
  for (const auto& pattern : patterns) {
    std::error_code error;
    if (IsGlobPattern(pattern)) {
      std::set<std::string> matched;
      MatchGlob(fs::path(), SplitSegments(pattern), 0, matched);
      if (matched.empty()) return Error{"no files match the pattern '" + pattern + "'"};
      found.merge(matched);
    } else if (fs::is_directory(pattern, error)) {
      auto listed = ListFolder(pattern, options.recursive, found);
      if (!listed.ok()) return Error{listed.error()};
    } else if (fs::exists(pattern, error)) {
      found.insert(pattern);
    } else {
      return Error{"no file or folder found at '" + pattern + "'"};
    }
  }

  FileList list;
  list.files.reserve(found.size());
  for (const auto& path : found) {
    ListedFile file;
    file.path = path;
    std::error_code error;
    const auto size = fs::file_size(path, error);
    file.size = error ? 0 : size;
    if (options.hive_partitioning) {
      for (auto& [key, value] : HivePartitions(path)) {
        auto position = std::find(list.partition_keys.begin(), list.partition_keys.end(), key);
        size_t index = position - list.partition_keys.begin();
        if (position == list.partition_keys.end()) list.partition_keys.push_back(key);
        if (file.partition_values.size() <= index) file.partition_values.resize(index + 1);
        file.partition_values[index] = value;
      }
    }
    list.files.push_back(std::move(file));
  }
  for (auto& file : list.files) file.partition_values.resize(list.partition_keys.size());
  return list;
}

}  // namespace quarry::io
