// PNG decoding with libspng: every color type and bit depth, palettes, tRNS transparency, interlacing.
// Stateless and thread-safe (one spng context per call).
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media {

// Size from IHDR; channels from the color type and whether a tRNS chunk precedes the image data.
Result<ImageHeader> ReadPngHeader(std::span<const uint8_t> bytes);

// Gray (no alpha, no tRNS) → 1 channel; RGB or palette → BGR; anything with alpha or tRNS → BGRA.
// 16-bit samples keep their high byte. Gamma and color profiles are not applied (as Pillow).
Result<Image> DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options);

}  // namespace quarry::media
