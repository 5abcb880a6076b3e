// Resize and ResizeCenterCrop (see image_transform.hpp): a re-implementation of Pillow 9.4's
// Image.resize for 8-bit images.
//
// Convolution filters follow libImaging/Resample.c (ImagingResampleInner): per-axis coefficient tables
// (resize/coefficients.cpp, cached per size pair), a horizontal pass over the source rows the vertical
// pass will read, then a vertical pass; each pass rounds to 8 bits and clips. The passes come in a
// scalar reference and SSE2, AVX2 and AVX-512 forms giving the same bytes (resize/passes.hpp), the
// fastest the CPU runs chosen at run time (resize/resize_path.cpp). With 4 channels the colour channels
// are premultiplied by alpha first and divided back after, as Image.resize does for mode RGBA (RGBA ->
// RGBa -> resize -> RGBA); premultiplying an opaque image changes nothing, so it is skipped. NEAREST
// follows Pillow's affine nearest path (libImaging/Geometry.c ImagingScaleAffine): source x =
// int(x0 + (x + 0.5) * scale), with the position accumulated in double as Pillow does.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/image_transform.hpp"
#include "media/resize/coefficients.hpp"
#include "media/resize/resize_path.hpp"

namespace quarry::media {
namespace {

// Output images larger than this are refused (twice Pillow's decompression-bomb limit, the size at
// which Pillow refuses an image outright), so a bad argument cannot allocate gigabytes.
constexpr uint64_t kMaxOutputPixels = 2ull * 89'478'485;
// The largest intermediate image a thread keeps between resizes (a 224-wide strip of a 12,000-row
// picture); larger ones are allocated per call.
constexpr size_t kMaxScratchBytes = 8u << 20;

Image NewImage(int32_t width, int32_t height, int32_t channels) {
  Image image;
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.pixels.resize(static_cast<size_t>(width) * height * channels);
  return image;
}

// Pillow's ImagingResampleInner for 8-bit images of 1, 3 or 4 interleaved channels, for the output
// pixels `columns` and `rows` describe (all of them, or a window): the horizontal pass (skipped when
// !horizontal, Pillow's "same width") over the source rows the vertical pass reads, then the vertical
// pass (skipped when !vertical).
Image ResampleConvolution(const ImageView& image, const resize::AxisTaps& columns, resize::AxisTaps rows,
                          bool horizontal, bool vertical, const resize::ResizePasses& passes) {
  const int32_t first_row = rows.First(0);
  const int32_t last_row = rows.First(rows.outputs - 1) + rows.count[rows.outputs - 1];
  ImageView source = image;
  if (horizontal) {
    const int32_t height = last_row - first_row;
    if (!vertical) {
      Image result = NewImage(columns.outputs, height, image.channels);
      passes.horizontal(image, first_row, columns, result);
      return result;
    }
    // The horizontal pass's rows go to a buffer kept by the thread (up to kMaxScratchBytes) rather than a
    // new zero-filled allocation per picture.
    thread_local Image scratch;
    Image fresh;
    const size_t bytes = static_cast<size_t>(columns.outputs) * height * image.channels;
    Image& temporary = bytes <= kMaxScratchBytes ? scratch : fresh;
    temporary.width = columns.outputs;
    temporary.height = height;
    temporary.channels = image.channels;
    if (temporary.pixels.size() < bytes) temporary.pixels.resize(bytes);
    passes.horizontal(image, first_row, columns, temporary);
    rows.origin += first_row;  // the temporary's row 0 is the image's first_row
    source = ImageView{temporary.width, temporary.height, temporary.channels, {temporary.pixels.data(), bytes}};
  }
  Image result = NewImage(columns.outputs, rows.outputs, image.channels);
  passes.vertical(source, rows, result);
  return result;
}

Image ResampleConvolution(const ImageView& image, int32_t width, int32_t height, ResizeFilter filter,
                          const resize::ResizePasses& passes) {
  const auto columns = resize::CachedCoefficients(image.width, width, filter);
  const auto rows = resize::CachedCoefficients(image.height, height, filter);
  return ResampleConvolution(image, resize::Window(*columns, 0, width), resize::Window(*rows, 0, height),
                             width != image.width, height != image.height, passes);
}

// Whether every pixel of a 4-channel image has alpha 255.
bool Opaque(const ImageView& image) {
  const uint8_t* pixel = image.pixels.data();
  const size_t count = static_cast<size_t>(image.width) * image.height;
  uint8_t all = 255;
  for (size_t i = 0; i < count; ++i) all &= pixel[i * 4 + 3];
  return all == 255;
}

// MULDIV255 of libImaging/Convert.c: (a * b + 128) / 255 rounded, in Pillow's integer form.
inline uint8_t MultiplyDivide255(unsigned a, unsigned b) {
  const unsigned product = a * b + 128;
  return static_cast<uint8_t>(((product >> 8) + product) >> 8);
}

// Pillow's RGBA -> RGBa conversion (rgbA2rgba), in place, for 4-channel images.
void Premultiply(Image& image) {
  uint8_t* pixel = image.pixels.data();
  const size_t count = static_cast<size_t>(image.width) * image.height;
  for (size_t i = 0; i < count; ++i, pixel += 4) {
    const unsigned alpha = pixel[3];
    for (int c = 0; c < 3; ++c) pixel[c] = MultiplyDivide255(pixel[c], alpha);
  }
}

// Pillow's RGBa -> RGBA conversion (rgba2rgbA), in place.
void Unpremultiply(Image& image) {
  uint8_t* pixel = image.pixels.data();
  const size_t count = static_cast<size_t>(image.width) * image.height;
  for (size_t i = 0; i < count; ++i, pixel += 4) {
    const unsigned alpha = pixel[3];
    if (alpha == 0 || alpha == 255) continue;
    for (int c = 0; c < 3; ++c) pixel[c] = static_cast<uint8_t>(std::min(255u, 255u * pixel[c] / alpha));
  }
}

// Pillow's nearest-neighbour resize (ImagingScaleAffine): the source position of output x is
// int(x0 + (x + 0.5) * scale), accumulated step by step in double exactly as Pillow does.
std::vector<int32_t> NearestPositions(int in_size, int out_size) {
  const double step = static_cast<double>(static_cast<float>(in_size)) / out_size;
  std::vector<int32_t> positions(out_size);
  double position = step * 0.5;
  for (int i = 0; i < out_size; ++i) {
    positions[i] = position < 0.0 ? -1 : static_cast<int32_t>(position);
    position += step;
  }
  return positions;
}

Image ResizeNearest(const ImageView& image, int32_t width, int32_t height) {
  const std::vector<int32_t> columns = NearestPositions(image.width, width);
  const std::vector<int32_t> rows = NearestPositions(image.height, height);
  Image result = NewImage(width, height, image.channels);  // zero-filled: Pillow fills misses with 0
  const int channels = image.channels;
  for (int y = 0; y < height; ++y) {
    if (rows[y] < 0 || rows[y] >= image.height) continue;
    const uint8_t* source = image.row(rows[y]);
    uint8_t* target = result.row(y);
    for (int x = 0; x < width; ++x) {
      if (columns[x] < 0 || columns[x] >= image.width) continue;
      const uint8_t* pixel = source + static_cast<size_t>(columns[x]) * channels;
      for (int c = 0; c < channels; ++c) target[x * channels + c] = pixel[c];
    }
  }
  return result;
}

// Why `image` cannot be resized to width × height, or nullopt.
std::optional<std::string> ResizeProblem(const ImageView& image, int32_t width, int32_t height) {
  if (image.channels != 1 && image.channels != 3 && image.channels != 4) {
    return "cannot resize an image whose channel count is not 1, 3 or 4: " + std::to_string(image.channels);
  }
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels) {
    return "cannot resize an empty or inconsistent image of size " + std::to_string(image.width) + "x" +
           std::to_string(image.height);
  }
  if (width <= 0 || height <= 0) {
    return "resize target size must be positive: " + std::to_string(width) + "x" + std::to_string(height);
  }
  if (static_cast<uint64_t>(width) * static_cast<uint64_t>(height) > kMaxOutputPixels) {
    return "resize target size exceeds the pixel limit: " + std::to_string(width) + "x" + std::to_string(height);
  }
  return std::nullopt;
}

}  // namespace

namespace resize {

Result<Image> ResizeOnPath(ResizePath path, const ImageView& image, int32_t width, int32_t height,
                           ResizeFilter filter) {
  if (auto problem = ResizeProblem(image, width, height)) return Error{*problem};
  if (width == image.width && height == image.height) return image.ToImage();  // Pillow returns a copy
  if (filter == ResizeFilter::kNearest) return ResizeNearest(image, width, height);
  const ResizePasses passes = PassesOf(path);
  if (image.channels != 4) return ResampleConvolution(image, width, height, filter, passes);
  Image result;
  if (Opaque(image)) {  // premultiplying by 255 changes nothing
    result = ResampleConvolution(image, width, height, filter, passes);
  } else {
    Image premultiplied = image.ToImage();
    Premultiply(premultiplied);
    result = ResampleConvolution(premultiplied, width, height, filter, passes);
  }
  Unpremultiply(result);
  return result;
}

Result<Image> ResizeCenterCropOnPath(ResizePath path, const ImageView& image, int32_t width, int32_t height,
                                     int32_t crop_width, int32_t crop_height, ResizeFilter filter) {
  if (auto problem = ResizeProblem(image, width, height)) return Error{*problem};
  if (crop_width <= 0 || crop_height <= 0 || crop_width > width || crop_height > height) {
    return Error{"center crop " + std::to_string(crop_width) + "x" + std::to_string(crop_height) +
                 " does not fit the resized " + std::to_string(width) + "x" + std::to_string(height) + " image"};
  }
  // Only the convolution filters on 1 or 3 channels, resampled along both axes, take the short cut.
  if (filter == ResizeFilter::kNearest || image.channels == 4 || width == image.width || height == image.height) {
    Result<Image> resized = ResizeOnPath(path, image, width, height, filter);
    if (!resized.ok()) return resized;
    return CenterCrop(resized.value(), crop_width, crop_height);
  }
  const auto columns = CachedCoefficients(image.width, width, filter);
  const auto rows = CachedCoefficients(image.height, height, filter);
  return ResampleConvolution(image, Window(*columns, CenterCropOffset(width, crop_width), crop_width),
                             Window(*rows, CenterCropOffset(height, crop_height), crop_height), true, true,
                             PassesOf(path));
}

}  // namespace resize

Result<Image> Resize(const ImageView& image, int32_t width, int32_t height, ResizeFilter filter) {
  return resize::ResizeOnPath(resize::FastestResizePath(), image, width, height, filter);
}

Result<Image> ResizeCenterCrop(const ImageView& image, int32_t width, int32_t height, int32_t crop_width,
                               int32_t crop_height, ResizeFilter filter) {
  return resize::ResizeCenterCropOnPath(resize::FastestResizePath(), image, width, height, crop_width, crop_height,
                                        filter);
}

}  // namespace quarry::media
