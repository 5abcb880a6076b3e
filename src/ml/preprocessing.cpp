// PreprocessImage: resize (stretch, center crop or letterbox, with Pillow-exact bilinear resampling),
// then channel order and normalization per preset, written channel-planar. The geometry follows
// torchvision on PIL images (Resize(S) then CenterCrop(S)), so a model trained with torchvision sees the
// same numbers here as in Python.
#include "ml/preprocessing.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "media/image_transform.hpp"

namespace quarry::ml {
namespace {

constexpr std::array<float, 3> kTorchvisionMean = {0.485f, 0.456f, 0.406f};
constexpr std::array<float, 3> kTorchvisionStd = {0.229f, 0.224f, 0.225f};
constexpr std::array<float, 3> kCaffeMean = {103.939f, 116.779f, 123.68f};  // B, G, R

// The preset's formula for output channel `channel`. torchvision's (v / 255 - mean) / std is computed as
// written (not folded into one multiply-add), as PyTorch's ToTensor and Normalize do in float32.
float Normalize(PreprocessPreset preset, int channel, uint8_t sample) {
  const float v = static_cast<float>(sample);
  switch (preset) {
    case PreprocessPreset::kTorchvision:
      return (v / 255.0f - kTorchvisionMean[channel]) / kTorchvisionStd[channel];
    case PreprocessPreset::kInception:
      return v / 127.5f - 1.0f;
    case PreprocessPreset::kCaffe:
      return v - kCaffeMean[channel];
    case PreprocessPreset::kNone:
      return v;
  }
  return v;
}

// Writes `image` (1 or 3 channels, BGR) into the S × S planes at (left, top).
void WritePlanes(const media::Image& image, PreprocessPreset preset, int32_t size, int32_t left, int32_t top,
                 float* output) {
  const bool bgr_order = preset == PreprocessPreset::kCaffe;
  const size_t plane = static_cast<size_t>(size) * size;
  for (int c = 0; c < 3; ++c) {
    // Output channel c holds R, G, B (or B, G, R for caffe); the source byte within a BGR pixel.
    const int source = image.channels == 1 ? 0 : (bgr_order ? c : 2 - c);
    // A lookup table: 256 values per channel instead of a division per sample.
    std::array<float, 256> table;
    for (int v = 0; v < 256; ++v) table[v] = Normalize(preset, c, static_cast<uint8_t>(v));
    float* channel_plane = output + c * plane;
    for (int32_t y = 0; y < image.height; ++y) {
      const uint8_t* row = image.row(y) + source;
      float* out = channel_plane + static_cast<size_t>(top + y) * size + left;
      for (int32_t x = 0; x < image.width; ++x) out[x] = table[row[static_cast<size_t>(x) * image.channels]];
    }
  }
}

// The BGR bytes of a BGRA image (alpha dropped before resizing, as PIL's convert('RGB') does).
media::Image DropAlpha(const media::ImageView& image) {
  media::Image bgr{image.width, image.height, 3, {}};
  const size_t pixels = static_cast<size_t>(image.width) * image.height;
  bgr.pixels.resize(pixels * 3);
  for (size_t i = 0; i < pixels; ++i) {
    bgr.pixels[i * 3] = image.pixels[i * 4];
    bgr.pixels[i * 3 + 1] = image.pixels[i * 4 + 1];
    bgr.pixels[i * 3 + 2] = image.pixels[i * 4 + 2];
  }
  return bgr;
}

}  // namespace

Result<bool> PreprocessImage(const media::ImageView& image, const ModelSpec& spec, float* output) {
  const int32_t size = spec.input_size;
  if (size <= 0) return Error{"model input size must be positive, got " + std::to_string(size)};
  if (image.width <= 0 || image.height <= 0) {
    return Error{"cannot preprocess an empty image of size " + std::to_string(image.width) + "x" +
                 std::to_string(image.height)};
  }
  if (image.channels != 1 && image.channels != 3 && image.channels != 4) {
    return Error{"cannot preprocess an image with channel count " + std::to_string(image.channels)};
  }
  if (image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels) {
    return Error{"image pixel bytes do not match its size: " + std::to_string(image.pixels.size())};
  }

  media::Image without_alpha;
  media::ImageView source = image;
  if (image.channels == 4) {
    without_alpha = DropAlpha(image);
    source = without_alpha;
  }

  const int64_t width = source.width;
  const int64_t height = source.height;
  int32_t left = 0;
  int32_t top = 0;
  Result<media::Image> resized = Error{""};
  switch (spec.resize) {
    case ResizeMode::kStretch:
      resized = media::Resize(source, size, size, media::ResizeFilter::kBilinear);
      break;
    case ResizeMode::kCenterCrop: {
      // torchvision's Resize(S): the shorter side becomes S, the longer int(S * long / short).
      const int64_t shorter = std::min(width, height);
      const int64_t longer = std::max(width, height);
      const auto scaled = static_cast<int32_t>(std::min<int64_t>(size * longer / shorter, INT32_MAX));
      const int32_t new_width = width <= height ? size : scaled;
      const int32_t new_height = width <= height ? scaled : size;
      resized = media::ResizeCenterCrop(source, new_width, new_height, size, size, media::ResizeFilter::kBilinear);
      break;
    }
    case ResizeMode::kLetterbox: {
      // The longer side becomes S, the shorter int(S * short / long) (at least 1), centered on zeros.
      const int64_t shorter = std::min(width, height);
      const int64_t longer = std::max(width, height);
      const auto scaled = static_cast<int32_t>(std::max<int64_t>(1, size * shorter / longer));
      const int32_t new_width = width >= height ? size : scaled;
      const int32_t new_height = width >= height ? scaled : size;
      left = (size - new_width) / 2;
      top = (size - new_height) / 2;
      resized = media::Resize(source, new_width, new_height, media::ResizeFilter::kBilinear);
      break;
    }
  }
  if (!resized.ok()) return Error{"cannot resize image for the model: " + resized.error()};
  if (spec.resize == ResizeMode::kLetterbox) std::fill(output, output + 3 * static_cast<size_t>(size) * size, 0.0f);
  WritePlanes(resized.value(), spec.preset, size, left, top, output);
  return true;
}

}  // namespace quarry::ml
