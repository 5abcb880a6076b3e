// Text line detection (see text_detector.hpp).
#include "ml/ocr/text_detector.hpp"

#include <algorithm>
#include <cmath>

#include "ml/ocr/model_io.hpp"

namespace quarry::ml::ocr {
namespace {

// `side` scaled by `ratio` (truncated, as PaddleOCR's int()), rounded to the nearest multiple of the
// stride (halves to even, as Python's round), at least one stride.
int32_t DetectorSide(int32_t side, double ratio) {
  const double scaled = std::trunc(side * ratio);
  const double strides = std::nearbyint(scaled / kDetectorStride);
  return std::max(kDetectorStride, static_cast<int32_t>(strides) * kDetectorStride);
}

}  // namespace

Size DetectorInputSize(Size image) {
  const int32_t longer = std::max(image.width, image.height);
  const double ratio = longer > kDetectorMaxSide ? static_cast<double>(kDetectorMaxSide) / longer : 1.0;
  return {DetectorSide(image.width, ratio), DetectorSide(image.height, ratio)};
}

Result<TextDetector> TextDetector::Load(const std::string& model_path) {
  auto model = onnx::OnnxModel::Load(model_path);
  if (!model.ok()) return Error{model.error()};
  return TextDetector(model.value());
}

Result<std::vector<DetectedBox>> TextDetector::Detect(const media::ImageView& bgr) const {
  const Size input = DetectorInputSize({bgr.width, bgr.height});
  const media::Image resized = ResizeLinear(bgr, input.width, input.height);
  std::vector<float> values(size_t{3} * input.width * input.height);
  WriteNormalized(resized, kDetectorNormalization, input.width, input.height, values.data());
  auto output = RunFloatModel(*model_, {1, 3, input.height, input.width}, values);
  if (!output.ok()) return Error{output.error()};
  const auto& shape = output.value().shape;
  if (shape.size() != 4 || shape[0] != 1 || shape[1] != 1) return Error{"the detector's output is not [1, 1, H, W]"};
  return BoxesFromProbabilityMap(output.value().values.data(), static_cast<int32_t>(shape[3]),
                                 static_cast<int32_t>(shape[2]), bgr.width, bgr.height);
}

}  // namespace quarry::ml::ocr
