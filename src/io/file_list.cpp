// FileListing: patterns merged into one streaming listing, shares and Hive partitions (see file_list.hpp).
#include "io/file_list.hpp"

#include <sys/stat.h>

#include <algorithm>

namespace quarry::io {

namespace {

// The key=value folders of `path`, in order.
std::vector<std::pair<std::string, std::string>> HivePartitions(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> partitions;
  size_t begin = 0;
  while (true) {
    const size_t end = path.find('/', begin);
    if (end == std::string::npos) break;  // the rest is the file name
    const std::string segment = path.substr(begin, end - begin);
    const auto equals = segment.find('=');
    if (equals != std::string::npos && equals > 0) {
      partitions.emplace_back(segment.substr(0, equals), segment.substr(equals + 1));
    }
    begin = end + 1;
  }
  return partitions;
}

}  // namespace

uint32_t ShareOfPath(const std::string& path, uint32_t count) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : path) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return count <= 1 ? 0 : static_cast<uint32_t>(hash % count);
}

Result<std::unique_ptr<FileListing>> FileListing::Start(const std::vector<std::string>& patterns,
                                                        FileListOptions options,
                                                        std::vector<std::pair<std::string, uint64_t>> listed) {
  std::unique_ptr<FileListing> listing(new FileListing());
  listing->options_ = std::move(options);
  if (listing->options_.share.count == 0) listing->options_.share.count = 1;
  for (const auto& pattern : patterns) {
    auto walker = PatternWalker::Start(pattern, listing->options_.recursive, listing->options_.directory_window);
    if (!walker.ok()) return Error{walker.error()};
    auto head = walker.value()->Next();
    if (!head.ok()) return Error{head.error()};
    if (!head.value()) {
      if (IsGlobPattern(pattern)) return Error{"no files match the pattern '" + pattern + "'"};
      continue;  // an empty folder
    }
    listing->walkers_.push_back(std::move(walker).value());
    listing->heads_.push_back(std::move(head).value());
  }
  if (!listed.empty()) {
    std::vector<std::string> paths;
    for (auto& [path, size] : listed) {
      listing->listed_sizes_[path] = size;
      paths.push_back(std::move(path));
    }
    auto walker = PatternWalker::OfPaths(std::move(paths));
    auto head = walker->Next();
    listing->heads_.push_back(std::move(head).value());
    listing->walkers_.push_back(std::move(walker));
  }
  return listing;
}

Result<std::optional<ListedFile>> FileListing::Next() {
  while (true) {
    // The smallest head; every walker at that path moves on (patterns may name a file twice).
    std::optional<std::string> smallest;
    for (const auto& head : heads_) {
      if (head && (!smallest || *head < *smallest)) smallest = head;
    }
    if (!smallest) return std::optional<ListedFile>();
    for (size_t i = 0; i < walkers_.size(); i++) {
      if (heads_[i] != smallest) continue;
      auto next = walkers_[i]->Next();
      if (!next.ok()) return Error{next.error()};
      heads_[i] = std::move(next).value();
    }
    if (last_path_ == smallest) continue;
    last_path_ = smallest;
    if (options_.share.count > 1 && ShareOfPath(*smallest, options_.share.count) != options_.share.index) continue;
    if (options_.exclude && options_.exclude(*smallest)) continue;
    return std::optional<ListedFile>(Describe(std::move(*smallest)));
  }
}

ListedFile FileListing::Describe(std::string path) {
  ListedFile file;
  struct stat info {};
  if (auto listed = listed_sizes_.find(path); listed != listed_sizes_.end()) {
    file.size = listed->second;
  } else if (::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
    file.size = static_cast<uint64_t>(info.st_size);
  }
  if (options_.hive_partitioning) {
    for (auto& [key, value] : HivePartitions(path)) {
      auto position = std::find(partition_keys_.begin(), partition_keys_.end(), key);
      const size_t index = static_cast<size_t>(position - partition_keys_.begin());
      if (position == partition_keys_.end()) partition_keys_.push_back(key);
      if (file.partition_values.size() <= index) file.partition_values.resize(index + 1);
      file.partition_values[index] = std::move(value);
    }
  }
  file.path = std::move(path);
  return file;
}

Result<FileList> ListFiles(const std::vector<std::string>& patterns, const FileListOptions& options) {
  auto listing = FileListing::Start(patterns, options);
  if (!listing.ok()) return Error{listing.error()};
  FileList list;
  while (true) {
    auto next = listing.value()->Next();
    if (!next.ok()) return Error{next.error()};
    if (!next.value()) break;
    list.files.push_back(std::move(*next.value()));
  }
  list.partition_keys = listing.value()->partition_keys();
  for (auto& file : list.files) file.partition_values.resize(list.partition_keys.size());
  return list;
}

}  // namespace quarry::io
