// Image decoding: from the bytes of a file (JPEG, PNG, WebP, GIF, TIFF, BMP) to an Image, or just its
// header (format, size, channels) without decoding pixels.
//
// The format is recognised from the first bytes, never from a file name. Every decoder is bounded:
// an image whose width × height exceeds DecodeOptions::max_pixels is an error before any pixel buffer
// is allocated, and malformed or truncated input is an Error, never a crash, a hang or an unbounded
// allocation (each decoder is fuzzed: fuzz/). Functions are thread-safe and keep no state.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "media/image.hpp"

namespace quarry::media {

// Pillow's decompression-bomb limit (Image.MAX_IMAGE_PIXELS), the default for max_pixels.
constexpr uint64_t kDefaultMaxPixels = 89'478'485;

struct ImageHeader {
  ImageFormat format = ImageFormat::kUnknown;
  int32_t width = 0;
  int32_t height = 0;
  int32_t channels = 0;  // what DecodeImage will produce: 1 (gray), 3 (BGR) or 4 (BGRA)
};

struct DecodeOptions {
  uint64_t max_pixels = kDefaultMaxPixels;
  // When both are > 0, the decoder may return a smaller image than the file's, but never smaller than
  // min_width × min_height in both dimensions, when it can do so cheaply (JPEG DCT scaling by 1/2, 1/4,
  // 1/8). The caller resizes the rest of the way. 0: full size.
  int32_t min_width = 0;
  int32_t min_height = 0;
  // Apply the EXIF orientation tag (JPEG APP1, the TIFF Orientation tag; not yet WebP's EXIF chunk) so
  // the image is upright. Off by default, as Spark.
  bool auto_orient = false;
};

// The format recognised from the first bytes (12 are enough for every format).
ImageFormat DetectImageFormat(std::span<const uint8_t> bytes);

// Reads only the header. For JPEG this scans markers up to SOFn; for PNG the IHDR chunk; etc.
// The size is the stored one: before EXIF orientation and DCT scaling. No max_pixels check here.
Result<ImageHeader> ReadImageHeader(std::span<const uint8_t> bytes);

// Decodes the whole image (the first frame of an animated GIF or WebP, the first page of a TIFF) into
// 8-bit gray, BGR or BGRA: 16-bit samples are scaled to 8 bits, palettes expanded, CMYK converted, a
// gray image with alpha becomes BGRA. A truncated file is an error (as Pillow without
// LOAD_TRUNCATED_IMAGES), naming what is missing. max_pixels applies to the stored size, even when
// DCT scaling would decode a smaller image (as Pillow's bomb check).
Result<Image> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

}  // namespace quarry::media
