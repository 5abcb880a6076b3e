// The pixel budget every image decoder enforces before it allocates a pixel buffer (DecodeOptions::
// max_pixels, Pillow's decompression-bomb limit by default). Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/result.hpp"

namespace quarry::media {

// An Error when width × height (computed in 64 bits) is over max_pixels, or when either side is not
// positive or does not fit an int32; std::nullopt when the image may be decoded.
std::optional<Error> CheckPixelLimit(int64_t width, int64_t height, uint64_t max_pixels);

}  // namespace quarry::media
