// PixelPool — recycles the large pixel buffers decoders fill, so that a scan over thousands of pictures
// does not pay, per picture, for a fresh allocation the kernel must map and zero and a std::vector
// zero-fill the decoder overwrites anyway. A buffer handed back (by whoever owned the pixels last: a
// DuckDB vector's buffer, an Image going away) is kept, the oldest ones making room beyond a bound, and
// the next picture it fits (at least half its size) takes it: without any fill when that picture is no
// larger than the last one the buffer held, else filling only the difference (std::vector zero-fills what
// it grows by). Process-wide and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quarry::media {

// A buffer of exactly `size` bytes whose contents are unspecified (the caller writes all of them).
std::vector<uint8_t> AcquirePixels(size_t size);

// Gives a buffer back for reuse: the pool takes it (freeing the buffers it was given longest ago if it
// would hold more than its bound), or leaves it with the caller if it is small or over the bound alone.
void ReleasePixels(std::vector<uint8_t>&& pixels);

// The bytes of memory the pool holds now (for tests).
size_t PooledPixelBytes();

// Frees every buffer the pool holds (tests start from an empty pool with it).
void FreePooledPixels();

}  // namespace quarry::media
