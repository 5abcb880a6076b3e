// Cutting text lines out of an image: each detected quadrilateral is warped to an upright rectangle
// (PaddleOCR's get_rotate_crop_image), and lines that come out upside down are turned. Pure functions;
// thread-safe.
//
// The crop is max(top, bottom side) wide and max(left, right side) high (truncated to whole pixels, at
// least 1), sampled with a bicubic perspective warp, the image's edge pixels repeated outside it. A
// crop at least kVerticalRatio (1.5) times as high as wide holds vertical text: it is turned 90°
// counter-clockwise so the recognizer reads it left to right. A crop over kMaxCropPixels (4 Mpx) is
// warped at a proportionally smaller size (the recognizer sees 48-pixel-high lines anyway).
#pragma once

#include <cstdint>

#include "media/image.hpp"
#include "ml/ocr/box_geometry.hpp"

namespace quarry::ml::ocr {

inline constexpr float kVerticalRatio = 1.5f;
inline constexpr int64_t kMaxCropPixels = 4'000'000;

// The text line inside `quad` of `bgr` (3 channels), upright.
media::Image CropTextLine(const media::ImageView& bgr, const Quad& quad);

// `image` turned by 180°.
media::Image Rotate180(const media::ImageView& image);

}  // namespace quarry::ml::ocr
