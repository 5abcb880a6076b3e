// libFuzzer target for ReadImageHeader and DetectImageFormat (src/media/image_decoder.cpp and the
// per-format header readers). Checks that reading a header never crashes, leaks or trips UBSan, and
// that a header that reads names the detected format and 1, 3 or 4 channels.
// clang-format off
// fuzz-sources: src/media/image.cpp src/media/image_decoder.cpp src/media/image_codecs.cpp src/media/decode_limit.cpp src/media/exif_orientation.cpp src/media/jpeg_decoder.cpp src/media/png_decoder.cpp src/media/webp_decoder.cpp src/media/gif_decoder.cpp src/media/tiff_decoder.cpp src/media/tiff_wide_gray.cpp src/media/bmp_decoder.cpp src/media/bmp_rle.cpp
// fuzz-sources: src/media/pixel_pool.cpp
// fuzz-libs: -lturbojpeg -lspng -lwebp -lwebpdemux -ltiff -lgif
// clang-format on
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "media/image_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  const quarry::media::ImageFormat format = quarry::media::DetectImageFormat(bytes);
  quarry::Result<quarry::media::ImageHeader> header = quarry::media::ReadImageHeader(bytes);
  if (!header.ok()) {
    if (header.error().empty()) std::abort();
    return 0;
  }
  if (header.value().format != format || format == quarry::media::ImageFormat::kUnknown) std::abort();
  const int32_t channels = header.value().channels;
  if (channels != 1 && channels != 3 && channels != 4) std::abort();
  return 0;
}
