// Upside-down text line detection (see orientation_classifier.hpp).
#include "ml/ocr/orientation_classifier.hpp"

#include "ml/ocr/batching.hpp"
#include "ml/ocr/model_io.hpp"

namespace quarry::ml::ocr {

Result<OrientationClassifier> OrientationClassifier::Load(const std::string& model_path) {
  auto model = onnx::OnnxModel::Load(model_path);
  if (!model.ok()) return Error{model.error()};
  return OrientationClassifier(model.value());
}

Result<std::vector<bool>> OrientationClassifier::RunBatch(const std::vector<media::Image>& lines,
                                                          const std::vector<size_t>& batch) const {
  const int64_t plane = int64_t{kClassifierHeight} * kClassifierWidth;
  std::vector<float> input(batch.size() * 3 * plane, 0.0f);
  for (size_t i = 0; i < batch.size(); i++) {
    const media::Image resized = ResizeToLineHeight(lines[batch[i]], kClassifierHeight, kClassifierWidth);
    WriteNormalized(resized, kLineNormalization, kClassifierWidth, kClassifierHeight, input.data() + i * 3 * plane);
  }
  auto output =
      RunFloatModel(*model_, {static_cast<int64_t>(batch.size()), 3, kClassifierHeight, kClassifierWidth}, input);
  if (!output.ok()) return Error{output.error()};
  if (output.value().values.size() != batch.size() * 2) {
    return Error{"the orientation classifier's output is not [N, 2]"};
  }
  std::vector<bool> upside_down(batch.size());
  for (size_t i = 0; i < batch.size(); i++) {
    const float upright = output.value().values[2 * i], turned = output.value().values[2 * i + 1];
    upside_down[i] = turned > upright && turned > kUpsideDownThreshold;
  }
  return upside_down;
}

std::vector<Result<bool>> OrientationClassifier::UpsideDown(const std::vector<media::Image>& lines) const {
  const std::vector<int32_t> widths(lines.size(), kClassifierWidth);
  return RunBatches<bool>(lines.size(),
                          BatchesOfEqualWidth(widths, int64_t{kClassifierWidth} * kClassifierBatch, kClassifierBatch),
                          [&](const std::vector<size_t>& batch) { return RunBatch(lines, batch); });
}

}  // namespace quarry::ml::ocr
