// BMP decoding, written here (no library): BITMAPCOREHEADER and BITMAPINFOHEADER and its V2–V5
// extensions; uncompressed 1/4/8-bit palette, 16/24/32-bit, BI_BITFIELDS / BI_ALPHABITFIELDS
// 16/32-bit, and run-length encoded BI_RLE8 / BI_RLE4 palette images (bmp_rle.hpp); bottom-up and
// top-down rows. JPEG and PNG compression are errors. Every read is bounds-checked against the
// buffer. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media {

// Size and channels from the file and DIB headers.
Result<ImageHeader> ReadBmpHeader(std::span<const uint8_t> bytes);

// BGRA only for bit fields with a non-zero alpha mask; otherwise BGR (a 32-bit BI_RGB file's fourth
// byte is padding, as in Pillow and the Windows definition). Palettes are expanded.
Result<Image> DecodeBmp(std::span<const uint8_t> bytes, const DecodeOptions& options);

}  // namespace quarry::media
