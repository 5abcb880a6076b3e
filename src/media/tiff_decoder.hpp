// TIFF decoding with libtiff, read from memory (TIFFClientOpenExt): the first page (directory),
// through libtiff's RGBA interface, so every photometric, compression and bit depth libtiff knows
// is decoded; 12- and 32-bit gray, which that interface refuses, through tiff_wide_gray.hpp.
// libtiff's errors and warnings are captured per call (per handle, and per thread for the messages
// libtiff sends without one), never printed; a failed decode's error quotes them. Stateless and
// thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media {

// Size, channels from the first directory's tags (TIFFGetField), no pixels decoded.
Result<ImageHeader> ReadTiffHeader(std::span<const uint8_t> bytes);

// Gray (min-is-black/white without alpha) → 1 channel; with an alpha extra sample → BGRA (straight,
// not premultiplied); else BGR. The Orientation tag is applied only with auto_orient.
Result<Image> DecodeTiff(std::span<const uint8_t> bytes, const DecodeOptions& options);

}  // namespace quarry::media
