// The process-wide pool of pixel buffers (see pixel_pool.hpp).
#include "media/pixel_pool.hpp"

#include <algorithm>
#include <mutex>

namespace quarry::media {
namespace {

// Buffers below this are cheap to allocate (malloc's heap, no page mapping); not worth pooling.
constexpr size_t kMinimumPooledBytes = 256 * 1024;
// At most this much memory waits in the pool (a few full-size photos per core).
constexpr size_t kMaximumPooledBytes = 64 * 1024 * 1024;

struct Pool {
  std::mutex mutex;
  std::vector<std::vector<uint8_t>> buffers;
  size_t bytes = 0;
};

Pool& ThePool() {
  static Pool* pool = new Pool();  // never destroyed: buffers may come back during static destruction
  return *pool;
}

}  // namespace

std::vector<uint8_t> AcquirePixels(size_t size) {
  if (size >= kMinimumPooledBytes) {
    Pool& pool = ThePool();
    std::lock_guard<std::mutex> lock(pool.mutex);
    // The smallest buffer that holds `size` without growing (shrinking a vector writes nothing).
    auto best = pool.buffers.end();
    for (auto it = pool.buffers.begin(); it != pool.buffers.end(); ++it) {
      if (it->size() >= size && (best == pool.buffers.end() || it->size() < best->size())) best = it;
    }
    if (best != pool.buffers.end()) {
      std::vector<uint8_t> buffer = std::move(*best);
      pool.bytes -= buffer.size();
      *best = std::move(pool.buffers.back());
      pool.buffers.pop_back();
      buffer.resize(size);
      return buffer;
    }
  }
  std::vector<uint8_t> buffer;
  buffer.resize(size);
  return buffer;
}

void ReleasePixels(std::vector<uint8_t>&& pixels) {
  // The buffer's whole capacity is reusable without a fill: grow its size to it (no reallocation, and
  // only the bytes past the current size are written, once).
  if (pixels.capacity() < kMinimumPooledBytes) return;
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  if (pool.bytes + pixels.capacity() > kMaximumPooledBytes) return;  // the caller frees it
  pixels.resize(pixels.capacity());
  pool.bytes += pixels.size();
  pool.buffers.push_back(std::move(pixels));
}

}  // namespace quarry::media
