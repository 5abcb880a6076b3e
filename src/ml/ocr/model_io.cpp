// Pixels into OCR model inputs and outputs back (see model_io.hpp).
#include "ml/ocr/model_io.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "ml/ocr/mat_view.hpp"

namespace quarry::ml::ocr {
namespace {

Result<bool> CheckImage(const media::ImageView& image) {
  if (image.width <= 0 || image.height <= 0) {
    return Error{"empty image: " + std::to_string(image.width) + "x" + std::to_string(image.height)};
  }
  if (image.channels != 1 && image.channels != 3 && image.channels != 4) {
    return Error{"unsupported channel count: " + std::to_string(image.channels)};
  }
  if (static_cast<int64_t>(image.width) * image.height > kMaxImagePixels) {
    return Error{"image too large for OCR: " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                 " (at most " + std::to_string(kMaxImagePixels) + " pixels)"};
  }
  if (image.pixels.size() != image.row_bytes() * static_cast<size_t>(image.height)) {
    return Error{"image pixels do not match its size"};
  }
  return true;
}

// BGRA over white: c' = (c * a + 255 * (255 - a)) / 255, rounded.
media::Image CompositeOverWhite(const media::ImageView& bgra) {
  media::Image bgr{bgra.width, bgra.height, 3, {}};
  bgr.pixels.resize(static_cast<size_t>(bgra.width) * bgra.height * 3);
  const size_t pixels = static_cast<size_t>(bgra.width) * bgra.height;
  for (size_t i = 0; i < pixels; i++) {
    const int alpha = bgra.pixels[4 * i + 3];
    for (size_t c = 0; c < 3; c++) {
      bgr.pixels[3 * i + c] = static_cast<uint8_t>((bgra.pixels[4 * i + c] * alpha + 255 * (255 - alpha) + 127) / 255);
    }
  }
  return bgr;
}

}  // namespace

Result<media::ImageView> AsBgr(const media::ImageView& image, media::Image& storage) {
  auto checked = CheckImage(image);
  if (!checked.ok()) return Error{checked.error()};
  if (image.channels == 3) return image;
  if (image.channels == 4) {
    storage = CompositeOverWhite(image);
  } else {
    cv::Mat bgr;
    cv::cvtColor(MatView(image), bgr, cv::COLOR_GRAY2BGR);
    storage = ToImage(bgr);
  }
  return media::ImageView(storage);
}

media::Image ResizeLinear(const media::ImageView& image, int32_t width, int32_t height) {
  cv::Mat resized;
  cv::resize(MatView(image), resized, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
  return ToImage(resized);
}

media::Image ResizeToLineHeight(const media::ImageView& line, int32_t height, int32_t max_width) {
  const double ratio = static_cast<double>(line.width) / line.height;
  const double width = std::min(std::ceil(height * ratio), static_cast<double>(max_width));
  return ResizeLinear(line, std::max(1, static_cast<int32_t>(width)), height);
}

void WriteNormalized(const media::ImageView& bgr, const Normalization& normalization, int64_t plane_width,
                     int64_t plane_height, float* planes) {
  for (int c = 0; c < 3; c++) {
    const float scale = 1.0f / (255.0f * normalization.std[c]);
    const float offset = -normalization.mean[c] / normalization.std[c];
    float* plane = planes + c * plane_width * plane_height;
    for (int32_t y = 0; y < bgr.height; y++) {
      const uint8_t* row = bgr.row(y);
      float* out = plane + y * plane_width;
      for (int32_t x = 0; x < bgr.width; x++) out[x] = static_cast<float>(row[3 * x + c]) * scale + offset;
    }
  }
}

Result<FloatOutput> RunFloatModel(const onnx::OnnxModel& model, std::vector<int64_t> shape,
                                  const std::vector<float>& values) {
  auto outputs = model.Run({onnx::HostTensor::From(onnx::ElementType::kFloat, std::move(shape), values)});
  if (!outputs.ok()) return Error{outputs.error()};
  if (outputs.value().empty() || outputs.value()[0].type != onnx::ElementType::kFloat) {
    return Error{"the OCR model's first output is not a float tensor"};
  }
  const onnx::HostTensor& output = outputs.value()[0];
  return FloatOutput{output.shape, output.Values<float>()};
}

}  // namespace quarry::ml::ocr
