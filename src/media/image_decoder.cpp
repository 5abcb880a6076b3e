// Image format detection and the dispatch to one decoder per format (see image_decoder.hpp). Each
// format lives in its own file (jpeg_decoder.cpp, png_decoder.cpp, ...); this file only recognises
// the format and makes sure nothing, not even std::bad_alloc, escapes as an exception.
#include "media/image_decoder.hpp"

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "media/bmp_decoder.hpp"
#include "media/gif_decoder.hpp"
#include "media/jpeg_decoder.hpp"
#include "media/png_decoder.hpp"
#include "media/tiff_decoder.hpp"
#include "media/webp_decoder.hpp"

namespace quarry::media {
namespace {

bool StartsWith(std::span<const uint8_t> bytes, const char* magic, size_t length) {
  return bytes.size() >= length && std::memcmp(bytes.data(), magic, length) == 0;
}

// "not a recognised image format ...: first bytes 3c 21 44 4f" (or "empty file").
Error UnknownFormat(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return Error{"empty file: 0 bytes, not an image"};
  std::string first;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof(hex), i == 0 ? "%02x" : " %02x", bytes[i]);
    first += hex;
  }
  return Error{"not a recognised image format (JPEG, PNG, WebP, GIF, TIFF, BMP): first bytes " + first};
}

}  // namespace

ImageFormat DetectImageFormat(std::span<const uint8_t> bytes) {
  if (StartsWith(bytes, "\xFF\xD8\xFF", 3)) return ImageFormat::kJpeg;
  if (StartsWith(bytes, "\x89PNG\r\n\x1A\n", 8)) return ImageFormat::kPng;
  if (StartsWith(bytes, "GIF87a", 6) || StartsWith(bytes, "GIF89a", 6)) return ImageFormat::kGif;
  if (StartsWith(bytes, "RIFF", 4) && bytes.size() >= 12 && std::memcmp(bytes.data() + 8, "WEBP", 4) == 0) {
    return ImageFormat::kWebp;
  }
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  if (StartsWith(bytes, "II*\0", 4) || StartsWith(bytes, "MM\0*", 4) || StartsWith(bytes, "II+\0", 4) ||
      StartsWith(bytes, "MM\0+", 4)) {
    return ImageFormat::kTiff;
  }
  if (StartsWith(bytes, "BM", 2)) return ImageFormat::kBmp;
  return ImageFormat::kUnknown;
}

Result<ImageHeader> ReadImageHeader(std::span<const uint8_t> bytes) {
  try {
    switch (DetectImageFormat(bytes)) {
      case ImageFormat::kJpeg:
        return ReadJpegHeader(bytes);
      case ImageFormat::kPng:
        return ReadPngHeader(bytes);
      case ImageFormat::kWebp:
        return ReadWebpHeader(bytes);
      case ImageFormat::kGif:
        return ReadGifHeader(bytes);
      case ImageFormat::kTiff:
        return ReadTiffHeader(bytes);
      case ImageFormat::kBmp:
        return ReadBmpHeader(bytes);
      case ImageFormat::kUnknown:
        break;
    }
    return UnknownFormat(bytes);
  } catch (const std::bad_alloc&) {
    return Error{"out of memory reading the image header"};
  } catch (const std::exception& exception) {
    return Error{"cannot read the image header: " + std::string(exception.what())};
  }
}

Result<Image> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  try {
    switch (DetectImageFormat(bytes)) {
      case ImageFormat::kJpeg:
        return DecodeJpeg(bytes, options);
      case ImageFormat::kPng:
        return DecodePng(bytes, options);
      case ImageFormat::kWebp:
        return DecodeWebp(bytes, options);
      case ImageFormat::kGif:
        return DecodeGif(bytes, options);
      case ImageFormat::kTiff:
        return DecodeTiff(bytes, options);
      case ImageFormat::kBmp:
        return DecodeBmp(bytes, options);
      case ImageFormat::kUnknown:
        break;
    }
    return UnknownFormat(bytes);
  } catch (const std::bad_alloc&) {
    return Error{"out of memory decoding the image"};
  } catch (const std::exception& exception) {
    return Error{"cannot decode the image: " + std::string(exception.what())};
  }
}

}  // namespace quarry::media
