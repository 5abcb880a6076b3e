// Crop and CenterCrop (see image_transform.hpp): copies of a rectangle of an Image, row by row.
#include <cmath>
#include <cstring>
#include <string>

#include "media/image_transform.hpp"

namespace quarry::media {
namespace {

std::string Rectangle(int32_t x, int32_t y, int32_t width, int32_t height) {
  return std::to_string(width) + "x" + std::to_string(height) + " at (" + std::to_string(x) + ", " + std::to_string(y) +
         ")";
}

}  // namespace

Result<Image> Crop(const ImageView& image, int32_t x, int32_t y, int32_t width, int32_t height) {
  if (image.width < 0 || image.height < 0 || image.channels <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels) {
    return Error{"cannot crop an inconsistent image of size " + std::to_string(image.width) + "x" +
                 std::to_string(image.height) + " with channels " + std::to_string(image.channels)};
  }
  if (width <= 0 || height <= 0 || x < 0 || y < 0 || static_cast<int64_t>(x) + width > image.width ||
      static_cast<int64_t>(y) + height > image.height) {
    return Error{"crop rectangle does not lie inside the " + std::to_string(image.width) + "x" +
                 std::to_string(image.height) + " image: " + Rectangle(x, y, width, height)};
  }
  Image result;
  result.width = width;
  result.height = height;
  result.channels = image.channels;
  result.pixels.resize(static_cast<size_t>(width) * height * image.channels);
  const size_t offset = static_cast<size_t>(x) * image.channels;
  for (int32_t row = 0; row < height; ++row) {
    std::memcpy(result.row(row), image.row(y + row) + offset, result.row_bytes());
  }
  return result;
}

int32_t CenterCropOffset(int32_t outer, int32_t inner) {
  return static_cast<int32_t>(std::nearbyint((static_cast<double>(outer) - inner) / 2.0));
}

Result<Image> CenterCrop(const ImageView& image, int32_t width, int32_t height) {
  if (width > image.width || height > image.height) {
    return Error{"center crop is larger than the " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                 " image: " + std::to_string(width) + "x" + std::to_string(height)};
  }
  return Crop(image, CenterCropOffset(image.width, width), CenterCropOffset(image.height, height), width, height);
}

}  // namespace quarry::media
