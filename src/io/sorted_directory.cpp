// SortedDirectory: a folder's entries in path order, read in bounded windows (see sorted_directory.hpp).
#include "io/sorted_directory.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace quarry::io {

namespace {

// Compares two entries by their sort keys (a folder's name + "/") without building the keys.
int CompareKeys(const std::string& a_name, bool a_folder, const std::string& b_name, bool b_folder) {
  const size_t common = std::min(a_name.size(), b_name.size());
  const int prefix = a_name.compare(0, common, b_name, 0, common);
  if (prefix != 0) return prefix;
  // One name is a prefix of the other (or they are equal): compare the next character of each key.
  auto next = [](const std::string& name, bool folder, size_t at) -> int {
    if (at < name.size()) return static_cast<unsigned char>(name[at]);
    if (at == name.size() && folder) return '/';
    return -1;  // the key has ended
  };
  for (size_t at = common; at <= common + 1; at++) {
    const int a = next(a_name, a_folder, at);
    const int b = next(b_name, b_folder, at);
    if (a != b) return a < b ? -1 : 1;
    if (a < 0) return 0;
  }
  return 0;
}

bool EntryLess(const DirectoryEntry& a, const DirectoryEntry& b) {
  return CompareKeys(a.name, a.is_directory, b.name, b.is_directory) < 0;
}

// Fills in what the entry is; false when it vanished or is unreadable (then it is skipped).
bool Classify(const std::string& folder, const dirent& raw, DirectoryEntry& entry) {
  switch (raw.d_type) {
    case DT_DIR:
      entry.is_directory = true;
      return true;
    case DT_REG:
      entry.is_regular = true;
      return true;
    case DT_LNK:
    case DT_UNKNOWN:
      break;
    default:
      return true;  // a FIFO, socket or device: an entry that is neither (named files of it are errors)
  }
  entry.is_link = raw.d_type == DT_LNK;
  struct stat info {};
  if (::stat(JoinPath(folder, entry.name).c_str(), &info) != 0) return entry.is_link;  // a dangling link
  if (raw.d_type == DT_UNKNOWN) {
    struct stat own {};
    if (::lstat(JoinPath(folder, entry.name).c_str(), &own) == 0) entry.is_link = S_ISLNK(own.st_mode);
  }
  entry.is_directory = S_ISDIR(info.st_mode);
  entry.is_regular = S_ISREG(info.st_mode);
  return true;
}

}  // namespace

std::string JoinPath(const std::string& folder, const std::string& name) {
  if (folder.empty()) return name;
  if (folder.back() == '/') return folder + name;
  return folder + "/" + name;
}

SortedDirectory::SortedDirectory(std::string folder, size_t window)
    : folder_(std::move(folder)), window_(std::max<size_t>(1, window)) {}

Result<bool> SortedDirectory::ReadWindow() {
  entries_.clear();
  position_ = 0;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(folder_.empty() ? "." : folder_.c_str()), ::closedir);
  if (!dir) return Error{"cannot list folder: " + folder_ + ": " + std::strerror(errno)};
  // Keeps the `window_` smallest entries after last_key_; past 2 windows, trims back to one and skips
  // anything above the largest kept.
  std::optional<DirectoryEntry> cutoff;
  bool trimmed = false;
  auto after_last = [this](const DirectoryEntry& entry) {
    if (!last_key_) return true;
    const bool folder = !last_key_->empty() && last_key_->back() == '/';
    const std::string name = folder ? last_key_->substr(0, last_key_->size() - 1) : *last_key_;
    return CompareKeys(entry.name, entry.is_directory, name, folder) > 0;
  };
  auto trim = [this, &cutoff, &trimmed]() {
    trimmed = true;
    std::nth_element(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(window_ - 1), entries_.end(),
                     EntryLess);
    entries_.resize(window_);
    cutoff = *std::max_element(entries_.begin(), entries_.end(), EntryLess);
  };
  errno = 0;
  while (const dirent* raw = ::readdir(dir.get())) {
    if (std::strcmp(raw->d_name, ".") == 0 || std::strcmp(raw->d_name, "..") == 0) continue;
    DirectoryEntry entry;
    entry.name = raw->d_name;
    if (!Classify(folder_, *raw, entry)) continue;
    if (!after_last(entry)) continue;
    if (cutoff && !EntryLess(entry, *cutoff)) continue;
    entries_.push_back(std::move(entry));
    if (entries_.size() >= 2 * window_) trim();
  }
  if (errno != 0) return Error{"cannot list folder: " + folder_ + ": " + std::strerror(errno)};
  std::sort(entries_.begin(), entries_.end(), EntryLess);
  exhausted_ = !trimmed && entries_.size() <= window_;
  if (!exhausted_) entries_.resize(window_);
  return true;
}

Result<std::optional<DirectoryEntry>> SortedDirectory::Next() {
  if (position_ == entries_.size()) {
    if (exhausted_) return std::optional<DirectoryEntry>();
    auto read = ReadWindow();
    if (!read.ok()) return Error{read.error()};
    if (entries_.empty()) {
      exhausted_ = true;
      return std::optional<DirectoryEntry>();
    }
  }
  const DirectoryEntry& entry = entries_[position_++];
  last_key_ = entry.is_directory ? entry.name + "/" : entry.name;
  return std::optional<DirectoryEntry>(entry);
}

}  // namespace quarry::io
