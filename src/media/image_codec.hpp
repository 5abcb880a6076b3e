// ImageCodec — one image format's entry in the codec registry: how to recognise the format from the
// first bytes of a file, how to read its header without decoding, and how to decode it.
//
// Every codec lives in one file (jpeg_decoder.cpp, bmp_decoder.cpp, ...) that defines its entry
// (`const ImageCodec& JpegCodec()`), and image_codecs.cpp holds the one list of entries, in the order
// sniffing tries them. DecodeImage and ReadImageHeader (image_decoder.hpp) dispatch through the list.
// Entries are constant: function pointers and names, no state; the functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "common/result.hpp"
#include "media/image.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media {

struct ImageCodec {
  ImageFormat format = ImageFormat::kUnknown;
  std::string_view name;   // lower case, ImageFormatName's answer and SQL's: "jpeg"
  std::string_view title;  // as users spell it, in "not a recognised image format (JPEG, ...)"
  // True when the first bytes (at least 12 when the file has them) look like this format. Sniffs of
  // different codecs must not accept the same bytes; they never read past the span.
  bool (*sniff)(std::span<const uint8_t> bytes) = nullptr;
  // The stored size and the channels decode will produce, without decoding pixels. REQUIRES: sniff.
  Result<ImageHeader> (*read_header)(std::span<const uint8_t> bytes) = nullptr;
  // The whole image (the first frame or page), bounded by options.max_pixels. REQUIRES: sniff.
  Result<Image> (*decode)(std::span<const uint8_t> bytes, const DecodeOptions& options) = nullptr;
};

// Every registered codec, in the order sniffing tries them (image_codecs.cpp).
std::span<const ImageCodec* const> ImageCodecs();

// The codec whose sniff accepts `bytes`; nullptr when none does.
const ImageCodec* FindImageCodec(std::span<const uint8_t> bytes);

// True when `bytes` starts with `magic` (a string literal, without its terminating NUL).
template <size_t N>
bool StartsWith(std::span<const uint8_t> bytes, const char (&magic)[N]) {
  return bytes.size() >= N - 1 && std::memcmp(bytes.data(), magic, N - 1) == 0;
}

}  // namespace quarry::media
