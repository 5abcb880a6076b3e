// libFuzzer target for the image transforms (src/media/image_resize.cpp and src/media/resize/,
// image_crop.cpp, image_gray.cpp). The first bytes choose a small source size, channel count, target
// size, filter and crop; the rest are the pixels. Checks that Resize never fails on valid arguments,
// that the result has the asked size, that every vector path this CPU runs gives the scalar twin's
// bytes, that a constant 1- or 3-channel image stays constant, and that filters without negative lobes
// (nearest, bilinear, box) stay within the source's range, that ResizeCenterCrop gives the same bytes
// as Resize then CenterCrop; crops and gray must not crash.
// fuzz-sources: src/media/image_resize.cpp src/media/resize/*.cpp
// fuzz-sources: src/media/image_crop.cpp src/media/image_gray.cpp src/media/image.cpp
// fuzz-source-flags: src/media/resize/avx2_passes.cpp -mavx2
// fuzz-source-flags: src/media/resize/avx512_passes.cpp -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi
// fuzz-source-flags: src/media/resize/avx512_row_groups.cpp -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "media/image_transform.hpp"
#include "media/resize/resize_path.hpp"

using quarry::media::Image;
using quarry::media::ResizeFilter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kHeader = 10;
  if (size < kHeader) return 0;
  constexpr int kChannels[] = {1, 3, 4};
  Image image;
  image.width = 1 + data[0] % 40;
  image.height = 1 + data[1] % 40;
  image.channels = kChannels[data[2] % 3];
  const int width = 1 + data[3] % 64;
  const int height = 1 + data[4] % 64;
  const auto filter = static_cast<ResizeFilter>(data[5] % 4);
  const bool constant = data[6] & 1;
  image.pixels.resize(static_cast<size_t>(image.width) * image.height * image.channels);
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    image.pixels[i] = size > kHeader ? data[kHeader + (constant ? 0 : i % (size - kHeader))] : 0;
  }

  auto resized = quarry::media::Resize(image, width, height, filter);
  if (!resized.ok()) std::abort();
  const Image& out = resized.value();
  if (out.width != width || out.height != height || out.channels != image.channels ||
      out.pixels.size() != static_cast<size_t>(width) * height * image.channels) {
    std::abort();
  }
  for (auto path : quarry::media::resize::AvailableResizePaths()) {
    auto on_path = quarry::media::resize::ResizeOnPath(path, image, width, height, filter);
    if (!on_path.ok() || on_path.value().pixels != out.pixels) std::abort();
  }
  if (image.channels != 4) {
    const auto [low, high] = std::minmax_element(image.pixels.begin(), image.pixels.end());
    const bool bounded = filter != ResizeFilter::kBicubic || constant;
    for (uint8_t sample : out.pixels) {
      if (bounded && (sample < *low || sample > *high)) std::abort();
    }
  }

  const int crop_width = 1 + data[7] % width, crop_height = 1 + data[8] % height;
  auto window = quarry::media::ResizeCenterCrop(image, width, height, crop_width, crop_height, filter);
  auto two_steps = quarry::media::CenterCrop(out, crop_width, crop_height);
  if (!window.ok() || !two_steps.ok() || window.value().pixels != two_steps.value().pixels) std::abort();

  const int x = data[7] % (image.width + 1), y = data[8] % (image.height + 1);
  const int crop_size = 1 + data[9] % 40;
  auto crop = quarry::media::Crop(image, x, y, crop_size, crop_size);
  if (crop.ok() && crop.value().pixels.size() != static_cast<size_t>(crop_size) * crop_size * image.channels) {
    std::abort();
  }
  auto center = quarry::media::CenterCrop(image, crop_size, crop_size);
  if (center.ok() != (crop_size <= image.width && crop_size <= image.height)) std::abort();
  const Image gray = quarry::media::ToGray(image);
  if (gray.pixels.size() != static_cast<size_t>(image.width) * image.height) std::abort();
  return 0;
}
