// Geometric and colour transforms on Images: resize (Pillow-compatible filters), crop, center crop,
// gray conversion. Pure functions: inputs are not modified, results are new Images; thread-safe.
#pragma once

#include <cstdint>

#include "common/result.hpp"
#include "media/image.hpp"

namespace quarry::media {

// Resampling filters, as Pillow's Image.resize defines them (with its antialiasing when shrinking:
// the filter's support widens by the scale factor, so shrinking averages every source pixel).
enum class ResizeFilter { kNearest, kBilinear, kBicubic, kBox };

// Resizes to exactly width × height (both > 0). Bit-identical to Pillow 9.4's Image.resize(size, filter)
// on the same bytes (its fixed-point coefficients and rounding; tested: maximum difference 0), including
// Pillow's handling of 4 channels: colour premultiplied by alpha before a convolution filter and divided
// back after (RGBA -> RGBa -> RGBA), not for kNearest. Channel order does not matter (BGR as RGB).
// Errors: channels not 1/3/4, an empty or inconsistent image, a target size <= 0 or over twice Pillow's
// decompression-bomb limit (178,956,970 pixels). The same size returns a copy, as Pillow does.
Result<Image> Resize(const ImageView& image, int32_t width, int32_t height,
                     ResizeFilter filter = ResizeFilter::kBilinear);

// Resize(image, width, height, filter) followed by CenterCrop(crop_width, crop_height), computing only
// the pixels kept (torchvision's Resize(S) then CenterCrop(S), as models preprocess): the same bytes,
// a quarter less work for a 4:3 picture. Errors as Resize, and when the crop does not fit.
Result<Image> ResizeCenterCrop(const ImageView& image, int32_t width, int32_t height, int32_t crop_width,
                               int32_t crop_height, ResizeFilter filter = ResizeFilter::kBilinear);

// The rectangle at (x, y) of width × height (both > 0); an error when it does not lie inside the image.
Result<Image> Crop(const ImageView& image, int32_t x, int32_t y, int32_t width, int32_t height);

// The centered width × height rectangle (torchvision's CenterCrop: top = int(round((H - h) / 2.0)),
// left likewise, Python's round, half to even); an error when larger than the image (torchvision would
// pad) or not positive.
Result<Image> CenterCrop(const ImageView& image, int32_t width, int32_t height);
// The offset of CenterCrop's rectangle of `inner` along an axis of `outer`: Python's round((outer -
// inner) / 2), half to even.
int32_t CenterCropOffset(int32_t outer, int32_t inner);

// One gray channel, bit-identical to Pillow's convert('L') of the RGB(A) image (libImaging/Convert.c):
// L = (R·19595 + G·38470 + B·7471 + 0x8000) >> 16, i.e. R·0.299 + G·0.587 + B·0.114 rounded in 16-bit
// fixed point, with B, G, R read in that order from the BGR(A) bytes; alpha dropped. A 1-channel image
// is copied. An image that is not 1, 3 or 4 channels with matching pixel bytes gives an empty Image.
Image ToGray(const ImageView& image);

}  // namespace quarry::media
