// QueryFileStore: files through DuckDB's file system of the query's context (see query_file_store.hpp).
#include "functions/query_file_store.hpp"

#include <algorithm>

#include "duckdb/common/file_system.hpp"

namespace quarry {

namespace {

// A file opened through DuckDB's file system. DuckDB's positional Read throws on failure.
class DuckDbFile : public io::RandomAccessFile {
 public:
  DuckDbFile(duckdb::FileSystem& file_system, duckdb::unique_ptr<duckdb::FileHandle> handle, uint64_t size)
      : file_system_(file_system), handle_(std::move(handle)), size_(size) {}

  uint64_t size() const override { return size_; }

  std::optional<int64_t> modified_microseconds() const override {
    try {
      return file_system_.GetLastModifiedTime(*handle_).value;
    } catch (const std::exception&) {
      return std::nullopt;  // a file system that does not know
    }
  }

  Result<size_t> ReadAt(uint64_t offset, void* buffer, size_t length) override {
    if (offset >= size_) return size_t{0};
    const size_t wanted = static_cast<size_t>(std::min<uint64_t>(length, size_ - offset));
    try {
      file_system_.Read(*handle_, buffer, static_cast<int64_t>(wanted), offset);
      return wanted;
    } catch (const std::exception& error) {
      return Error{std::string("cannot read file: ") + duckdb::ErrorData(error).RawMessage()};
    }
  }

 private:
  duckdb::FileSystem& file_system_;
  duckdb::unique_ptr<duckdb::FileHandle> handle_;
  uint64_t size_;
};

}  // namespace

bool IsRemotePath(const std::string& path) {
  const auto scheme_end = path.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return false;
  if (path.compare(0, scheme_end, "file") == 0) return false;
  return std::all_of(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(scheme_end), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

QueryFileStore::QueryFileStore(duckdb::ClientContext& context)
    : file_system_(duckdb::FileSystem::GetFileSystem(context)) {}

Result<std::unique_ptr<io::RandomAccessFile>> QueryFileStore::Open(const std::string& path) const {
  if (!IsRemotePath(path)) return io::LocalFileStore().Open(path);
  try {
    auto handle = file_system_.OpenFile(path, duckdb::FileFlags::FILE_FLAGS_READ);
    const int64_t size = file_system_.GetFileSize(*handle);
    if (size < 0) return Error{"cannot open file: its size is unknown"};
    return std::unique_ptr<io::RandomAccessFile>(
        new DuckDbFile(file_system_, std::move(handle), static_cast<uint64_t>(size)));
  } catch (const std::exception& error) {
    return Error{std::string("cannot open file: ") + duckdb::ErrorData(error).RawMessage()};
  }
}

std::vector<std::pair<std::string, uint64_t>> QueryFileStore::GlobRemote(const std::string& pattern) const {
  std::vector<std::string> paths;
  if (!duckdb::FileSystem::HasGlob(pattern)) {
    if (!file_system_.FileExists(pattern)) throw duckdb::IOException("no file or folder found at '%s'", pattern);
    paths.push_back(pattern);
  } else {
    for (auto& file : file_system_.Glob(pattern)) paths.push_back(std::move(file.path));
    if (paths.empty()) throw duckdb::IOException("no files match the pattern '%s'", pattern);
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, uint64_t>> listed;
  for (auto& path : paths) {
    auto file = Open(path);
    const uint64_t size = file.ok() ? file.value()->size() : 0;
    listed.emplace_back(std::move(path), size);
  }
  return listed;
}

}  // namespace quarry
