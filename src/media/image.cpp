// Image helpers (see image.hpp).
#include "media/image.hpp"

namespace quarry::media {

std::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kGif:
      return "gif";
    case ImageFormat::kTiff:
      return "tiff";
    case ImageFormat::kBmp:
      return "bmp";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

int32_t Image::mode() const {
  switch (channels) {
    case 1:
      return kModeGray;
    case 3:
      return kModeBgr;
    case 4:
      return kModeBgra;
    default:
      return kModeInvalid;
  }
}

}  // namespace quarry::media
