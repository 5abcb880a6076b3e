// The text detector (PP-OCRv4 "det", a DB network): finds text lines in an image, as PaddleOCR's
// TextDetector. Immutable after loading; thread-safe.
//
// Input: the BGR image resized (bilinear, OpenCV's) so that its longer side is at most
// kDetectorMaxSide (960; smaller images are not enlarged), each side then rounded to the nearest
// multiple of 32 (at least 32) — which also caps the detector's input at 960 × 960 whatever the
// image's size — normalized with ImageNet's mean and std (kDetectorNormalization). Output: a [1, 1, H, W]
// text probability map, turned into boxes by BoxesFromProbabilityMap (db_postprocess.hpp, thresholds
// there).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/image.hpp"
#include "ml/ocr/db_postprocess.hpp"
#include "ml/onnx/onnx_model.hpp"

namespace quarry::ml::ocr {

inline constexpr int32_t kDetectorMaxSide = 960;
inline constexpr int32_t kDetectorStride = 32;

struct Size {
  int32_t width = 0;
  int32_t height = 0;
};

// The detector's input size for an image of `image` size (both > 0).
Size DetectorInputSize(Size image);

class TextDetector {
 public:
  static Result<TextDetector> Load(const std::string& model_path);

  // The text boxes in `bgr` (3 channels), in the image's pixel coordinates, in no particular order.
  Result<std::vector<DetectedBox>> Detect(const media::ImageView& bgr) const;

 private:
  explicit TextDetector(std::shared_ptr<const onnx::OnnxModel> model) : model_(std::move(model)) {}

  std::shared_ptr<const onnx::OnnxModel> model_;
};

}  // namespace quarry::ml::ocr
