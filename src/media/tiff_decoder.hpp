// TIFF decoding with libtiff, read from memory (TIFFClientOpenExt): the first page (directory),
// through libtiff's RGBA interface, so every photometric, compression and bit depth libtiff knows
// is decoded. libtiff's messages are captured per call, never printed. Stateless and thread-safe.
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
