// JPEG decoding with TurboJPEG (libjpeg-turbo): baseline, progressive, gray, CMYK/YCCK, with DCT
// scaling by 1/2, 1/4 or 1/8 when DecodeOptions asks for a minimum size, and EXIF orientation.
// Stateless and thread-safe (one TurboJPEG handle per call).
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media {

// Size and channels from the frame header (SOFn), without decoding pixels.
Result<ImageHeader> ReadJpegHeader(std::span<const uint8_t> bytes);

// Gray for one-component JPEGs, BGR otherwise (CMYK converted as Pillow does). A file that ends
// early ("Premature end of JPEG file") is an error; other libjpeg warnings are tolerated as Pillow does.
Result<Image> DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options);

// The EXIF orientation (1 to 8, exif_orientation.hpp) from the APP1 segments before the first SOFn/SOS;
// upright when none.
int ReadJpegOrientation(std::span<const uint8_t> bytes);

// The scaled size TurboJPEG produces for `width` × `height` at the smallest of 1/8, 1/4, 1/2, 1 that
// keeps both sides at least min_width × min_height (full size when either minimum is 0).
void ChooseJpegScale(int32_t width, int32_t height, int32_t min_width, int32_t min_height, int32_t& scaled_width,
                     int32_t& scaled_height);

}  // namespace quarry::media
