// Image encoding: an Image to the bytes of a PNG or JPEG file (image_encode in SQL).
// Thread-safe, no state.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "media/image.hpp"

namespace quarry::media {

// PNG, lossless; gray, BGR and BGRA images keep their channels (stored as gray, RGB, RGBA).
Result<std::string> EncodePng(const ImageView& image);
// JPEG at `quality` 1..100 (4:2:0 subsampling); a BGRA image loses its alpha.
Result<std::string> EncodeJpeg(const ImageView& image, int quality = 90);

}  // namespace quarry::media
