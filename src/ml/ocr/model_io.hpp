// Pixels into the three OCR models' input tensors, and their float outputs back: channel conversion,
// resizing and normalization as PaddleOCR's Python pipeline does them (OpenCV's resize, BGR channel
// order as cv2 reads images). Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "common/result.hpp"
#include "media/image.hpp"
#include "ml/onnx/onnx_model.hpp"

namespace quarry::ml::ocr {

// value' = (value / 255 - mean[c]) / std[c], c in memory channel order (B, G, R).
struct Normalization {
  std::array<float, 3> mean;
  std::array<float, 3> std;
};
// The detector's (ImageNet statistics, applied to B, G, R in that order as PaddleOCR does).
inline constexpr Normalization kDetectorNormalization{{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
// The classifier's and recognizer's: [0, 255] to [-1, 1].
inline constexpr Normalization kLineNormalization{{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};

// The largest image OCR accepts (twice Pillow's decompression-bomb limit); larger is an Error.
inline constexpr int64_t kMaxImagePixels = 178'956'970;

// `image` as 3-channel BGR: itself when it already is, else converted into `storage` (gray replicated
// to three channels; BGRA composited over white, so transparent backgrounds read as paper). Errors: an
// empty image, channels not 1/3/4, pixel bytes not matching the size, more than kMaxImagePixels.
Result<media::ImageView> AsBgr(const media::ImageView& image, media::Image& storage);

// OpenCV's bilinear resize (cv::resize, INTER_LINEAR: no antialiasing, as PaddleOCR) to width × height.
media::Image ResizeLinear(const media::ImageView& image, int32_t width, int32_t height);

// A text line image resized to `height` keeping its aspect ratio, its width ceil(height * w / h)
// capped at max_width (at least 1) — PaddleOCR's resize_norm_img before padding.
media::Image ResizeToLineHeight(const media::ImageView& line, int32_t height, int32_t max_width);

// Writes `bgr` normalized into `planes` (3 planes of plane_height rows of plane_width floats, channel
// major): the image's pixels at the top-left, the rest of each plane left as it is (the caller's padding).
// REQUIRES: bgr has 3 channels, width <= plane_width, height <= plane_height.
void WriteNormalized(const media::ImageView& bgr, const Normalization& normalization, int64_t plane_width,
                     int64_t plane_height, float* planes);

// A model's first output as floats.
struct FloatOutput {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

// Runs `model` on one float input of `shape` and returns its first output (an Error unless it is float).
Result<FloatOutput> RunFloatModel(const onnx::OnnxModel& model, std::vector<int64_t> shape,
                                  const std::vector<float>& values);

}  // namespace quarry::ml::ocr
