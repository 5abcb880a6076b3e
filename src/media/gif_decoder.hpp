// GIF decoding with giflib: the first frame, composited onto the logical screen. Reads records one by
// one (never DGifSlurp), so later frames of an animation cost nothing. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media {

// Size of the logical screen; channels 4 when a graphic control extension before the first image
// declares a transparent color, else 3. Reads records up to the first image descriptor, no pixels.
Result<ImageHeader> ReadGifHeader(std::span<const uint8_t> bytes);

// BGRA with transparency (a transparent pixel keeps its palette color with alpha 0, as Pillow's
// convert("RGBA")), else BGR. Screen area outside the first frame is the transparent color, or the
// background color without transparency.
Result<Image> DecodeGif(std::span<const uint8_t> bytes, const DecodeOptions& options);

}  // namespace quarry::media
