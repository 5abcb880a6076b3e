// Image format detection and the dispatch to the registered codecs (image_codec.hpp, listed in
// image_codecs.cpp). Each format lives in its own file; this file only finds the codec for the first
// bytes and makes sure nothing, not even std::bad_alloc, escapes as an exception.
#include "media/image_decoder.hpp"

#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "media/image_codec.hpp"

namespace quarry::media {
namespace {

// "not a recognised image format (JPEG, PNG, ...): first bytes 3c 21 44 4f" (or "empty file").
Error UnknownFormat(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return Error{"empty file: 0 bytes, not an image"};
  std::string titles;
  for (const ImageCodec* codec : ImageCodecs()) {
    if (!titles.empty()) titles += ", ";
    titles += codec->title;
  }
  std::string first;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof(hex), i == 0 ? "%02x" : " %02x", bytes[i]);
    first += hex;
  }
  return Error{"not a recognised image format (" + titles + "): first bytes " + first};
}

}  // namespace

ImageFormat DetectImageFormat(std::span<const uint8_t> bytes) {
  const ImageCodec* codec = FindImageCodec(bytes);
  return codec ? codec->format : ImageFormat::kUnknown;
}

Result<ImageHeader> ReadImageHeader(std::span<const uint8_t> bytes) {
  try {
    const ImageCodec* codec = FindImageCodec(bytes);
    if (!codec) return UnknownFormat(bytes);
    return codec->read_header(bytes);
  } catch (const std::bad_alloc&) {
    return Error{"out of memory reading the image header"};
  } catch (const std::exception& exception) {
    return Error{"cannot read the image header: " + std::string(exception.what())};
  }
}

Result<Image> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  try {
    const ImageCodec* codec = FindImageCodec(bytes);
    if (!codec) return UnknownFormat(bytes);
    return codec->decode(bytes, options);
  } catch (const std::bad_alloc&) {
    return Error{"out of memory decoding the image"};
  } catch (const std::exception& exception) {
    return Error{"cannot decode the image: " + std::string(exception.what())};
  }
}

}  // namespace quarry::media
