// WebP decoding with libwebp: lossy, lossless, alpha; the first frame of an animation (composited on
// its canvas by libwebpdemux). Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media {

// Size (the canvas for animations) and channels from WebPGetFeatures, without decoding pixels.
Result<ImageHeader> ReadWebpHeader(std::span<const uint8_t> bytes);

// BGRA when the file has alpha, BGR otherwise. EXIF orientation is not applied to WebP.
Result<Image> DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options);

}  // namespace quarry::media
