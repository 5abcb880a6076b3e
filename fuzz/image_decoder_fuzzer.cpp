// libFuzzer target for DecodeImage (src/media/image_decoder.cpp and the per-format decoders).
// The last byte chooses auto_orient and a DCT-scaling minimum; the rest is the file. Checks that a
// decode never crashes, leaks or trips UBSan, stays within max_pixels (1 << 22 here), and that a
// successful result is consistent: size within limits, 1/3/4 channels, a buffer of exactly
// width × height × channels bytes, and the header's format and channels when the header reads. For
// a JPEG, the one-pass decode + resize (jpeg_resize_decoder.cpp) must give the bytes of the full decode
// followed by the resize, or fail when the full decode fails.
// clang-format off
// fuzz-sources: src/media/image.cpp src/media/image_decoder.cpp src/media/image_codecs.cpp src/media/decode_limit.cpp src/media/exif_orientation.cpp src/media/jpeg_decoder.cpp src/media/png_decoder.cpp src/media/webp_decoder.cpp src/media/gif_decoder.cpp src/media/tiff_decoder.cpp src/media/tiff_wide_gray.cpp src/media/bmp_decoder.cpp src/media/bmp_rle.cpp
// fuzz-sources: src/media/pixel_pool.cpp src/media/jpeg_resize_decoder.cpp src/media/image_resize.cpp src/media/resize/*.cpp
// fuzz-sources: src/media/image_crop.cpp
// fuzz-source-flags: src/media/resize/avx2_passes.cpp -mavx2
// fuzz-source-flags: src/media/resize/avx512_passes.cpp -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi
// fuzz-source-flags: src/media/resize/avx512_row_groups.cpp -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi
// fuzz-libs: -lturbojpeg -ljpeg -lspng -lwebp -lwebpdemux -ltiff -lgif
// clang-format on
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "media/image_decoder.hpp"
#include "media/image_transform.hpp"
#include "media/jpeg_resize_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[size - 1];
  const std::span<const uint8_t> bytes(data, size - 1);
  quarry::media::DecodeOptions options;
  options.max_pixels = uint64_t{1} << 22;
  options.auto_orient = (control & 1) != 0;
  if (control & 2) {
    options.min_width = 1 + (control >> 2);
    options.min_height = 1 + (control >> 4);
  }
  if (quarry::media::DetectImageFormat(bytes) == quarry::media::ImageFormat::kJpeg) {
    quarry::media::DecodeOptions full_size = options;
    full_size.min_width = full_size.min_height = 0;
    const int32_t width = 1 + (control >> 3);
    const int32_t height = 1 + (control & 7) * 5;
    auto one_pass = quarry::media::DecodeJpegResized(bytes, width, height, full_size);
    auto full = quarry::media::DecodeImage(bytes, full_size);
    if (full.ok()) {
      auto two_steps = quarry::media::Resize(full.value(), width, height);
      if (one_pass.ok() != two_steps.ok()) std::abort();
      if (one_pass.ok() && one_pass.value().pixels != two_steps.value().pixels) std::abort();
    } else if (one_pass.ok()) {
      std::abort();
    }
  }
  quarry::Result<quarry::media::Image> image = quarry::media::DecodeImage(bytes, options);
  if (!image.ok()) {
    if (image.error().empty()) std::abort();
    return 0;
  }
  const quarry::media::Image& decoded = image.value();
  if (decoded.width <= 0 || decoded.height <= 0) std::abort();
  if (static_cast<uint64_t>(decoded.width) * static_cast<uint64_t>(decoded.height) > options.max_pixels) std::abort();
  if (decoded.channels != 1 && decoded.channels != 3 && decoded.channels != 4) std::abort();
  if (decoded.pixels.size() != static_cast<size_t>(decoded.width) * decoded.height * decoded.channels) std::abort();
  quarry::Result<quarry::media::ImageHeader> header = quarry::media::ReadImageHeader(bytes);
  if (header.ok()) {
    if (header.value().format != quarry::media::DetectImageFormat(bytes)) std::abort();
    if (header.value().channels != decoded.channels) std::abort();
  }
  return 0;
}
