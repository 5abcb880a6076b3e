// Image — decoded pixels in Spark's image layout, the currency of src/media/.
//
// 8-bit samples, row-major, channels interleaved: 1 channel (gray), 3 (BGR) or 4 (BGRA), exactly as
// Spark's ImageSchema stores them, so `data` can go into the SQL image struct without conversion.
// Plain value type: copyable, movable, no shared state.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace quarry::media {

// The formats quarry decodes, one per registered codec (image_codecs.cpp). kUnknown: not recognised
// from the first bytes.
enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kGif, kTiff, kBmp };

// "jpeg", "png", "webp", "gif", "tiff", "bmp", or "unknown": the codec's name (image_codecs.cpp).
std::string_view ImageFormatName(ImageFormat format);

// OpenCV type codes Spark's image schema uses for `mode`.
constexpr int32_t kModeGray = 0;   // CV_8UC1
constexpr int32_t kModeBgr = 16;   // CV_8UC3
constexpr int32_t kModeBgra = 24;  // CV_8UC4
constexpr int32_t kModeInvalid = -1;

struct ImageView;

struct Image {
  int32_t width = 0;
  int32_t height = 0;
  int32_t channels = 0;         // 1, 3 or 4
  std::vector<uint8_t> pixels;  // height * width * channels bytes

  // The OpenCV mode for `channels` (kModeGray, kModeBgr, kModeBgra).
  int32_t mode() const;
  size_t row_bytes() const { return static_cast<size_t>(width) * channels; }
  const uint8_t* row(int32_t y) const { return pixels.data() + y * row_bytes(); }
  uint8_t* row(int32_t y) { return pixels.data() + y * row_bytes(); }

  // A view of these pixels (valid while this Image lives and is not resized).
  operator ImageView() const;  // NOLINT(google-explicit-constructor): every Image is a view
};

// ImageView — pixels in the Image layout that someone else owns (a DuckDB BLOB, a decoder buffer), so
// transforms read them without a copy. Same member names as Image, so code reads either alike.
struct ImageView {
  int32_t width = 0;
  int32_t height = 0;
  int32_t channels = 0;
  std::span<const uint8_t> pixels;  // height * width * channels bytes

  int32_t mode() const { return Image{width, height, channels, {}}.mode(); }
  size_t row_bytes() const { return static_cast<size_t>(width) * channels; }
  const uint8_t* row(int32_t y) const { return pixels.data() + y * row_bytes(); }
  // An owning copy.
  Image ToImage() const { return Image{width, height, channels, {pixels.begin(), pixels.end()}}; }
};

inline Image::operator ImageView() const {
  return ImageView{width, height, channels, pixels};
}

}  // namespace quarry::media
