// ReadFileBytes with POSIX calls (see file_reader.hpp).
#include "io/file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace quarry::io {

Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path, uint64_t prefix_bytes, uint64_t max_file_bytes) {
  // O_NONBLOCK: opening a FIFO (or a device) named by the query must not wait for a writer; such a file
  // is refused just below. For regular files the flag changes nothing.
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (descriptor < 0) {
    return Error{std::string("cannot open file: ") + std::strerror(errno)};
  }
  struct stat status {};
  if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(descriptor);
    return Error{"not a regular file"};
  }
  const uint64_t size = static_cast<uint64_t>(status.st_size);
  if (prefix_bytes >= max_file_bytes && size > max_file_bytes) {
    ::close(descriptor);
    return Error{"file is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(max_file_bytes)};
  }
  std::vector<uint8_t> bytes(std::min(size, prefix_bytes));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t count = ::read(descriptor, bytes.data() + done, bytes.size() - done);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      const int saved = errno;
      ::close(descriptor);
      return Error{std::string("cannot read file: ") + std::strerror(saved)};
    }
    if (count == 0) break;  // the file shrank while reading
    done += static_cast<size_t>(count);
  }
  ::close(descriptor);
  bytes.resize(done);
  return bytes;
}

}  // namespace quarry::io

namespace quarry::io {

Result<uint64_t> RegularFileSize(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    return Error{std::string("cannot open file: ") + std::strerror(errno)};
  }
  if (!S_ISREG(status.st_mode)) return Error{"not a regular file"};
  return static_cast<uint64_t>(status.st_size);
}

}  // namespace quarry::io
