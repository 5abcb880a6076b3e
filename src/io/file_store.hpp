// FileStore — where readers get a file's bytes, behind an interface so io/ and media/ know nothing of
// who serves them: the machine's own files (LocalFileStore, POSIX), or, in src/functions/, the DuckDB
// file system of the query's context (which reads s3:// and https:// paths when DuckDB has httpfs).
//
// A RandomAccessFile is used by one thread at a time; a FileStore is shared by all.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/result.hpp"

namespace quarry::io {

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // The file's size in bytes when it was opened.
  virtual uint64_t size() const = 0;
  // When the file was last modified, in microseconds since 1970-01-01 UTC, when the store knows (the
  // machine's own files: whole seconds, as DuckDB reports them).
  virtual std::optional<int64_t> modified_microseconds() const { return std::nullopt; }
  // Reads up to `length` bytes at `offset` into `buffer`: the bytes read (fewer only at the end of the
  // file, 0 past it), or an Error.
  virtual Result<size_t> ReadAt(uint64_t offset, void* buffer, size_t length) = 0;
};

// A file whose bytes are already in memory (not owned: they must outlive it).
class MemoryFile : public RandomAccessFile {
 public:
  explicit MemoryFile(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<size_t> ReadAt(uint64_t offset, void* buffer, size_t length) override {
    if (offset >= bytes_.size()) return size_t{0};
    const size_t count = std::min<size_t>(length, bytes_.size() - static_cast<size_t>(offset));
    std::memcpy(buffer, bytes_.data() + offset, count);
    return count;
  }

 private:
  std::span<const uint8_t> bytes_;
};

class FileStore {
 public:
  virtual ~FileStore() = default;
  // Opens a regular file for reading. Never blocks: a FIFO, a device or a folder is an Error
  // ("not a regular file"); so is a missing file ("cannot open file: ...").
  virtual Result<std::unique_ptr<RandomAccessFile>> Open(const std::string& path) const = 0;
};

// The machine's own files, through POSIX calls.
const FileStore& LocalFileStore();

}  // namespace quarry::io
