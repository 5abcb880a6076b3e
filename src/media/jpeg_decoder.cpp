// JPEG decoding with TurboJPEG (see jpeg_decoder.hpp).
#include "media/jpeg_decoder.hpp"

#include <turbojpeg.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "media/decode_limit.hpp"
#include "media/exif_orientation.hpp"
#include "media/image_codec.hpp"
#include "media/pixel_pool.hpp"

namespace quarry::media {
namespace {

struct TurboJpegCloser {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using TurboJpegHandle = std::unique_ptr<void, TurboJpegCloser>;

std::string TurboJpegMessage(void* handle) {
  return tjGetErrorStr2(handle);
}

// Pillow's CMYK → RGB (Convert.c cmyk2rgb): channel = (255 - K) - (C·(255 - K)) / 255, rounded as
// MULDIV255. Like Pillow ("CMYK;I"), the samples are taken as stored inverted, the Adobe convention
// that practically every CMYK JPEG follows.
void ConvertInvertedCmykToBgr(const std::vector<uint8_t>& cmyk, std::vector<uint8_t>& bgr) {
  const size_t pixels = cmyk.size() / 4;
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* in = cmyk.data() + i * 4;
    uint8_t* out = bgr.data() + i * 3;
    const int k = 255 - in[3];
    const int not_k = 255 - k;
    for (int c = 0; c < 3; ++c) {
      const int ink = 255 - in[c];
      const int product = ink * not_k + 128;
      const int value = not_k - (((product >> 8) + product) >> 8);
      out[2 - c] = static_cast<uint8_t>(value < 0 ? 0 : value);
    }
  }
}

}  // namespace

// The EXIF orientation from the APP1 segments before the first SOFn/SOS; upright when none.
int ReadJpegOrientation(std::span<const uint8_t> bytes) {
  size_t at = 2;  // after SOI
  while (at + 4 <= bytes.size()) {
    if (bytes[at] != 0xFF) break;
    const uint8_t marker = bytes[at + 1];
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9 ||
        (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)) {
      break;  // SOS, EOI or SOFn: no more APPn segments that matter
    }
    const size_t length = size_t{bytes[at + 2]} << 8 | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.size()) break;
    const std::span<const uint8_t> payload = bytes.subspan(at + 4, length - 2);
    if (marker == 0xE1 && payload.size() >= 6 &&
        std::string_view(reinterpret_cast<const char*>(payload.data()), 6) == std::string_view("Exif\0\0", 6)) {
      return ParseExifOrientation(payload.subspan(6));
    }
    at += 2 + length;
  }
  return kOrientationUpright;
}

void ChooseJpegScale(int32_t width, int32_t height, int32_t min_width, int32_t min_height, int32_t& scaled_width,
                     int32_t& scaled_height) {
  scaled_width = width;
  scaled_height = height;
  if (min_width <= 0 || min_height <= 0) return;
  for (int denominator : {8, 4, 2}) {
    const tjscalingfactor factor{1, denominator};
    const int32_t w = TJSCALED(width, factor);
    const int32_t h = TJSCALED(height, factor);
    if (w >= min_width && h >= min_height) {
      scaled_width = w;
      scaled_height = h;
      return;
    }
  }
}

namespace {

// The frame header of a JPEG, read with `handle`.
struct JpegFrame {
  int width = 0;
  int height = 0;
  int colorspace = 0;
};

Result<JpegFrame> ReadJpegFrame(tjhandle handle, std::span<const uint8_t> bytes) {
  if (!handle) return Error{"cannot start the JPEG decoder: " + std::string(tjGetErrorStr2(nullptr))};
  JpegFrame frame;
  int subsampling = 0;
  if (tjDecompressHeader3(handle, bytes.data(), bytes.size(), &frame.width, &frame.height, &subsampling,
                          &frame.colorspace) != 0) {
    return Error{"corrupt JPEG header: " + TurboJpegMessage(handle)};
  }
  if (frame.width <= 0 || frame.height <= 0) {
    return Error{"truncated JPEG: the file ends before its frame header (SOFn)"};
  }
  return frame;
}

Result<ImageHeader> ReadJpegHeaderWith(tjhandle handle, std::span<const uint8_t> bytes) {
  auto frame = ReadJpegFrame(handle, bytes);
  if (!frame.ok()) return Error{frame.error()};
  ImageHeader header;
  header.format = ImageFormat::kJpeg;
  header.width = frame.value().width;
  header.height = frame.value().height;
  header.channels = frame.value().colorspace == TJCS_GRAY ? 1 : 3;
  return header;
}

Result<Image> DecodeJpegWith(tjhandle handle, std::span<const uint8_t> bytes, const DecodeOptions& options) {
  auto frame = ReadJpegFrame(handle, bytes);
  if (!frame.ok()) return Error{frame.error()};
  const int width = frame.value().width, height = frame.value().height, colorspace = frame.value().colorspace;
  if (auto error = CheckPixelLimit(width, height, options.max_pixels)) return *error;

  const int orientation = options.auto_orient ? ReadJpegOrientation(bytes) : kOrientationUpright;
  // The minimum applies to the upright image: swap it when the orientation transposes.
  const bool swap = OrientationSwapsAxes(orientation);
  int32_t scaled_width = 0, scaled_height = 0;
  ChooseJpegScale(width, height, swap ? options.min_height : options.min_width,
                  swap ? options.min_width : options.min_height, scaled_width, scaled_height);

  const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  Image image;
  image.width = scaled_width;
  image.height = scaled_height;
  image.channels = colorspace == TJCS_GRAY ? 1 : 3;
  const size_t pixel_count = static_cast<size_t>(scaled_width) * scaled_height;
  image.pixels = AcquirePixels(pixel_count * image.channels);  // every byte is decoded into
  std::vector<uint8_t> cmyk_pixels;
  if (cmyk) cmyk_pixels.resize(pixel_count * 4);
  const int pixel_format = cmyk ? TJPF_CMYK : (image.channels == 1 ? TJPF_GRAY : TJPF_BGR);
  uint8_t* destination = cmyk ? cmyk_pixels.data() : image.pixels.data();

  if (tjDecompress2(handle, bytes.data(), bytes.size(), destination, scaled_width, 0, scaled_height, pixel_format,
                    TJFLAG_LIMITSCANS) != 0) {
    const std::string message = TurboJpegMessage(handle);
    if (tjGetErrorCode(handle) == TJERR_FATAL) return Error{"corrupt JPEG data: " + message};
    // Warnings: a file cut short is an error (as Pillow without LOAD_TRUNCATED_IMAGES); others, such
    // as extraneous bytes before a marker, leave a complete image and are tolerated as Pillow does.
    if (message.find("Premature end") != std::string::npos) {
      return Error{"truncated JPEG: the file ends before the image data does"};
    }
  }
  if (cmyk) ConvertInvertedCmykToBgr(cmyk_pixels, image.pixels);
  if (orientation != kOrientationUpright) image = ApplyOrientation(std::move(image), orientation);
  return image;
}

}  // namespace

// The public entry points: a new handle per picture. (A reused handle keeps tables from the previous
// file: a JPEG without its own Huffman tables would then decode with another file's, or not.)
Result<ImageHeader> ReadJpegHeader(std::span<const uint8_t> bytes) {
  TurboJpegHandle handle(tjInitDecompress());
  return ReadJpegHeaderWith(handle.get(), bytes);
}

Result<Image> DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  TurboJpegHandle handle(tjInitDecompress());
  return DecodeJpegWith(handle.get(), bytes, options);
}

namespace {

bool SniffJpeg(std::span<const uint8_t> bytes) {
  return StartsWith(bytes, "\xFF\xD8\xFF");
}

}  // namespace

// This codec's entry in the registry (image_codecs.cpp).
const ImageCodec& JpegCodec() {
  static constexpr ImageCodec codec{ImageFormat::kJpeg, "jpeg", "JPEG", SniffJpeg, ReadJpegHeader, DecodeJpeg};
  return codec;
}

}  // namespace quarry::media
