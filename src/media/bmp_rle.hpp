// The run-length encodings of BMP palette images, BI_RLE8 and BI_RLE4: from the compressed stream to
// one palette index per pixel. Written here (no library); every read is bounds-checked against the
// stream and every write against the image, so a lying stream can neither read nor write out of
// bounds. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.hpp"

namespace quarry::media {

// Palette indices, width × height, in the stream's row order (the first row the file stores first:
// the bottom one of a bottom-up BMP). Encoded runs (count, index; in RLE4 two alternating 4-bit
// indices) stop at the end of their row, the rest dropped until an end of line; absolute runs
// (0, count, indices padded to 16 bits) continue into the next row, as Pillow reads them. Escapes:
// 0 0 end of line, 0 1 end of bitmap, 0 2 dx dy skip right and down (to following rows). Skipped
// pixels are index 0, as in Pillow. A stream that ends (by end of bitmap or by running out) before
// the last pixel is an error, as in Pillow ("not enough image data").
// REQUIRES: width > 0, height > 0, width × height within the caller's pixel budget.
Result<std::vector<uint8_t>> DecodeBmpRle(std::span<const uint8_t> stream, int32_t width, int32_t height, bool rle4);

}  // namespace quarry::media
