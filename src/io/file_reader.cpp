// ReadFileBytes over a FileStore, and the POSIX LocalFileStore (see file_reader.hpp, file_store.hpp).
#include "io/file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace quarry::io {

namespace {

class LocalFile : public RandomAccessFile {
 public:
  LocalFile(int descriptor, const struct stat& status)
      : descriptor_(descriptor),
        size_(static_cast<uint64_t>(status.st_size)),
        // Whole seconds, as DuckDB's local file system reports them (its read_text and read_blob).
        modified_microseconds_(static_cast<int64_t>(status.st_mtime) * 1000000) {}
  ~LocalFile() override { ::close(descriptor_); }
  LocalFile(const LocalFile&) = delete;
  LocalFile& operator=(const LocalFile&) = delete;

  uint64_t size() const override { return size_; }
  std::optional<int64_t> modified_microseconds() const override { return modified_microseconds_; }

  Result<size_t> ReadAt(uint64_t offset, void* buffer, size_t length) override {
    size_t done = 0;
    while (done < length) {
      const ssize_t count =
          ::pread(descriptor_, static_cast<uint8_t*>(buffer) + done, length - done, static_cast<off_t>(offset + done));
      if (count < 0 && errno == EINTR) continue;
      if (count < 0) return Error{std::string("cannot read file: ") + std::strerror(errno)};
      if (count == 0) break;  // the end (or the file shrank while reading)
      done += static_cast<size_t>(count);
    }
    return done;
  }

 private:
  int descriptor_;
  uint64_t size_;
  int64_t modified_microseconds_;
};

class PosixFileStore : public FileStore {
 public:
  Result<std::unique_ptr<RandomAccessFile>> Open(const std::string& path) const override {
    // O_NONBLOCK: opening a FIFO (or a device) named by the query must not wait for a writer; such a
    // file is refused just below. For regular files the flag changes nothing.
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (descriptor < 0) return Error{std::string("cannot open file: ") + std::strerror(errno)};
    struct stat status {};
    if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
      ::close(descriptor);
      return Error{"not a regular file"};
    }
    return std::unique_ptr<RandomAccessFile>(new LocalFile(descriptor, status));
  }
};

}  // namespace

const FileStore& LocalFileStore() {
  static const PosixFileStore store;  // stateless
  return store;
}

Result<std::vector<uint8_t>> ReadFileBytes(const FileStore& store, const std::string& path, uint64_t prefix_bytes,
                                           uint64_t max_file_bytes) {
  auto file = store.Open(path);
  if (!file.ok()) return Error{file.error()};
  return ReadFileBytes(*file.value(), prefix_bytes, max_file_bytes);
}

Result<std::vector<uint8_t>> ReadFileBytes(RandomAccessFile& file, uint64_t prefix_bytes, uint64_t max_file_bytes) {
  const uint64_t size = file.size();
  if (prefix_bytes >= max_file_bytes && size > max_file_bytes) {
    return Error{"file is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(max_file_bytes)};
  }
  std::vector<uint8_t> bytes(std::min(size, prefix_bytes));
  auto read = file.ReadAt(0, bytes.data(), bytes.size());
  if (!read.ok()) return Error{read.error()};
  bytes.resize(read.value());
  return bytes;
}

Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path, uint64_t prefix_bytes, uint64_t max_file_bytes) {
  return ReadFileBytes(LocalFileStore(), path, prefix_bytes, max_file_bytes);
}

Result<uint64_t> RegularFileSize(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    return Error{std::string("cannot open file: ") + std::strerror(errno)};
  }
  if (!S_ISREG(status.st_mode)) return Error{"not a regular file"};
  return static_cast<uint64_t>(status.st_size);
}

}  // namespace quarry::io
