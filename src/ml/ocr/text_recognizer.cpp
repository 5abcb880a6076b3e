// Text line recognition (see text_recognizer.hpp).
#include "ml/ocr/text_recognizer.hpp"

#include <algorithm>
#include <cmath>

#include "ml/ocr/batching.hpp"
#include "ml/ocr/model_io.hpp"

namespace quarry::ml::ocr {
int32_t RecognizerInputWidth(int32_t width, int32_t height) {
  const double resized = std::ceil(static_cast<double>(kRecognizerHeight) * width / height);
  const double steps = std::ceil(resized / kRecognizerWidthStep);
  return static_cast<int32_t>(std::clamp(steps * kRecognizerWidthStep, static_cast<double>(kRecognizerMinWidth),
                                         static_cast<double>(kRecognizerMaxWidth)));
}

Result<TextRecognizer> TextRecognizer::Load(const std::string& model_path, const std::string& dictionary_path) {
  auto decoder = CtcDecoder::Load(dictionary_path);
  if (!decoder.ok()) return Error{decoder.error()};
  auto model = onnx::OnnxModel::Load(model_path);
  if (!model.ok()) return Error{model.error()};
  return TextRecognizer(model.value(), std::move(decoder.value()));
}

Result<std::vector<RecognizedText>> TextRecognizer::RunBatch(const std::vector<media::Image>& lines,
                                                             const std::vector<size_t>& batch) const {
  const int32_t width = RecognizerInputWidth(lines[batch[0]].width, lines[batch[0]].height);
  const int64_t plane = int64_t{kRecognizerHeight} * width;
  std::vector<float> input(batch.size() * 3 * plane, 0.0f);
  for (size_t i = 0; i < batch.size(); i++) {
    const media::Image resized = ResizeToLineHeight(lines[batch[i]], kRecognizerHeight, width);
    WriteNormalized(resized, kLineNormalization, width, kRecognizerHeight, input.data() + i * 3 * plane);
  }
  auto output = RunFloatModel(*model_, {static_cast<int64_t>(batch.size()), 3, kRecognizerHeight, width}, input);
  if (!output.ok()) return Error{output.error()};
  const auto& shape = output.value().shape;
  if (shape.size() != 3 || shape[0] != static_cast<int64_t>(batch.size()) || shape[2] != decoder_.classes()) {
    return Error{"the recognizer's output is not [N, T, " + std::to_string(decoder_.classes()) +
                 "] (does the dictionary match the model?)"};
  }
  std::vector<RecognizedText> texts;
  const int64_t per_line = shape[1] * shape[2];
  for (size_t i = 0; i < batch.size(); i++) {
    texts.push_back(decoder_.Decode(output.value().values.data() + static_cast<int64_t>(i) * per_line, shape[1]));
  }
  return texts;
}

std::vector<Result<RecognizedText>> TextRecognizer::Recognize(const std::vector<media::Image>& lines) const {
  std::vector<int32_t> widths;
  for (const auto& line : lines) widths.push_back(RecognizerInputWidth(line.width, line.height));
  return RunBatches<RecognizedText>(lines.size(), BatchesOfEqualWidth(widths, kRecognizerBatchWidth, kRecognizerBatch),
                                    [&](const std::vector<size_t>& batch) { return RunBatch(lines, batch); });
}

}  // namespace quarry::ml::ocr
