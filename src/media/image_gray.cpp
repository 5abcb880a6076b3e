// ToGray (see image_transform.hpp): Pillow's RGB -> L conversion (libImaging/Convert.c, rgb2l) on
// BGR(A) pixels: L = (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16, the fixed-point form of
// R * 0.299 + G * 0.587 + B * 0.114 rounded to nearest. Alpha is dropped, as convert('L') does.
#include <cstddef>

#include "media/image_transform.hpp"

namespace quarry::media {

Image ToGray(const ImageView& image) {
  Image gray;
  const size_t count = static_cast<size_t>(image.width < 0 ? 0 : image.width) * (image.height < 0 ? 0 : image.height);
  if (image.channels != 1 && image.channels != 3 && image.channels != 4) return gray;
  if (image.pixels.size() != count * image.channels) return gray;
  gray.width = image.width;
  gray.height = image.height;
  gray.channels = 1;
  if (image.channels == 1) {
    gray.pixels.assign(image.pixels.begin(), image.pixels.end());
    return gray;
  }
  gray.pixels.resize(count);
  const uint8_t* pixel = image.pixels.data();
  const size_t stride = image.channels;
  for (size_t i = 0; i < count; ++i, pixel += stride) {
    const uint32_t blue = pixel[0], green = pixel[1], red = pixel[2];
    gray.pixels[i] = static_cast<uint8_t>((red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16);
  }
  return gray;
}

}  // namespace quarry::media
