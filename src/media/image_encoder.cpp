// PNG encoding with libspng and JPEG encoding with TurboJPEG (see image_encoder.hpp).
#include "media/image_encoder.hpp"

#include <spng.h>
#include <turbojpeg.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace quarry::media {
namespace {

std::optional<Error> CheckImage(const ImageView& image) {
  if (image.width <= 0 || image.height <= 0) {
    return Error{"cannot encode an empty image: " + std::to_string(image.width) + "×" + std::to_string(image.height)};
  }
  if (image.channels != 1 && image.channels != 3 && image.channels != 4) {
    return Error{"cannot encode an image with this many channels: " + std::to_string(image.channels)};
  }
  const uint64_t expected = uint64_t{static_cast<uint32_t>(image.width)} * static_cast<uint32_t>(image.height) *
                            static_cast<uint32_t>(image.channels);
  if (image.pixels.size() != expected) {
    return Error{"cannot encode an image whose pixel buffer does not match its size: " +
                 std::to_string(image.pixels.size()) + " bytes for " + std::to_string(expected)};
  }
  return std::nullopt;
}

struct SpngCloser {
  void operator()(spng_ctx* context) const { spng_ctx_free(context); }
};
struct TurboJpegCloser {
  void operator()(void* handle) const { tjDestroy(handle); }
};

}  // namespace

Result<std::string> EncodePng(const ImageView& image) {
  if (auto error = CheckImage(image)) return *error;
  try {
    // PNG stores RGB(A): swap B and R into a copy.
    std::vector<uint8_t> samples(image.pixels.begin(), image.pixels.end());
    if (image.channels >= 3) {
      for (size_t i = 0; i < samples.size(); i += image.channels) std::swap(samples[i], samples[i + 2]);
    }
    std::unique_ptr<spng_ctx, SpngCloser> context(spng_ctx_new(SPNG_CTX_ENCODER));
    if (!context) return Error{"cannot start the PNG encoder: out of memory"};
    spng_set_option(context.get(), SPNG_ENCODE_TO_BUFFER, 1);
    spng_ihdr ihdr{};
    ihdr.width = static_cast<uint32_t>(image.width);
    ihdr.height = static_cast<uint32_t>(image.height);
    ihdr.bit_depth = 8;
    ihdr.color_type = image.channels == 1   ? SPNG_COLOR_TYPE_GRAYSCALE
                      : image.channels == 3 ? SPNG_COLOR_TYPE_TRUECOLOR
                                            : SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;
    if (int code = spng_set_ihdr(context.get(), &ihdr)) {
      return Error{"cannot encode PNG: " + std::string(spng_strerror(code))};
    }
    if (int code =
            spng_encode_image(context.get(), samples.data(), samples.size(), SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE)) {
      return Error{"cannot encode PNG: " + std::string(spng_strerror(code))};
    }
    size_t length = 0;
    int code = 0;
    std::unique_ptr<void, decltype(&std::free)> buffer(spng_get_png_buffer(context.get(), &length, &code), &std::free);
    if (!buffer) return Error{"cannot encode PNG: " + std::string(spng_strerror(code))};
    return std::string(static_cast<const char*>(buffer.get()), length);
  } catch (const std::exception& exception) {
    return Error{"cannot encode PNG: " + std::string(exception.what())};
  }
}

Result<std::string> EncodeJpeg(const ImageView& image, int quality) {
  if (auto error = CheckImage(image)) return *error;
  if (quality < 1 || quality > 100) return Error{"JPEG quality must be 1 to 100, not " + std::to_string(quality)};
  std::unique_ptr<void, TurboJpegCloser> handle(tjInitCompress());
  if (!handle) return Error{"cannot start the JPEG encoder: " + std::string(tjGetErrorStr2(nullptr))};
  const int pixel_format = image.channels == 1 ? TJPF_GRAY : (image.channels == 3 ? TJPF_BGR : TJPF_BGRX);
  const int subsampling = image.channels == 1 ? TJSAMP_GRAY : TJSAMP_420;
  unsigned char* output = nullptr;
  unsigned long length = 0;
  if (tjCompress2(handle.get(), image.pixels.data(), image.width, 0, image.height, pixel_format, &output, &length,
                  subsampling, quality, 0) != 0) {
    const std::string message = tjGetErrorStr2(handle.get());
    tjFree(output);
    return Error{"cannot encode JPEG: " + message};
  }
  try {
    std::string bytes(reinterpret_cast<const char*>(output), length);
    tjFree(output);
    return bytes;
  } catch (...) {
    tjFree(output);
    return Error{"cannot encode JPEG: out of memory"};
  }
}

}  // namespace quarry::media
