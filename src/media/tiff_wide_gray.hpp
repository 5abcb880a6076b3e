// TIFF gray images with 12- or 32-bit samples, which libtiff's RGBA interface refuses: 12-bit
// unsigned, 32-bit unsigned and signed integers, 32-bit floats (Pillow's modes I;16, I and F). Read
// row by row (strips or tiles) with libtiff and brought to 8 bits as Pillow's convert("L") does:
// values are clipped to 0..255, not scaled (floats truncated, NaN 0; 32-bit unsigned samples read as
// signed, as Pillow does, so those over 2^31 are 0). Stateless; thread-safe for different TIFFs.
#pragma once

#include <tiffio.h>

#include <cstdint>

#include "common/result.hpp"
#include "media/image.hpp"

namespace quarry::media {

// True when the current directory is a one-sample, min-is-black image of a depth handled here.
bool IsWideGrayTiff(TIFF* tiff);

// The current directory's pixels as stored (no orientation applied), one gray channel.
// REQUIRES: IsWideGrayTiff(tiff); width × height already checked against the pixel budget.
Result<Image> DecodeWideGrayTiff(TIFF* tiff, uint32_t width, uint32_t height);

}  // namespace quarry::media
