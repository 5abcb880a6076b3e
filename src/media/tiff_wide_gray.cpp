// 12- and 32-bit gray TIFFs (see tiff_wide_gray.hpp).
#include "media/tiff_wide_gray.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace quarry::media {
namespace {

enum class SampleKind { kUnsigned12, kInteger32, kFloat32 };

struct SampleLayout {
  SampleKind kind = SampleKind::kUnsigned12;
  bool ok = false;
};

SampleLayout ReadSampleLayout(TIFF* tiff) {
  uint16_t bits = 0, samples = 0, format = SAMPLEFORMAT_UINT, photometric = 0;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &format);
  if (!TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric)) return {};
  if (samples != 1 || photometric != PHOTOMETRIC_MINISBLACK) return {};
  if (bits == 12 && format == SAMPLEFORMAT_UINT) return {SampleKind::kUnsigned12, true};
  if (bits == 32 && (format == SAMPLEFORMAT_UINT || format == SAMPLEFORMAT_INT)) return {SampleKind::kInteger32, true};
  if (bits == 32 && format == SAMPLEFORMAT_IEEEFP) return {SampleKind::kFloat32, true};
  return {};
}

uint8_t ClipInteger(int64_t value) {
  return static_cast<uint8_t>(value < 0 ? 0 : (value > 255 ? 255 : value));
}

// Pillow's F → L: clipped, truncated toward zero; NaN is 0.
uint8_t ClipFloat(float value) {
  if (std::isnan(value) || value <= 0) return 0;
  if (value >= 255) return 255;
  return static_cast<uint8_t>(value);
}

// `count` samples from the start of a decoded row (bit-packed 12-bit big-endian, or native-endian
// 32-bit words, as libtiff delivers them) into 8-bit gray.
void ConvertRow(SampleKind kind, const uint8_t* in, uint32_t count, uint8_t* out) {
  for (uint32_t i = 0; i < count; ++i) {
    if (kind == SampleKind::kUnsigned12) {
      const uint8_t* pair = in + size_t{i} / 2 * 3;
      const int value = i % 2 == 0 ? pair[0] << 4 | pair[1] >> 4 : (pair[1] & 0x0F) << 8 | pair[2];
      out[i] = ClipInteger(value);
    } else if (kind == SampleKind::kInteger32) {
      int32_t value;  // unsigned samples too: Pillow reads them as I;32N into signed 32-bit
      std::memcpy(&value, in + size_t{4} * i, 4);
      out[i] = ClipInteger(value);
    } else {
      float value;
      std::memcpy(&value, in + size_t{4} * i, 4);
      out[i] = ClipFloat(value);
    }
  }
}

Result<Image> ReadStrips(TIFF* tiff, SampleKind kind, Image image) {
  const tmsize_t row_bytes = TIFFScanlineSize(tiff);
  const uint64_t needed = kind == SampleKind::kUnsigned12 ? (uint64_t{static_cast<uint32_t>(image.width)} * 12 + 7) / 8
                                                          : uint64_t{static_cast<uint32_t>(image.width)} * 4;
  if (row_bytes <= 0 || static_cast<uint64_t>(row_bytes) < needed) return Error{"a bad scanline size"};
  std::vector<uint8_t> row(static_cast<size_t>(row_bytes));
  for (int32_t y = 0; y < image.height; ++y) {
    if (TIFFReadScanline(tiff, row.data(), static_cast<uint32_t>(y), 0) < 0) {
      return Error{"cannot decode row " + std::to_string(y)};
    }
    ConvertRow(kind, row.data(), static_cast<uint32_t>(image.width), image.row(y));
  }
  return image;
}

Result<Image> ReadTiles(TIFF* tiff, SampleKind kind, Image image) {
  uint32_t tile_width = 0, tile_height = 0;
  TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tile_width);
  TIFFGetField(tiff, TIFFTAG_TILELENGTH, &tile_height);
  const tmsize_t tile_bytes = TIFFTileSize(tiff);
  const tmsize_t tile_row_bytes = TIFFTileRowSize(tiff);
  const uint64_t needed_row =
      kind == SampleKind::kUnsigned12 ? (uint64_t{tile_width} * 12 + 7) / 8 : uint64_t{tile_width} * 4;
  // A tile may be larger than the image, but not absurdly: its buffer is allocated before libtiff
  // reads anything, so a lying header must not reserve gigabytes.
  const uint64_t image_bytes = uint64_t{static_cast<uint32_t>(image.width)} * static_cast<uint32_t>(image.height) * 4;
  if (static_cast<uint64_t>(tile_bytes) > std::max<uint64_t>(uint64_t{1} << 24, image_bytes * 8)) {
    return Error{"tiles of " + std::to_string(tile_width) + "×" + std::to_string(tile_height) +
                 " pixels for a smaller image"};
  }
  if (tile_width == 0 || tile_height == 0 || tile_bytes <= 0 || tile_row_bytes <= 0 ||
      static_cast<uint64_t>(tile_row_bytes) < needed_row ||
      static_cast<uint64_t>(tile_bytes) < static_cast<uint64_t>(tile_row_bytes) * tile_height) {
    return Error{"a bad tile size"};
  }
  std::vector<uint8_t> tile(static_cast<size_t>(tile_bytes));
  const auto width = static_cast<uint32_t>(image.width);
  const auto height = static_cast<uint32_t>(image.height);
  for (uint32_t y0 = 0; y0 < height; y0 += tile_height) {
    for (uint32_t x0 = 0; x0 < width; x0 += tile_width) {
      if (TIFFReadTile(tiff, tile.data(), x0, y0, 0, 0) < 0) {
        return Error{"cannot decode the tile at " + std::to_string(x0) + "," + std::to_string(y0)};
      }
      const uint32_t columns = std::min(tile_width, width - x0);
      for (uint32_t dy = 0; dy < tile_height && y0 + dy < height; ++dy) {
        ConvertRow(kind, tile.data() + size_t{dy} * static_cast<size_t>(tile_row_bytes), columns,
                   image.row(static_cast<int32_t>(y0 + dy)) + x0);
      }
    }
  }
  return image;
}

}  // namespace

bool IsWideGrayTiff(TIFF* tiff) {
  return ReadSampleLayout(tiff).ok;
}

Result<Image> DecodeWideGrayTiff(TIFF* tiff, uint32_t width, uint32_t height) {
  const SampleLayout layout = ReadSampleLayout(tiff);
  if (!layout.ok) return Error{"not a 12- or 32-bit gray TIFF"};
  Image image;
  image.width = static_cast<int32_t>(width);
  image.height = static_cast<int32_t>(height);
  image.channels = 1;
  image.pixels.resize(static_cast<size_t>(width) * height);
  return TIFFIsTiled(tiff) ? ReadTiles(tiff, layout.kind, std::move(image))
                           : ReadStrips(tiff, layout.kind, std::move(image));
}

}  // namespace quarry::media
