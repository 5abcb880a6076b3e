// WebP decoding with libwebp and libwebpdemux (see webp_decoder.hpp).
#include "media/webp_decoder.hpp"

#include <webp/decode.h>
#include <webp/demux.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "media/decode_limit.hpp"
#include "media/image_codec.hpp"

namespace quarry::media {
namespace {

struct AnimationDecoderCloser {
  void operator()(WebPAnimDecoder* decoder) const { WebPAnimDecoderDelete(decoder); }
};

Result<WebPBitstreamFeatures> ReadFeatures(std::span<const uint8_t> bytes) {
  WebPBitstreamFeatures features{};
  const VP8StatusCode status = WebPGetFeatures(bytes.data(), bytes.size(), &features);
  if (status == VP8_STATUS_NOT_ENOUGH_DATA) return Error{"truncated WebP: the file ends inside its header"};
  if (status != VP8_STATUS_OK) return Error{"corrupt WebP header: libwebp status " + std::to_string(status)};
  return features;
}

// The first frame of an animation, composited on the canvas by WebPAnimDecoder (always BGRA there).
Result<Image> DecodeFirstFrame(std::span<const uint8_t> bytes, Image image) {
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) return Error{"cannot start the WebP decoder: version mismatch"};
  options.color_mode = MODE_BGRA;
  options.use_threads = 0;
  const WebPData data{bytes.data(), bytes.size()};
  std::unique_ptr<WebPAnimDecoder, AnimationDecoderCloser> decoder(WebPAnimDecoderNew(&data, &options));
  if (!decoder) return Error{"corrupt WebP animation: cannot read its frames"};
  WebPAnimInfo info{};
  if (!WebPAnimDecoderGetInfo(decoder.get(), &info) || static_cast<int32_t>(info.canvas_width) != image.width ||
      static_cast<int32_t>(info.canvas_height) != image.height) {
    return Error{"corrupt WebP animation: inconsistent canvas size"};
  }
  uint8_t* frame = nullptr;
  int timestamp = 0;
  if (!WebPAnimDecoderGetNext(decoder.get(), &frame, &timestamp) || frame == nullptr) {
    return Error{"corrupt WebP animation: cannot decode its first frame"};
  }
  const size_t pixel_count = static_cast<size_t>(image.width) * image.height;
  if (image.channels == 4) {
    std::memcpy(image.pixels.data(), frame, pixel_count * 4);
  } else {
    for (size_t i = 0; i < pixel_count; ++i) std::memcpy(image.pixels.data() + i * 3, frame + i * 4, 3);
  }
  return image;
}

}  // namespace

Result<ImageHeader> ReadWebpHeader(std::span<const uint8_t> bytes) {
  Result<WebPBitstreamFeatures> features = ReadFeatures(bytes);
  if (!features.ok()) return Error{features.error()};
  ImageHeader header;
  header.format = ImageFormat::kWebp;
  header.width = features.value().width;
  header.height = features.value().height;
  header.channels = features.value().has_alpha ? 4 : 3;
  return header;
}

Result<Image> DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  Result<WebPBitstreamFeatures> result = ReadFeatures(bytes);
  if (!result.ok()) return Error{result.error()};
  const WebPBitstreamFeatures& features = result.value();
  if (auto error = CheckPixelLimit(features.width, features.height, options.max_pixels)) return *error;
  Image image;
  image.width = features.width;
  image.height = features.height;
  image.channels = features.has_alpha ? 4 : 3;
  image.pixels.resize(static_cast<size_t>(image.width) * image.height * image.channels);
  if (features.has_animation) return DecodeFirstFrame(bytes, std::move(image));

  const int stride = image.width * image.channels;
  const uint8_t* decoded =
      image.channels == 4
          ? WebPDecodeBGRAInto(bytes.data(), bytes.size(), image.pixels.data(), image.pixels.size(), stride)
          : WebPDecodeBGRInto(bytes.data(), bytes.size(), image.pixels.data(), image.pixels.size(), stride);
  if (decoded == nullptr) return Error{"corrupt or truncated WebP: libwebp cannot decode the image data"};
  return image;
}

namespace {

bool SniffWebp(std::span<const uint8_t> bytes) {
  return StartsWith(bytes, "RIFF") && bytes.size() >= 12 && StartsWith(bytes.subspan(8), "WEBP");
}

}  // namespace

// This codec's entry in the registry (image_codecs.cpp).
const ImageCodec& WebpCodec() {
  static constexpr ImageCodec codec{ImageFormat::kWebp, "webp", "WebP", SniffWebp, ReadWebpHeader, DecodeWebp};
  return codec;
}

}  // namespace quarry::media
