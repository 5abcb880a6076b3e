// The process-wide pool of pixel buffers (see pixel_pool.hpp).
#include "media/pixel_pool.hpp"

#include <cstddef>
#include <mutex>

namespace quarry::media {
namespace {

// Buffers below this are cheap to allocate (malloc's small bins); not worth pooling. A 224 x 224 picture
// (150 KB) is pooled: glibc maps blocks that size afresh or trims them off its heap once freed, so each
// cost a zero-fill and a page fault per 4 KiB (~3% of a resizing scan's time before it was pooled).
constexpr size_t kMinimumPooledBytes = 64 * 1024;
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
    // The smallest buffer whose memory holds `size` (a larger one stays for a larger picture), of those
    // the one needing the fewest bytes filled (a vector shrinks without writing; growing within its
    // capacity zero-fills the bytes past its old size). Not one over twice as large: a small picture
    // would hold a large picture's memory for as long as it lives.
    auto best = pool.buffers.end();
    for (auto it = pool.buffers.begin(); it != pool.buffers.end(); ++it) {
      if (it->capacity() < size || it->capacity() / 2 > size) continue;
      if (best == pool.buffers.end() || it->capacity() < best->capacity() ||
          (it->capacity() == best->capacity() && it->size() > best->size())) {
        best = it;
      }
    }
    if (best != pool.buffers.end()) {
      buffer = std::move(*best);
      pool.bytes -= buffer.capacity();
      pool.buffers.erase(best);  // the others keep their order, oldest first
    }
  }
  buffer.resize(size);  // outside the lock: any fill is this thread's own work
  return buffer;
}

void ReleasePixels(std::vector<uint8_t>&& pixels) {
  // Kept as it is: its bytes past the picture it held are filled only if a larger picture takes it.
  if (pixels.capacity() < kMinimumPooledBytes || pixels.capacity() > kMaximumPooledBytes) return;
  std::vector<std::vector<uint8_t>> evicted;
  {
    Pool& pool = ThePool();
    std::lock_guard<std::mutex> lock(pool.mutex);
    // Over the bound, the buffers given back longest ago make room: the pool follows what the
    // pictures of the moment need (a scan of small pictures after one of large ones).
    size_t oldest = 0;
    while (oldest < pool.buffers.size() && pool.bytes + pixels.capacity() > kMaximumPooledBytes) {
      pool.bytes -= pool.buffers[oldest].capacity();
      evicted.push_back(std::move(pool.buffers[oldest++]));
    }
    pool.buffers.erase(pool.buffers.begin(), pool.buffers.begin() + static_cast<std::ptrdiff_t>(oldest));
    pool.bytes += pixels.capacity();
    pool.buffers.push_back(std::move(pixels));
  }  // `evicted` frees them here, outside the lock
}

size_t PooledPixelBytes() {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  return pool.bytes;
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
