// Reading a file's bytes, bounded: the whole file, or only its first bytes (for header-only reads),
// from any FileStore (the machine's own files by default). Thread-safe; every failure is an Error
// naming the reason (missing, unreadable, too large, not a regular file).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "io/file_store.hpp"

namespace quarry::io {

// Files larger than this are error rows rather than allocations (DecodeImage's pixel limit bounds the
// decoded size separately).
constexpr uint64_t kDefaultMaxFileBytes = 1ull << 30;

// A local file's size, or an Error when it is missing or not a regular file (a FIFO, a device, a folder).
Result<uint64_t> RegularFileSize(const std::string& path);

// Reads at most `prefix_bytes` bytes from the start of the file (all of it when the file is smaller).
// Reading the whole file: prefix_bytes = max_file_bytes; a file over max_file_bytes is then an error.
// Never blocks on a FIFO: anything but a regular file is an Error.
Result<std::vector<uint8_t>> ReadFileBytes(const FileStore& store, const std::string& path, uint64_t prefix_bytes,
                                           uint64_t max_file_bytes = kDefaultMaxFileBytes);

// The same from a file already open.
Result<std::vector<uint8_t>> ReadFileBytes(RandomAccessFile& file, uint64_t prefix_bytes,
                                           uint64_t max_file_bytes = kDefaultMaxFileBytes);

// The same from the machine's own files.
Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path, uint64_t prefix_bytes,
                                           uint64_t max_file_bytes = kDefaultMaxFileBytes);

}  // namespace quarry::io
