// The process-wide pool of pixel buffers (see pixel_pool.hpp).
#include "media/pixel_pool.hpp"

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
  std::vector<uint8_t> buffer;
  if (size >= kMinimumPooledBytes) {
    Pool& pool = ThePool();
    std::lock_guard<std::mutex> lock(pool.mutex);
    // Of the buffers whose memory holds `size`, the one that needs the fewest bytes filled (a vector
    // shrinks without writing; growing within its capacity zero-fills the bytes past its old size), then
    // the smallest.
    auto best = pool.buffers.end();
    size_t best_fill = 0;
    for (auto it = pool.buffers.begin(); it != pool.buffers.end(); ++it) {
      if (it->capacity() < size) continue;
      const size_t fill = size > it->size() ? size - it->size() : 0;
      if (best == pool.buffers.end() || fill < best_fill || (fill == best_fill && it->capacity() < best->capacity())) {
        best = it;
        best_fill = fill;
      }
    }
    if (best != pool.buffers.end()) {
      buffer = std::move(*best);
      pool.bytes -= buffer.capacity();
      *best = std::move(pool.buffers.back());
      pool.buffers.pop_back();
    }
  }
  buffer.resize(size);  // outside the lock: any fill is this thread's own work
  return buffer;
}

void ReleasePixels(std::vector<uint8_t>&& pixels) {
  // Kept as it is: its bytes past the picture it held are filled only if a larger picture takes it.
  if (pixels.capacity() < kMinimumPooledBytes) return;
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  if (pool.bytes + pixels.capacity() > kMaximumPooledBytes) return;  // the caller frees it
  pool.bytes += pixels.capacity();
  pool.buffers.push_back(std::move(pixels));
}

void FreePooledPixels() {
  std::vector<std::vector<uint8_t>> buffers;
  {
    Pool& pool = ThePool();
    std::lock_guard<std::mutex> lock(pool.mutex);
    buffers.swap(pool.buffers);
    pool.bytes = 0;
  }  // `buffers` frees them as it goes, outside the lock
}

}  // namespace quarry::media
