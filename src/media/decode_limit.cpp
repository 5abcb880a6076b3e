// The pixel budget check shared by the image decoders (see decode_limit.hpp).
#include "media/decode_limit.hpp"

#include <limits>
#include <string>

namespace quarry::media {

std::optional<Error> CheckPixelLimit(int64_t width, int64_t height, uint64_t max_pixels) {
  constexpr int64_t kMaxSide = std::numeric_limits<int32_t>::max();
  if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide) {
    return Error{"image has an invalid size: " + std::to_string(width) + "×" + std::to_string(height)};
  }
  const uint64_t pixels = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
  if (pixels > max_pixels) {
    return Error{"image is " + std::to_string(width) + "×" + std::to_string(height) + " = " + std::to_string(pixels) +
                 " pixels, over the limit of " + std::to_string(max_pixels) + " (max_pixels)"};
  }
  return std::nullopt;
}

}  // namespace quarry::media
