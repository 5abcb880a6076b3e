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

// Resizes to exactly width × height (both > 0). Matches Pillow's Image.resize with the same filter to
// within 1 level per sample (Pillow rounds in fixed point).
Result<Image> Resize(const Image& image, int32_t width, int32_t height, ResizeFilter filter = ResizeFilter::kBilinear);

// The rectangle at (x, y) of width × height; an error when it does not lie inside the image.
Result<Image> Crop(const Image& image, int32_t x, int32_t y, int32_t width, int32_t height);

// The centered width × height rectangle (torchvision's CenterCrop: offsets rounded as
// int(round((H - h) / 2))); an error when larger than the image.
Result<Image> CenterCrop(const Image& image, int32_t width, int32_t height);

// One gray channel, as Pillow's convert('L'): L = (R·299 + G·587 + B·114) / 1000, rounded; alpha dropped.
Image ToGray(const Image& image);

}  // namespace quarry::media
