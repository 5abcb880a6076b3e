// EXIF Orientation parsing and application (see exif_orientation.hpp).
#include "media/exif_orientation.hpp"

#include <cstring>
#include <utility>

namespace quarry::media {
namespace {

// Reads 16/32-bit integers of a TIFF structure in its byte order; out-of-range reads give nullopt.
class TiffReader {
 public:
  TiffReader(std::span<const uint8_t> bytes, bool big_endian) : bytes_(bytes), big_endian_(big_endian) {}

  bool U16(uint64_t at, uint16_t& out) const {
    if (at + 2 > bytes_.size()) return false;
    const uint8_t* p = bytes_.data() + at;
    out = big_endian_ ? static_cast<uint16_t>(p[0] << 8 | p[1]) : static_cast<uint16_t>(p[1] << 8 | p[0]);
    return true;
  }
  bool U32(uint64_t at, uint32_t& out) const {
    if (at + 4 > bytes_.size()) return false;
    const uint8_t* p = bytes_.data() + at;
    out = big_endian_ ? (uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3])
                      : (uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0]);
    return true;
  }

 private:
  std::span<const uint8_t> bytes_;
  bool big_endian_;
};

}  // namespace

int ParseExifOrientation(std::span<const uint8_t> exif) {
  if (exif.size() < 8) return kOrientationUpright;
  bool big_endian;
  if (exif[0] == 'M' && exif[1] == 'M') {
    big_endian = true;
  } else if (exif[0] == 'I' && exif[1] == 'I') {
    big_endian = false;
  } else {
    return kOrientationUpright;
  }
  TiffReader reader(exif, big_endian);
  uint16_t magic = 0;
  uint32_t ifd = 0;
  uint16_t entries = 0;
  if (!reader.U16(2, magic) || magic != 42 || !reader.U32(4, ifd) || !reader.U16(ifd, entries)) {
    return kOrientationUpright;
  }
  for (uint32_t i = 0; i < entries; ++i) {
    const uint64_t entry = uint64_t{ifd} + 2 + uint64_t{i} * 12;
    uint16_t tag = 0, type = 0, value = 0;
    if (!reader.U16(entry, tag) || !reader.U16(entry + 2, type)) break;
    if (tag != 0x0112) continue;
    if (type != 3 || !reader.U16(entry + 8, value)) return kOrientationUpright;  // SHORT, inline
    return value >= 1 && value <= 8 ? value : kOrientationUpright;
  }
  return kOrientationUpright;
}

bool OrientationSwapsAxes(int orientation) {
  return orientation >= 5 && orientation <= 8;
}

Image ApplyOrientation(Image image, int orientation) {
  if (orientation < 2 || orientation > 8 || image.pixels.empty()) return image;
  const int32_t width = image.width;
  const int32_t height = image.height;
  const size_t channels = image.channels;
  Image out;
  out.channels = image.channels;
  out.width = OrientationSwapsAxes(orientation) ? height : width;
  out.height = OrientationSwapsAxes(orientation) ? width : height;
  out.pixels.resize(image.pixels.size());
  for (int32_t y = 0; y < out.height; ++y) {
    uint8_t* destination = out.row(y);
    for (int32_t x = 0; x < out.width; ++x) {
      int32_t source_x = x, source_y = y;
      switch (orientation) {
        case 2:
          source_x = width - 1 - x;
          break;
        case 3:
          source_x = width - 1 - x, source_y = height - 1 - y;
          break;
        case 4:
          source_y = height - 1 - y;
          break;
        case 5:
          source_x = y, source_y = x;
          break;
        case 6:
          source_x = y, source_y = height - 1 - x;
          break;
        case 7:
          source_x = width - 1 - y, source_y = height - 1 - x;
          break;
        case 8:
          source_x = width - 1 - y, source_y = x;
          break;
      }
      std::memcpy(destination + x * channels, image.row(source_y) + source_x * channels, channels);
    }
  }
  return out;
}

}  // namespace quarry::media
