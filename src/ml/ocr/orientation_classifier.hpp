// The text line orientation classifier (PP-OCR mobile v2.0 "cls"): tells which cropped lines are upside
// down, as PaddleOCR's TextClassifier. Immutable after loading; thread-safe.
//
// Input: each line resized to height kClassifierHeight (48) keeping its aspect ratio, width at most
// kClassifierWidth (192), normalized to [-1, 1] ((v / 255 - 0.5) / 0.5) and padded on the right with 0
// to 48 × 192; batches of kClassifierBatch (16) lines. Output: [N, 2]
// probabilities of 0° and 180°; a line is upside down when 180° wins with probability above
// kUpsideDownThreshold (0.9).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/image.hpp"
#include "ml/onnx/onnx_model.hpp"

namespace quarry::ml::ocr {

inline constexpr int32_t kClassifierHeight = 48;
inline constexpr int32_t kClassifierWidth = 192;
inline constexpr size_t kClassifierBatch = 16;
inline constexpr float kUpsideDownThreshold = 0.9f;

class OrientationClassifier {
 public:
  static Result<OrientationClassifier> Load(const std::string& model_path);

  // For each line (BGR), whether it is upside down.
  std::vector<Result<bool>> UpsideDown(const std::vector<media::Image>& lines) const;

 private:
  explicit OrientationClassifier(std::shared_ptr<const onnx::OnnxModel> model) : model_(std::move(model)) {}
  Result<std::vector<bool>> RunBatch(const std::vector<media::Image>& lines, const std::vector<size_t>& batch) const;

  std::shared_ptr<const onnx::OnnxModel> model_;
};

}  // namespace quarry::ml::ocr
