// The image codec registry: the one list of codecs (see image_codec.hpp). To add a format, write its
// codec file (sniff, header, decode and an entry function, as bmp_decoder.cpp does), add its
// ImageFormat value (image.hpp), and one line below.
#include <string_view>

#include "media/image_codec.hpp"

namespace quarry::media {

// Each defined in its codec file.
const ImageCodec& JpegCodec();
const ImageCodec& PngCodec();
const ImageCodec& WebpCodec();
const ImageCodec& GifCodec();
const ImageCodec& TiffCodec();
const ImageCodec& BmpCodec();

std::span<const ImageCodec* const> ImageCodecs() {
  // Sniffing order: the weakest magic number (BMP's two bytes) last.
  static const ImageCodec* const codecs[] = {
      &JpegCodec(), &PngCodec(), &WebpCodec(), &GifCodec(), &TiffCodec(), &BmpCodec(),
  };
  return codecs;
}

const ImageCodec* FindImageCodec(std::span<const uint8_t> bytes) {
  for (const ImageCodec* codec : ImageCodecs()) {
    if (codec->sniff(bytes)) return codec;
  }
  return nullptr;
}

std::string_view ImageFormatName(ImageFormat format) {
  for (const ImageCodec* codec : ImageCodecs()) {
    if (codec->format == format) return codec->name;
  }
  return "unknown";
}

}  // namespace quarry::media
