// PNG decoding with libspng (see png_decoder.hpp).
#include "media/png_decoder.hpp"

#include <spng.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "media/decode_limit.hpp"
#include "media/image_codec.hpp"

namespace quarry::media {
namespace {

struct SpngCloser {
  void operator()(spng_ctx* context) const { spng_ctx_free(context); }
};
using SpngContext = std::unique_ptr<spng_ctx, SpngCloser>;

// Largest chunk, and all ancillary chunks (text, profiles) together, that spng keeps in memory.
constexpr size_t kMaxChunkBytes = size_t{1} << 24;
constexpr size_t kMaxCachedChunkBytes = size_t{1} << 26;
// spng's own per-side limit (2^31 - 1); the real bound is max_pixels, checked before decoding.
constexpr uint32_t kMaxSide = 0x7fffffff;

struct OpenedPng {
  SpngContext context;
  spng_ihdr ihdr{};
  int channels = 0;
};

std::string SpngMessage(int code) {
  return spng_strerror(code);
}

Result<OpenedPng> OpenPng(std::span<const uint8_t> bytes) {
  OpenedPng png;
  png.context.reset(spng_ctx_new(0));
  if (!png.context) return Error{"cannot start the PNG decoder: out of memory"};
  spng_ctx* context = png.context.get();
  spng_set_image_limits(context, kMaxSide, kMaxSide);
  spng_set_chunk_limits(context, kMaxChunkBytes, kMaxCachedChunkBytes);
  if (int code = spng_set_png_buffer(context, bytes.data(), bytes.size())) {
    return Error{"corrupt PNG header: " + SpngMessage(code)};
  }
  if (int code = spng_get_ihdr(context, &png.ihdr)) return Error{"corrupt PNG header: " + SpngMessage(code)};
  spng_trns trns{};
  const bool has_trns = spng_get_trns(context, &trns) == 0;
  switch (png.ihdr.color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE:
      png.channels = has_trns ? 4 : 1;
      break;
    case SPNG_COLOR_TYPE_TRUECOLOR:
    case SPNG_COLOR_TYPE_INDEXED:
      png.channels = has_trns ? 4 : 3;
      break;
    default:
      png.channels = 4;
      break;  // gray + alpha, RGBA
  }
  return png;
}

}  // namespace

Result<ImageHeader> ReadPngHeader(std::span<const uint8_t> bytes) {
  Result<OpenedPng> png = OpenPng(bytes);
  if (!png.ok()) return Error{png.error()};
  ImageHeader header;
  header.format = ImageFormat::kPng;
  header.width = static_cast<int32_t>(png.value().ihdr.width);
  header.height = static_cast<int32_t>(png.value().ihdr.height);
  header.channels = png.value().channels;
  return header;
}

Result<Image> DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  Result<OpenedPng> opened = OpenPng(bytes);
  if (!opened.ok()) return Error{opened.error()};
  OpenedPng& png = opened.value();
  if (auto error = CheckPixelLimit(png.ihdr.width, png.ihdr.height, options.max_pixels)) return *error;

  Image image;
  image.width = static_cast<int32_t>(png.ihdr.width);
  image.height = static_cast<int32_t>(png.ihdr.height);
  image.channels = png.channels;
  const size_t pixel_count = static_cast<size_t>(image.width) * image.height;
  // Gray: G8 up to 8 bits; 16-bit gray decodes as GA16 and keeps the high byte of G.
  const bool gray16 = png.channels == 1 && png.ihdr.bit_depth == 16;
  const int format =
      png.channels == 1 ? (gray16 ? SPNG_FMT_GA16 : SPNG_FMT_G8) : (png.channels == 3 ? SPNG_FMT_RGB8 : SPNG_FMT_RGBA8);
  size_t decoded_size = 0;
  if (int code = spng_decoded_image_size(png.context.get(), format, &decoded_size)) {
    return Error{"corrupt PNG header: " + SpngMessage(code)};
  }
  const size_t expected_size = pixel_count * (gray16 ? 4 : png.channels);
  if (decoded_size != expected_size) {
    return Error{"unexpected PNG decoded size: " + std::to_string(decoded_size)};
  }
  std::vector<uint8_t> gray16_pixels;
  if (gray16) {
    gray16_pixels.resize(decoded_size);
    image.pixels.resize(pixel_count);
  } else {
    image.pixels.resize(decoded_size);
  }
  uint8_t* destination = gray16 ? gray16_pixels.data() : image.pixels.data();
  if (int code = spng_decode_image(png.context.get(), destination, decoded_size, format, SPNG_DECODE_TRNS)) {
    if (code == SPNG_EOF) return Error{"truncated PNG: the file ends before the image data does"};
    return Error{"corrupt PNG data: " + SpngMessage(code)};
  }
  if (gray16) {
    for (size_t i = 0; i < pixel_count; ++i) {
      uint16_t gray = 0;
      std::memcpy(&gray, gray16_pixels.data() + i * 4, 2);  // host-endian
      image.pixels[i] = static_cast<uint8_t>(gray >> 8);
    }
  } else if (image.channels >= 3) {
    for (size_t i = 0; i < image.pixels.size(); i += image.channels) std::swap(image.pixels[i], image.pixels[i + 2]);
  }
  return image;
}

namespace {

bool SniffPng(std::span<const uint8_t> bytes) {
  return StartsWith(bytes, "\x89PNG\r\n\x1A\n");
}

}  // namespace

// This codec's entry in the registry (image_codecs.cpp).
const ImageCodec& PngCodec() {
  static constexpr ImageCodec codec{ImageFormat::kPng, "png", "PNG", SniffPng, ReadPngHeader, DecodePng};
  return codec;
}

}  // namespace quarry::media
